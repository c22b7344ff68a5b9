/**
 * Time-zone arithmetic on IANA zones with nothing but `Intl.DateTimeFormat` (no
 * dependency). Two directions:
 * - instant → wall clock (`wallClock`, `offsetAt`): what a clock in the zone shows;
 * - wall clock → instant (`wallToInstant`): when a clock in the zone shows a given time.
 *
 * "Wall ms" is a wall-clock reading encoded as if it were UTC: `Date.UTC(y, m - 1, d, h, min)`.
 * DST is handled by construction: a wall time that happens twice (autumn) is taken at
 * its first occurrence; one that never happens (spring gap) is taken as the moment the
 * clock jumps over it, i.e. the first instant whose wall clock is at or after it. So the
 * mapping never goes backwards and `[wall a, wall b)` is always a valid (maybe empty) span.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. "Asia/Ho_Chi_Minh"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

/** What a clock in `timeZone` shows at instant `t` (ms since the epoch). */
export function wallClock(timeZone: string, t: number): WallClock {
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(new Date(t))) {
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value);
  }
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return { ...p, weekday };
}

/** The zone's offset from UTC at instant `t`, in ms (Asia/Ho_Chi_Minh: +7 h). */
export function offsetAt(timeZone: string, t: number): number {
  const w = wallClock(timeZone, t);
  const wallMs = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallMs - (t - mod(t, 1000));
}

/**
 * The instant at which a clock in `timeZone` shows `wallMs` (see the module comment for
 * DST: first occurrence in an overlap, the jump itself in a gap).
 */
export function wallToInstant(timeZone: string, wallMs: number): number {
  // No real zone changes its offset twice within two days, so the offsets a day before
  // and a day after are the only candidates.
  const before = offsetAt(timeZone, wallMs - DAY_MS);
  const after = offsetAt(timeZone, wallMs + DAY_MS);
  let best: number | null = null;
  for (const o of before === after ? [before] : [before, after]) {
    const t = wallMs - o;
    if (offsetAt(timeZone, t) === o && (best === null || t < best)) best = t;
  }
  if (best !== null) return best;
  // A gap: find the first instant whose wall clock is at or after wallMs.
  let lo = wallMs - Math.max(before, after) - DAY_MS / 24;
  let hi = wallMs - Math.min(before, after) + DAY_MS / 24;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (mid + offsetAt(timeZone, mid) >= wallMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Days since 1970-01-01 of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
