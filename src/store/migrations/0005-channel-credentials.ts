import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/** Credentials a channel rotates at run time (Zalo OA token pairs), one row per account. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE channel_credentials (
      channel text NOT NULL,
      account_id text NOT NULL,
      data jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id)
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE channel_credentials;`);
}
