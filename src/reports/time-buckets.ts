import type { Period } from './figures';

/**
 * The histogram buckets of the report tables' times (migration 0010): geometric, each 5 %
 * wider than the one before, from 0 to about 115 days (the last bucket is open-ended).
 * They let an exact median or p90 over a million values be found without sorting them:
 * the per-day histograms say which bucket holds the wanted rank and how far into it, then
 * only that bucket's values are read, in order, through an index (rollup-percentiles.ts).
 * The same bounds are given to PostgreSQL's `width_bucket` for the raw rows at the edges
 * of a period, so JS and SQL always agree on a value's bucket.
 */
export const TIME_BUCKET_LOWER_BOUNDS: readonly number[] = Object.freeze(Array.from({ length: 331 }, (_, g) => Math.round(1000 * (1.05 ** g - 1))));

/** The bounds as a PostgreSQL array literal, for `width_bucket(ms, '{…}'::bigint[])`. */
export const TIME_BUCKET_BOUNDS_LITERAL = `{${TIME_BUCKET_LOWER_BOUNDS.join(',')}}`;

/** `width_bucket(ms, bounds)`: how many lower bounds are ≤ ms (1 for 0–49 ms; 0 only for negative values). */
export function timeBucket(ms: number): number {
  let lo = 0;
  let hi = TIME_BUCKET_LOWER_BOUNDS.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (TIME_BUCKET_LOWER_BOUNDS[mid]! <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The values a bucket holds: [lo, hi); hi null for the last, open-ended one. */
export function bucketRange(bucket: number): { lo: number; hi: number | null } {
  const lo = bucket === 0 ? Number.MIN_SAFE_INTEGER : TIME_BUCKET_LOWER_BOUNDS[bucket - 1]!;
  return { lo, hi: TIME_BUCKET_LOWER_BOUNDS[bucket] ?? null };
}

/** The UTC day of an instant, as the day tables key it ("2026-03-02"). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * A period split for the day tables: the whole UTC days inside it (read from
 * report_time_days / report_time_histogram) and the partial days at its ends (read from
 * report_times itself). A period shorter than a day is all edge.
 */
export function splitDays(p: Period): { days: { from: string; to: string } | null; edges: Period[] } {
  const DAY = 86_400_000;
  const firstFull = new Date(Math.ceil(p.from.getTime() / DAY) * DAY);
  const lastFullEnd = new Date(Math.floor(p.to.getTime() / DAY) * DAY);
  if (firstFull >= lastFullEnd) return { days: null, edges: [p] };
  const edges = [
    { from: p.from, to: firstFull },
    { from: lastFullEnd, to: p.to },
  ].filter((e) => e.from < e.to);
  return { days: { from: utcDay(firstFull), to: utcDay(lastFullEnd) }, edges };
}

