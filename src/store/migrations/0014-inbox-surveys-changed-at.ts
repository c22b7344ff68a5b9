import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * `inboxes.surveys_changed_at`: when the inbox's survey settings last changed (null: as
 * created). A starting node asks the surveys a stopped node never asked
 * (src/surveys/survey-sender.ts `catchUp`), but only for resolutions made under today's
 * settings: a conversation resolved while surveys were off must not get one because they
 * were turned on later. Inboxes that exist when this migration runs count as changed now,
 * since nothing says what their settings were before.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE inboxes ADD COLUMN surveys_changed_at timestamptz;
    UPDATE inboxes SET surveys_changed_at = now();
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE inboxes DROP COLUMN surveys_changed_at;
  `);
}
