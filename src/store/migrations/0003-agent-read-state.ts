import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/** How far agents have read each conversation (drives unread counts in the inbox). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE conversations ADD COLUMN agent_last_read_id bigint NOT NULL DEFAULT 0;
    CREATE INDEX messages_conversation_direction_idx ON messages (conversation_id, direction, id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP INDEX messages_conversation_direction_idx;
    ALTER TABLE conversations DROP COLUMN agent_last_read_id;
  `);
}
