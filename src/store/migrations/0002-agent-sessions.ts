import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/** Agent sessions (bearer tokens and web cookies, stored hashed) and login lock-out. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE agent_sessions (
      token_hash text PRIMARY KEY,
      agent_id integer NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX agent_sessions_agent_idx ON agent_sessions (agent_id);
    ALTER TABLE agents ADD COLUMN failed_logins integer NOT NULL DEFAULT 0;
    ALTER TABLE agents ADD COLUMN locked_until timestamptz;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP TABLE agent_sessions;
    ALTER TABLE agents DROP COLUMN failed_logins;
    ALTER TABLE agents DROP COLUMN locked_until;
  `);
}
