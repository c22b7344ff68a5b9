import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/** Canned responses agents insert with "/shortcode" in the composer. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE canned_responses (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      short_code text NOT NULL UNIQUE,
      content text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE canned_responses;`);
}
