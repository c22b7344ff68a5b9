import type { Kysely } from 'kysely';
import { COUNT_FIELDS } from '../../reports/count-rollups';
import { recomputeDayRollups } from '../../reports/day-rollups';
import { runStatements } from './run-statements';

/**
 * Per-day rollups of the report times, so a long period's report reads a few thousand
 * rows instead of every timed occurrence (src/reports/day-rollups.ts keeps them):
 * - report_time_days: per UTC day × inbox × team × agent × kind, the count and the sums
 *   of wall-clock and business-hours ms (counts and means; team/agent 0 = none);
 * - report_time_histogram: per UTC day × inbox × kind × clock, how many values fall in
 *   each bucket of src/reports/time-buckets.ts (medians and p90 without a sort);
 * - report_conversation_days / report_handoff_days: per UTC day × inbox × team × agent,
 *   the summary's counts (src/reports/count-rollups.ts; FCR, containment, 24 h, CSAT, NPS).
 * Indexes on (kind, ms, at) and (kind, business_ms, at) read one bucket's values of a
 * period in order (from the index alone).
 * report_activity.prev_at: the same contact's previous message on the channel, and
 * report_activity_days: those links counted per day of the message × day of the previous
 * one, so retention is counted without grouping by contact (src/reports/activity-links.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE report_time_days (
      day date NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer NOT NULL,
      agent_id integer NOT NULL,
      kind text NOT NULL,
      n integer NOT NULL,
      sum_ms bigint NOT NULL,
      sum_business_ms bigint NOT NULL,
      PRIMARY KEY (day, inbox_id, team_id, agent_id, kind)
    );
    CREATE TABLE report_time_histogram (
      day date NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      kind text NOT NULL,
      business boolean NOT NULL,
      bucket smallint NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (day, inbox_id, kind, business, bucket)
    );
    CREATE TABLE report_conversation_days (
      day date NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer NOT NULL,
      agent_id integer NOT NULL,
      ${COUNT_FIELDS.map((c) => `${c} integer NOT NULL DEFAULT 0,`).join('\n      ')}
      PRIMARY KEY (day, inbox_id, team_id, agent_id)
    );
    CREATE TABLE report_handoff_days (
      day date NOT NULL,
      inbox_id integer NOT NULL,
      channel text NOT NULL,
      team_id integer NOT NULL,
      agent_id integer NOT NULL,
      reason text NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (day, inbox_id, team_id, agent_id, reason)
    );
    CREATE INDEX report_times_kind_ms_idx ON report_times (kind, ms, at);
    CREATE INDEX report_times_kind_business_ms_idx ON report_times (kind, business_ms, at);
    CREATE INDEX report_segments_open_idx ON report_segments (start_at) WHERE resolved_at IS NULL;
    CREATE INDEX report_segments_resolved_idx ON report_segments (resolved_at);
    ALTER TABLE report_activity ADD COLUMN prev_at timestamptz;
    CREATE INDEX report_activity_contact_idx ON report_activity (channel, contact_id, at);
    CREATE INDEX report_activity_prev_idx ON report_activity (prev_at);
    CREATE TABLE report_activity_days (
      channel text NOT NULL,
      day date NOT NULL,
      prev_day date NOT NULL,
      n integer NOT NULL,
      PRIMARY KEY (channel, day, prev_day)
    );
  `);
  // Fill them from the rows already there (an upgrade).
  await recomputeDayRollups(db as never);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP INDEX report_segments_resolved_idx; DROP INDEX report_segments_open_idx;
    DROP TABLE report_activity_days; DROP INDEX report_activity_prev_idx; DROP INDEX report_activity_contact_idx; ALTER TABLE report_activity DROP COLUMN prev_at;
    DROP INDEX report_times_kind_business_ms_idx; DROP INDEX report_times_kind_ms_idx;
    DROP TABLE report_handoff_days; DROP TABLE report_conversation_days;
    DROP TABLE report_time_histogram; DROP TABLE report_time_days;`);
}
