import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * `bot_decisions.message_id`: the contact message a decision answered (null for decisions
 * an external bot sent later, and for rows older than this migration). Unique, so the bot
 * decides on a message once across nodes and restarts: a node that starts gives the bot
 * the messages a stopped node stored but never gave it (src/listeners/bot-runner.ts
 * `catchUp`), and a second decision on the same message rolls back with everything it
 * would have sent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE bot_decisions ADD COLUMN message_id bigint REFERENCES messages(id);
    CREATE UNIQUE INDEX bot_decisions_message_idx ON bot_decisions (message_id) WHERE message_id IS NOT NULL;
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP INDEX bot_decisions_message_idx;
    ALTER TABLE bot_decisions DROP COLUMN message_id;
  `);
}
