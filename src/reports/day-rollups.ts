import { sql, type Selectable } from 'kysely';
import type { ReportTimeDaysTable, ReportTimeHistogramTable, ReportTimesTable } from '../store/schema';
import type { Db } from '../store/unit-of-work';
import { recomputeActivityLinks } from './activity-links';
import { recomputeCountDays } from './count-rollups';
import { TIME_BUCKET_BOUNDS_LITERAL, timeBucket, utcDay } from './time-buckets';

/** A report time as the day rollups need it (a row of report_times). */
export type TimeRow = Pick<Selectable<ReportTimesTable>, 'inbox_id' | 'channel' | 'team_id' | 'agent_id' | 'kind' | 'at' | 'ms' | 'business_ms'>;

type DayDelta = ReportTimeDaysTable;
type HistogramDelta = ReportTimeHistogramTable;

/**
 * What replacing a conversation's report times (`before` → `after`) changes in the day
 * tables of migration 0010: only the keys whose count or sums move, in one fixed key
 * order — the order every writer takes the rows' locks in, so two nodes never deadlock.
 * Rewriting a conversation whose times did not change gives no change at all.
 */
export function dayDeltas(before: readonly TimeRow[], after: readonly TimeRow[]): { days: DayDelta[]; histogram: HistogramDelta[] } {
  const days = new Map<string, DayDelta>();
  const histogram = new Map<string, HistogramDelta>();
  const add = (r: TimeRow, sign: 1 | -1) => {
    const day = utcDay(r.at);
    const team = r.team_id ?? 0;
    const agent = r.agent_id ?? 0;
    const dk = `${day}|${pad(r.inbox_id)}|${pad(team)}|${pad(agent)}|${r.kind}`;
    const d = days.get(dk) ?? { day, inbox_id: r.inbox_id, channel: r.channel, team_id: team, agent_id: agent, kind: r.kind, n: 0, sum_ms: 0, sum_business_ms: 0 };
    d.n += sign;
    d.sum_ms += sign * r.ms;
    d.sum_business_ms += sign * r.business_ms;
    days.set(dk, d);
    for (const business of [false, true]) {
      const bucket = timeBucket(business ? r.business_ms : r.ms);
      const hk = `${day}|${pad(r.inbox_id)}|${r.kind}|${business ? 1 : 0}|${pad(bucket)}`;
      const h = histogram.get(hk) ?? { day, inbox_id: r.inbox_id, channel: r.channel, kind: r.kind, business, bucket, n: 0 };
      h.n += sign;
      histogram.set(hk, h);
    }
  };
  for (const r of before) add(r, -1);
  for (const r of after) add(r, 1);
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    days: sorted(days).filter((d) => d.n !== 0 || d.sum_ms !== 0 || d.sum_business_ms !== 0),
    histogram: sorted(histogram).filter((h) => h.n !== 0),
  };
}

/** Keys sort as text: numbers padded so that text order is numeric order. */
const pad = (n: number) => String(n).padStart(10, '0');

/** Adds the changes to the day tables (inside the writer's transaction). */
export async function applyDayDeltas(db: Db, deltas: ReturnType<typeof dayDeltas>): Promise<void> {
  if (deltas.days.length > 0) {
    await db
      .insertInto('report_time_days')
      .values(deltas.days)
      .onConflict((oc) =>
        oc.columns(['day', 'inbox_id', 'team_id', 'agent_id', 'kind']).doUpdateSet({
          n: sql`report_time_days.n + excluded.n`,
          sum_ms: sql`report_time_days.sum_ms + excluded.sum_ms`,
          sum_business_ms: sql`report_time_days.sum_business_ms + excluded.sum_business_ms`,
        }),
      )
      .execute();
  }
  if (deltas.histogram.length > 0) {
    await db
      .insertInto('report_time_histogram')
      .values(deltas.histogram)
      .onConflict((oc) => oc.columns(['day', 'inbox_id', 'kind', 'business', 'bucket']).doUpdateSet({ n: sql`report_time_histogram.n + excluded.n` }))
      .execute();
  }
}

/**
 * Recomputes every day table and activity link from report_times, report_conversations,
 * report_surveys and report_activity
 * (the migration's backfill, and the end of a full rebuild). Writers wait meanwhile.
 * Runs in the caller's transaction when given one (a migration).
 */
export async function recomputeDayRollups(db: Db): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((trx) => recomputeDayRollups(trx));
  await sql`LOCK TABLE report_conversations, report_times, report_surveys, report_activity IN SHARE ROW EXCLUSIVE MODE`.execute(db);
  await sql`DELETE FROM report_time_days`.execute(db);
  await sql`DELETE FROM report_time_histogram`.execute(db);
  await sql`
    INSERT INTO report_time_days
    SELECT (at AT TIME ZONE 'UTC')::date, inbox_id, min(channel), coalesce(team_id, 0), coalesce(agent_id, 0), kind, count(*), sum(ms), sum(business_ms)
    FROM report_times GROUP BY 1, 2, 4, 5, 6`.execute(db);
  const bounds = sql`${TIME_BUCKET_BOUNDS_LITERAL}::bigint[]`;
  for (const [business, column] of [[false, 'ms'], [true, 'business_ms']] as const) {
    await sql`
      INSERT INTO report_time_histogram
      SELECT (at AT TIME ZONE 'UTC')::date, inbox_id, min(channel), kind, ${business}, width_bucket(${sql.ref(column)}, ${bounds}), count(*)
      FROM report_times GROUP BY 1, 2, 4, 6`.execute(db);
  }
  await recomputeActivityLinks(db);
  await recomputeCountDays(db);
}
