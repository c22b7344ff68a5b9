import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import { npsFigure, type Period } from './figures';
import type { SeriesMetric } from './report-service';

type Point = { bucket: number; value: number | null };

/**
 * One metric per bucket (local days or weeks) in one pass over the report tables: rows
 * are put in their bucket with `width_bucket(instant, bucket starts)` and aggregated per
 * bucket — the same value the summary of that bucket would give (checked by
 * test/reports/rollups.test.ts), without computing a whole summary per bucket.
 */
export async function seriesFromRollups(db: Db, buckets: readonly Period[], where: RawBuilder<unknown>, metric: SeriesMetric): Promise<(number | null)[]> {
  if (buckets.length === 0) return [];
  const from = buckets[0]!.from;
  const to = buckets.at(-1)!.to;
  const starts = sql`${`{${buckets.map((b) => b.from.toISOString()).join(',')}}`}::timestamptz[]`;
  const bucketOf = (col: string) => sql`width_bucket(${sql.ref(col)}, ${starts})`;
  const inP = (col: string) => sql`${sql.ref(col)} >= ${from} and ${sql.ref(col)} < ${to}`;
  const rows = async (query: RawBuilder<Point>) => (await query.execute(db)).rows;
  const ratio = (num: RawBuilder<unknown>, den: RawBuilder<unknown>) => sql`case when count(*) filter (where ${den}) = 0 then null else (count(*) filter (where ${num} and ${den}))::float8 / count(*) filter (where ${den}) end`;
  const median = (kinds: string[]) =>
    rows(sql<Point>`select ${bucketOf('at')} as bucket, percentile_disc(0.5) within group (order by ms)::float8 as value from report_times where kind in (${sql.join(kinds)}) and ${inP('at')} ${where} group by 1`);

  let points: Point[];
  switch (metric) {
    case 'firstResponseMedian':
      points = await median(['first_response']);
      break;
    case 'humanFirstResponseMedian':
      points = await median(['human_first_response']);
      break;
    case 'resolutionTimeMedian':
      points = await median(['resolution']);
      break;
    case 'responseTimeMean':
      points = await rows(sql<Point>`select ${bucketOf('at')} as bucket, round(sum(ms)::float8 / count(*)) as value from report_times where kind in ('wait_bot', 'wait_human') and ${inP('at')} ${where} group by 1`);
      break;
    case 'fcr':
      points = await rows(sql<Point>`select ${bucketOf('last_resolved_at')} as bucket, ${ratio(sql`fcr`, sql`true`)} as value from report_conversations where ${inP('last_resolved_at')} ${where} group by 1`);
      break;
    case 'botContainment':
    case 'handoffRate':
      points = await rows(
        sql<Point>`select ${bucketOf('created_at')} as bucket, ${metric === 'botContainment' ? ratio(sql`contained`, sql`bot_handled`) : ratio(sql`handoff_reason is not null`, sql`bot_handled`)} as value
        from report_conversations where ${inP('created_at')} ${where} group by 1`,
      );
      break;
    case 'resolvedWithin24h':
      points = await rows(sql<Point>`select ${bucketOf('created_at')} as bucket, ${ratio(sql`coalesce(first_resolved_at - created_at <= interval '24 hours', false)`, sql`true`)} as value from report_conversations where ${inP('created_at')} ${where} group by 1`);
      break;
    case 'conversations':
      points = await rows(sql<Point>`select ${bucketOf('created_at')} as bucket, count(*)::float8 as value from report_conversations where ${inP('created_at')} ${where} group by 1`);
      break;
    case 'csat':
      points = await rows(sql<Point>`select ${bucketOf('at')} as bucket, ${ratio(sql`score >= 4`, sql`true`)} as value from report_surveys where kind = 'csat' and event = 'answered' and score is not null and ${inP('at')} ${where} group by 1`);
      break;
    case 'nps': {
      const counts = await sql<{ bucket: number; answered: number; promoters: number; passives: number; detractors: number }>`
        select ${bucketOf('at')} as bucket, count(*)::int as answered, count(*) filter (where score >= 9)::int as promoters,
          count(*) filter (where score between 7 and 8)::int as passives, count(*) filter (where score < 7)::int as detractors
        from report_surveys where kind = 'nps' and event = 'answered' and score is not null and ${inP('at')} ${where} group by 1`.execute(db);
      points = counts.rows.map(({ bucket, ...c }) => ({ bucket, value: npsFigure(c).score }));
      break;
    }
    case 'backlog':
      return backlogSeries(db, buckets, where);
  }
  const byBucket = new Map(points.map((p) => [p.bucket, p.value]));
  // Buckets without rows: 0 conversations, no rate or time.
  return buckets.map((_, i) => byBucket.get(i + 1) ?? (metric === 'conversations' ? 0 : null));
}

/**
 * The backlog at the end of each bucket: the backlog at the start of the period, plus the
 * visits begun and minus those resolved up to that end (a visit begun and resolved within
 * the period counts +1 then −1).
 */
async function backlogSeries(db: Db, buckets: readonly Period[], where: RawBuilder<unknown>): Promise<number[]> {
  const from = buckets[0]!.from;
  const to = buckets.at(-1)!.to;
  const starts = sql`${`{${buckets.map((b) => b.from.toISOString()).join(',')}}`}::timestamptz[]`;
  // A change at instant x counts from the end of the bucket (from, to] that holds x: x − 1 µs lies in [from, to).
  const bucketOf = (col: string) => sql`width_bucket(${sql.ref(col)} - interval '1 microsecond', ${starts})`;
  const [base, moves] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from (
      select 1 from report_segments where resolved_at is null and start_at <= ${from} ${where}
      union all
      select 1 from report_segments where resolved_at > ${from} and start_at <= ${from} ${where}) s`.execute(db),
    sql<{ bucket: number; n: number }>`select bucket, sum(n)::int as n from (
      select ${bucketOf('start_at')} as bucket, 1 as n from report_segments where start_at > ${from} and start_at <= ${to} ${where}
      union all
      select ${bucketOf('resolved_at')}, -1 from report_segments where resolved_at > ${from} and resolved_at <= ${to} ${where}) m
      group by bucket`.execute(db),
  ]);
  let open = base.rows[0]!.n;
  const delta = new Map(moves.rows.map((m) => [m.bucket, m.n]));
  return buckets.map((_, i) => (open += delta.get(i + 1) ?? 0));
}
