import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * `surveys`: the satisfaction surveys asked after a resolution (src/surveys/), one row per
 * conversation and kind — the unique constraint is what makes "once per conversation" hold
 * with concurrent resolutions on several nodes. `status`: `sent` (asked, waiting for the
 * answer), `answered` (`score`, later maybe `comment`), `not_sent` (outside the channel's
 * messaging window: `note` says why). The agent and team are those of the conversation
 * when it was asked, so answers are tied to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE surveys (
      id serial PRIMARY KEY,
      conversation_id integer NOT NULL REFERENCES conversations(id),
      inbox_id integer NOT NULL REFERENCES inboxes(id),
      kind text NOT NULL CHECK (kind IN ('csat', 'nps')),
      status text NOT NULL CHECK (status IN ('sent', 'answered', 'not_sent')),
      score integer,
      comment text,
      agent_id integer REFERENCES agents(id) ON DELETE SET NULL,
      team_id integer REFERENCES teams(id) ON DELETE SET NULL,
      message_id bigint REFERENCES messages(id),
      sent_at timestamptz NOT NULL,
      answered_at timestamptz,
      comment_asked_at timestamptz,
      commented_at timestamptz,
      note text,
      CONSTRAINT surveys_once_per_conversation UNIQUE (conversation_id, kind),
      CONSTRAINT surveys_score_range CHECK (score IS NULL OR (kind = 'csat' AND score BETWEEN 1 AND 5) OR (kind = 'nps' AND score BETWEEN 0 AND 10)),
      CONSTRAINT surveys_answered_has_score CHECK ((status = 'answered') = (score IS NOT NULL))
    );
    CREATE INDEX surveys_inbox_sent_idx ON surveys (inbox_id, sent_at);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE surveys;`);
}
