import { sql, type RawBuilder } from 'kysely';
import type { Period, TimeStats } from './figures';
import type { ReportFilter } from './report-service';
import { bucketRange, splitDays, TIME_BUCKET_BOUNDS_LITERAL } from './time-buckets';

/** The time figures of the summary: each kind of report time, and all waits together. */
export const TIME_SERIES = {
  first_response: ['first_response'],
  human_first_response: ['human_first_response'],
  resolution: ['resolution'],
  wait_bot: ['wait_bot'],
  wait_human: ['wait_human'],
  waits: ['wait_bot', 'wait_human'],
} as const;
export type TimeSeries = keyof typeof TIME_SERIES;
export type TimeFigures = Record<TimeSeries, { wall: TimeStats; business: TimeStats }>;

type Run = <T>(query: RawBuilder<T>) => Promise<T[]>;

const ALL_KINDS = [...new Set(Object.values(TIME_SERIES).flat())];

/**
 * The report_times rows of the edges, one range per edge (each through the (kind, at)
 * index; an OR of ranges would scan the table): `select` is the column list, `rest` what
 * follows the conditions (group by).
 */
export function edgeTimes(edges: readonly Period[], select: RawBuilder<unknown>, where: RawBuilder<unknown>, rest: RawBuilder<unknown> = sql``): RawBuilder<unknown> {
  if (edges.length === 0) return sql`select ${select} from report_times where false ${rest}`;
  return sql.join(
    edges.map((e) => sql`select ${select} from report_times where kind in (${sql.join(ALL_KINDS)}) and at >= ${e.from} and at < ${e.to} ${where} ${rest}`),
    sql` union all `,
  );
}

/** Count and sums of one kind of time for one agent × team (0 = none) over the period. */
export interface TimeSum {
  agent: number;
  team: number;
  kind: string;
  n: number;
  wall: number;
  business: number;
}

/** The period's counts and sums per agent × team × kind: day table plus the edges' raw rows. */
export async function timeSums(run: Run, p: Period, where: RawBuilder<unknown>): Promise<TimeSum[]> {
  const { days, edges } = splitDays(p);
  return run(sql<TimeSum>`
    select agent, team, kind, sum(n)::float8 as n, sum(wall)::float8 as wall, sum(business)::float8 as business from (
      -- team_id/agent_id are 0 for none there; a filter only ever asks for a real id
      select agent_id as agent, team_id as team, kind, sum(n) as n, sum(sum_ms) as wall, sum(sum_business_ms) as business from report_time_days
        where ${days ? sql`day >= ${days.from}::date and day < ${days.to}::date` : sql`false`} ${where} group by 1, 2, 3
      union all
      ${edgeTimes(edges, sql`coalesce(agent_id, 0), coalesce(team_id, 0), kind, count(*), sum(ms), sum(business_ms)`, where, sql`group by 1, 2, 3`)}
    ) t group by 1, 2, 3`);
}

/**
 * Count, mean, median and p90 of every time series, wall-clock and in business hours —
 * the same values as sorting every time of the period (figures.ts `timeStats`).
 */
export function timeFigures(sums: readonly TimeSum[], percentiles: Map<string, [number, number]>): TimeFigures {
  const out = {} as TimeFigures;
  for (const [series, kinds] of Object.entries(TIME_SERIES) as [TimeSeries, readonly string[]][]) {
    const rows = sums.filter((r) => kinds.includes(r.kind));
    const n = rows.reduce((s, r) => s + r.n, 0);
    const stats = (business: boolean): TimeStats => {
      const pct = percentiles.get(`${series}|${business}`);
      if (n === 0 || !pct) return { count: 0, meanMs: null, medianMs: null, p90Ms: null };
      const total = rows.reduce((s, r) => s + (business ? r.business : r.wall), 0);
      return { count: n, meanMs: Math.round(total / n), medianMs: pct[0], p90Ms: pct[1] };
    };
    out[series] = { wall: stats(false), business: stats(true) };
  }
  return out;
}

/**
 * Median and p90 of each series and clock (key `series|business`). Without a team or
 * agent chosen: the day histograms give the bucket that holds each rank and the rank
 * within it, then that bucket's values of the period are read in order through the
 * (kind, ms, at) index and the one at that rank taken — no sort of the period. For one
 * team or agent (a smaller set, and no histogram per team/agent) the database sorts it.
 */
export async function timePercentiles(run: Run, sorting: Run, p: Period, filter: ReportFilter, where: RawBuilder<unknown>): Promise<Map<string, [number, number]>> {
  if (filter.teamId !== undefined || filter.agentId !== undefined) return sortedPercentiles(sorting, p, where);
  const { days, edges } = splitDays(p);
  return (await histogramPercentiles(run, p, days, edges, where)) ?? sortedPercentiles(sorting, p, where);
}

/** Null when a rollup write landed between the histogram and a lookup (each is its own query): then sort instead. */
async function histogramPercentiles(run: Run, p: Period, days: { from: string; to: string } | null, edges: Period[], where: RawBuilder<unknown>): Promise<Map<string, [number, number]> | null> {
  const bounds = sql`${TIME_BUCKET_BOUNDS_LITERAL}::bigint[]`;
  const rows = await run(sql<{ kind: string; business: boolean; bucket: number; n: number }>`
    select kind, business, bucket, sum(n)::int as n from (
      select kind, business, bucket, n from report_time_histogram
        where ${days ? sql`day >= ${days.from}::date and day < ${days.to}::date` : sql`false`} ${where}
      union all
      ${edgeTimes(edges, sql`kind, false, width_bucket(ms, ${bounds}), 1`, where)}
      union all
      ${edgeTimes(edges, sql`kind, true, width_bucket(business_ms, ${bounds}), 1`, where)}
    ) h group by 1, 2, 3`);
  const lookups: Promise<void>[] = [];
  let missed = false;
  const out = new Map<string, [number, number]>();
  for (const [series, kinds] of Object.entries(TIME_SERIES) as [TimeSeries, readonly string[]][]) {
    for (const business of [false, true]) {
      const counts = new Map<number, number>();
      for (const r of rows) if (r.business === business && kinds.includes(r.kind)) counts.set(r.bucket, (counts.get(r.bucket) ?? 0) + r.n);
      const buckets = [...counts.entries()].filter(([, c]) => c > 0).sort(([a], [b]) => a - b);
      const n = buckets.reduce((s, [, c]) => s + c, 0);
      if (n === 0) continue;
      const result: [number, number] = [0, 0];
      out.set(`${series}|${business}`, result);
      [0.5, 0.9].forEach((q, i) => {
        const at = locate(buckets, rankOf(q, n));
        if (!at) {
          missed = true;
          return;
        }
        const { bucket, offset } = at;
        const { lo, hi } = bucketRange(bucket);
        const column = sql.ref(business ? 'business_ms' : 'ms');
        lookups.push(
          run(sql<{ v: number }>`
            select ${column}::float8 as v from report_times
            where kind in (${sql.join([...kinds])}) and ${column} >= ${lo} ${hi === null ? sql`` : sql`and ${column} < ${hi}`}
              and at >= ${p.from} and at < ${p.to} ${where}
            order by ${column} offset ${offset - 1} limit 1`).then((v) => {
            if (v[0]) result[i] = v[0].v;
            else missed = true;
          }),
        );
      });
    }
  }
  await Promise.all(lookups);
  return missed ? null : out;
}

/** The bucket holding the value of 1-based rank `rank`, and its rank within the bucket. */
function locate(buckets: readonly [number, number][], rank: number): { bucket: number; offset: number } | null {
  let before = 0;
  for (const [bucket, n] of buckets) {
    if (before + n >= rank) return { bucket, offset: rank - before };
    before += n;
  }
  return null;
}

/** The nearest rank of figures.ts / `percentile_disc`: the first r (1-based) with r / n ≥ q. */
export function rankOf(q: number, n: number): number {
  let r = Math.max(1, Math.ceil(q * n));
  while (r > 1 && (r - 1) / n >= q) r--;
  while (r < n && r / n < q) r++;
  return r;
}

/** Sorting the period's values (team or agent reports: a fraction of the rows). */
async function sortedPercentiles(run: Run, p: Period, where: RawBuilder<unknown>): Promise<Map<string, [number, number]>> {
  const cols = sql`percentile_disc(array[0.5, 0.9]) within group (order by ms)::float8[] as wall, percentile_disc(array[0.5, 0.9]) within group (order by business_ms)::float8[] as business`;
  const [byKind, waits] = await Promise.all([
    run(sql<{ kind: string; wall: number[]; business: number[] }>`select kind, ${cols} from report_times where at >= ${p.from} and at < ${p.to} ${where} group by kind`),
    run(sql<{ wall: number[] | null; business: number[] | null }>`select ${cols} from report_times where kind in ('wait_bot', 'wait_human') and at >= ${p.from} and at < ${p.to} ${where}`),
  ]);
  const out = new Map<string, [number, number]>();
  for (const r of byKind) {
    out.set(`${r.kind}|false`, [r.wall[0]!, r.wall[1]!]);
    out.set(`${r.kind}|true`, [r.business[0]!, r.business[1]!]);
  }
  const w = waits[0];
  if (w?.wall && w.business) {
    out.set('waits|false', [w.wall[0]!, w.wall[1]!]);
    out.set('waits|true', [w.business[0]!, w.business[1]!]);
  }
  return out;
}

/** Per agent or team (null = none): the mean first response, human first response and wait. */
export function groupTimeMeans(sums: readonly TimeSum[], by: 'agent' | 'team'): Map<number | null, { frt: number | null; hfrt: number | null; waitMean: number | null }> {
  const groups = new Map<number, TimeSum[]>();
  for (const r of sums) groups.set(r[by], [...(groups.get(r[by]) ?? []), r]);
  const mean = (rows: TimeSum[], kinds: readonly string[]) => {
    const of = rows.filter((r) => kinds.includes(r.kind));
    const n = of.reduce((s, r) => s + r.n, 0);
    return n === 0 ? null : Math.round(of.reduce((s, r) => s + r.wall, 0) / n);
  };
  return new Map(
    [...groups.entries()].map(([id, rows]) => [id === 0 ? null : id, { frt: mean(rows, TIME_SERIES.first_response), hfrt: mean(rows, TIME_SERIES.human_first_response), waitMean: mean(rows, TIME_SERIES.waits) }]),
  );
}
