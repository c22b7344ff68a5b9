import type { Kysely } from 'kysely';
import { runStatements } from './run-statements';

/**
 * What reports read instead of folding the whole event log on every request: each
 * conversation's facts (src/reports/conversation-facts.ts) flattened into rows, kept up to
 * date from the log by a listener (src/reports/rollup-writer.ts) and rebuildable from it.
 * - report_conversations: one row per conversation (the counts: FCR, containment, handoffs, 24 h).
 * - report_times: one row per timed occurrence (first response, human first response,
 *   each wait, each resolution), wall-clock and business-hours ms, so percentiles stay exact.
 * - report_segments: each contact visit (creation or reopen) and when it was resolved (backlog at any moment).
 * - report_surveys: survey sends and answers.
 * - report_activity: each contact message (retention).
 * The rows repeat the conversation's inbox, channel, team and agent so that a filtered
 * report reads one table, without a join.
 * `last_event_id` makes a late writer with an older view of the log lose to a newer one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE report_conversations (
      conversation_id integer PRIMARY KEY,
      last_event_id bigint NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      contact_id integer NOT NULL,
      team_id integer,
      agent_id integer,
      created_at timestamptz NOT NULL,
      bot_handled boolean NOT NULL,
      handoff_reason text,
      contained boolean NOT NULL,
      first_resolved_at timestamptz,
      last_resolved_at timestamptz,
      last_reopened_at timestamptz,
      fcr boolean NOT NULL,
      bot_resolved boolean NOT NULL
    );
    CREATE INDEX report_conversations_created_idx ON report_conversations (created_at);
    CREATE INDEX report_conversations_resolved_idx ON report_conversations (last_resolved_at);
    CREATE TABLE report_times (
      conversation_id integer NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer,
      agent_id integer,
      kind text NOT NULL,
      at timestamptz NOT NULL,
      ms bigint NOT NULL,
      business_ms bigint NOT NULL
    );
    CREATE INDEX report_times_kind_at_idx ON report_times (kind, at);
    CREATE INDEX report_times_conversation_idx ON report_times (conversation_id);
    CREATE TABLE report_segments (
      conversation_id integer NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer,
      agent_id integer,
      created_at timestamptz NOT NULL,
      start_at timestamptz NOT NULL,
      resolved_at timestamptz
    );
    CREATE INDEX report_segments_start_idx ON report_segments (start_at);
    CREATE INDEX report_segments_conversation_idx ON report_segments (conversation_id);
    CREATE TABLE report_surveys (
      conversation_id integer NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer,
      agent_id integer,
      kind text NOT NULL,
      event text NOT NULL,
      at timestamptz NOT NULL,
      score integer
    );
    CREATE INDEX report_surveys_at_idx ON report_surveys (at);
    CREATE INDEX report_surveys_conversation_idx ON report_surveys (conversation_id);
    CREATE TABLE report_activity (
      conversation_id integer NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer,
      agent_id integer,
      contact_id integer NOT NULL,
      at timestamptz NOT NULL
    );
    CREATE INDEX report_activity_at_idx ON report_activity (at);
    CREATE INDEX report_activity_conversation_idx ON report_activity (conversation_id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE report_activity; DROP TABLE report_surveys; DROP TABLE report_segments; DROP TABLE report_times; DROP TABLE report_conversations;`);
}
