import { WEEKDAYS, dayOf, type BusinessHours } from './schema';
import { DAY_MS, MINUTE_MS, offsetAt, wallToInstant } from './time-zone';

/**
 * Questions about business hours at real instants. Everything is answered from one
 * primitive: the open spans of one local calendar day as absolute instants (computed
 * with the zone's offsets, so DST days are 23 or 25 hours long), cached per day. Work
 * is proportional to the number of days looked at, never to the minutes.
 *
 * Spans are half-open: open at `start`, closed again at `end`.
 */

/** An open span between two instants, in ms since the epoch. */
export type Span = readonly [start: number, end: number];

export type Instant = Date | number;

interface Compiled {
  timeZone: string;
  /** Indexed by weekday, 0 = Sunday. */
  days: (readonly (readonly [number, number])[])[];
  /** Holiday ranges as day numbers, sorted and disjoint. */
  holidays: { from: number; to: number }[];
  hasOpenDay: boolean;
  spans: Map<number, readonly Span[]>;
}

const MAX_CACHED_DAYS = 20_000;
/** A search for the next/previous opening gives up after this many days (≈ 50 years). */
const SEARCH_LIMIT_DAYS = 18_300;

const compiled = new WeakMap<BusinessHours, Compiled>();

function compile(hours: BusinessHours): Compiled {
  let c = compiled.get(hours);
  if (!c) {
    const days = WEEKDAYS.map((d) => hours.week[d]);
    c = {
      timeZone: hours.timeZone,
      days,
      holidays: hours.holidays.map((h) => ({ from: dayOf(h.from), to: dayOf(h.to) })),
      hasOpenDay: days.some((d) => d.length > 0),
      spans: new Map(),
    };
    compiled.set(hours, c);
  }
  return c;
}

function toMs(at: Instant, name: string): number {
  const t = typeof at === 'number' ? at : at.getTime();
  if (!Number.isFinite(t)) throw new TypeError(`${name} is not a valid instant`);
  return t;
}

/** The holiday range containing local day `day`, if any. */
function holidayOf(c: Compiled, day: number): { from: number; to: number } | undefined {
  let lo = 0;
  let hi = c.holidays.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const h = c.holidays[mid]!;
    if (day < h.from) hi = mid - 1;
    else if (day > h.to) lo = mid + 1;
    else return h;
  }
  return undefined;
}

/** The open spans of local calendar day `day` (days since 1970-01-01 in the zone), as instants. */
function daySpans(c: Compiled, day: number): readonly Span[] {
  const cached = c.spans.get(day);
  if (cached) return cached;
  const spans: Span[] = [];
  const intervals = c.days[(((day + 4) % 7) + 7) % 7]!; // 1970-01-01 was a Thursday
  if (intervals.length > 0 && !holidayOf(c, day)) {
    const midnight = day * DAY_MS;
    // Same offset from a day before to two days after: no transition near this day.
    const before = offsetAt(c.timeZone, midnight - DAY_MS);
    const steady = before === offsetAt(c.timeZone, midnight + 2 * DAY_MS);
    const instant = (minutes: number) => {
      const wall = midnight + minutes * MINUTE_MS;
      return steady ? wall - before : wallToInstant(c.timeZone, wall);
    };
    for (const [a, b] of intervals) {
      const start = instant(a);
      const end = instant(b);
      if (end > start) spans.push([start, end]);
    }
  }
  if (c.spans.size >= MAX_CACHED_DAYS) c.spans.clear();
  c.spans.set(day, spans);
  return spans;
}

/** Local days that may hold spans touching [from, to]: offsets are within ±14 h, so one UTC day either side. */
function firstDay(t: number): number {
  return Math.floor(t / DAY_MS) - 1;
}
function lastDay(t: number): number {
  return Math.floor(t / DAY_MS) + 1;
}

/** Whether the inbox is open at `at`. */
export function isOpen(hours: BusinessHours, at: Instant): boolean {
  const t = toMs(at, 'at');
  const c = compile(hours);
  for (let d = firstDay(t); d <= lastDay(t); d++) {
    for (const [s, e] of daySpans(c, d)) if (s <= t && t < e) return true;
  }
  return false;
}

/**
 * The first instant at or after `at` when the inbox is open: `at` itself when open now;
 * null when it never opens again (no open day, or closed for ~50 years of holidays).
 */
export function nextOpening(hours: BusinessHours, at: Instant): Date | null {
  const t = toMs(at, 'at');
  const c = compile(hours);
  if (!c.hasOpenDay) return null;
  let d = firstDay(t);
  const limit = d + SEARCH_LIMIT_DAYS;
  while (d <= limit) {
    const h = holidayOf(c, d);
    if (h) {
      d = h.to + 1;
      continue;
    }
    for (const [s, e] of daySpans(c, d)) if (e > t) return new Date(Math.max(s, t));
    d++;
  }
  return null;
}

/**
 * The last instant at or before `at` when an open span ended — where the closed period
 * around `at` began when the inbox is closed at `at`. Null when it was never open before
 * (within ~50 years).
 */
export function lastClosing(hours: BusinessHours, at: Instant): Date | null {
  const t = toMs(at, 'at');
  const c = compile(hours);
  if (!c.hasOpenDay) return null;
  let d = lastDay(t);
  const limit = d - SEARCH_LIMIT_DAYS;
  while (d >= limit) {
    const h = holidayOf(c, d);
    if (h) {
      d = h.from - 1;
      continue;
    }
    const spans = daySpans(c, d);
    for (let i = spans.length - 1; i >= 0; i--) if (spans[i]![1] <= t) return new Date(spans[i]![1]);
    d--;
  }
  return null;
}

/** The open spans overlapping [from, to), clipped to it, in order (touching spans across midnight stay separate). */
export function openSpans(hours: BusinessHours, from: Instant, to: Instant): Span[] {
  const f = toMs(from, 'from');
  const t = toMs(to, 'to');
  const out: Span[] = [];
  if (!(t > f)) return out;
  const c = compile(hours);
  for (let d = firstDay(f); d <= lastDay(t); d++) {
    for (const [s, e] of daySpans(c, d)) {
      const a = Math.max(s, f);
      const b = Math.min(e, t);
      if (b > a) out.push([a, b]);
    }
  }
  return out;
}

/**
 * The time between `from` and `to` counting only open time (nights, breaks, closed days
 * and holidays excluded), in ms. 0 when `to` is not after `from`. Exact to the ms and
 * O(days spanned).
 */
export function businessMilliseconds(hours: BusinessHours, from: Instant, to: Instant): number {
  const f = toMs(from, 'from');
  const t = toMs(to, 'to');
  if (!(t > f)) return 0;
  const c = compile(hours);
  let total = 0;
  for (let d = firstDay(f); d <= lastDay(t); d++) {
    for (const [s, e] of daySpans(c, d)) {
      if (e <= f || s >= t) continue;
      total += Math.min(e, t) - Math.max(s, f);
    }
  }
  return total;
}
