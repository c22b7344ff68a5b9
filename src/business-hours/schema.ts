import { z } from 'zod';
import { dayNumber, isValidTimeZone } from './time-zone';

/**
 * An inbox's business hours as admins write them (inbox `settings.businessHours`):
 *
 *   { "timeZone": "Asia/Ho_Chi_Minh",
 *     "week": { "mon": [["08:00","12:00"],["13:30","17:30"]], …, "sat": [["08:00","12:00"]] },
 *     "holidays": ["2027-01-01", { "from": "2027-02-05", "to": "2027-02-10" }],
 *     "awayMessage": "Cảm ơn bạn đã nhắn tin!" }
 *
 * A day not listed (or `[]`) is closed. Times are the zone's wall clock, "HH:MM" from
 * "00:00" to "24:00"; an interval over midnight is written as two ("22:00"–"24:00" and
 * "00:00"–"02:00" the next day). Holidays are closed all day, inclusive ranges.
 */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Open from `start` to `end` minutes after local midnight (end exclusive, at most 1440). */
export type MinuteInterval = readonly [start: number, end: number];

/** Validated, normalized business hours. Build with `parseBusinessHours`. */
export interface BusinessHours {
  readonly timeZone: string;
  /** Each weekday's open intervals, sorted, touching ones merged; `[]` = closed. */
  readonly week: Readonly<Record<Weekday, readonly MinuteInterval[]>>;
  /** Closed dates as inclusive "YYYY-MM-DD" ranges, sorted, overlapping ones merged. */
  readonly holidays: readonly { readonly from: string; readonly to: string }[];
  /** Text sent to contacts writing outside hours; per language or one text for all. */
  readonly awayMessage: string | { readonly vi?: string; readonly en?: string } | null;
}

const TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function minutesOf(time: string): number {
  if (time === '24:00') return 1440;
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

function isRealDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || y > 2999) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

const time = z.string({ error: 'must be a time "HH:MM"' }).regex(TIME, 'must be a time "HH:MM" from "00:00" to "24:00"');

/** The message for a wrong type, leaving zod's own for unknown keys ("Unrecognized key: …"). */
const typeError = (message: string) => (issue: { code?: string }) => (issue.code === 'unrecognized_keys' ? undefined : message);

const interval = z
  .tuple([time, time], { error: 'must be a pair of times, e.g. ["08:00", "12:00"]' })
  .refine(([a, b]) => !TIME.test(a) || !TIME.test(b) || minutesOf(a) < minutesOf(b), {
    message: 'must end after it starts (write an interval over midnight as two: ["22:00","24:00"] and ["00:00", …] on the next day)',
  });

const day = z
  .array(interval, { error: 'must be a list of intervals, e.g. [["08:00","12:00"],["13:30","17:30"]]' })
  .max(24, 'at most 24 intervals a day')
  .superRefine((intervals, ctx) => {
    const sorted = intervals.map(([a, b], i) => ({ a: minutesOf(a), b: minutesOf(b), i, label: `${a}–${b}` })).sort((x, y) => x.a - y.a);
    for (let k = 1; k < sorted.length; k++) {
      const prev = sorted[k - 1]!;
      const cur = sorted[k]!;
      if (cur.a < prev.b) ctx.addIssue({ code: 'custom', path: [cur.i], message: `${cur.label} overlaps ${prev.label}` });
    }
  });

const date = z.string({ error: 'must be a date "YYYY-MM-DD"' }).refine(isRealDate, 'must be a real date "YYYY-MM-DD" (years 1970–2999)');

const holiday = z.union(
  [
    date,
    z
      .object({ from: date, to: date }, { error: typeError('must be a date "YYYY-MM-DD" or a range {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}') })
      .strict()
      .refine((r) => !isRealDate(r.from) || !isRealDate(r.to) || r.from <= r.to, { message: '"to" must not be before "from"', path: ['to'] }),
  ],
  { error: 'must be a date "YYYY-MM-DD" or a range {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}' },
);

const text = z.string().trim().min(1, 'must not be empty').max(1000, 'at most 1000 characters');

export const businessHoursSchema = z
  .object(
    {
      timeZone: z
        .string({ error: 'must be an IANA time zone name, e.g. "Asia/Ho_Chi_Minh"' })
        .default(DEFAULT_TIME_ZONE)
        .refine(isValidTimeZone, 'unknown time zone (use an IANA name, e.g. "Asia/Ho_Chi_Minh" or "Europe/Berlin")'),
      week: z
        .object(
          { mon: day.optional(), tue: day.optional(), wed: day.optional(), thu: day.optional(), fri: day.optional(), sat: day.optional(), sun: day.optional() },
          { error: typeError('is required: {"mon": [["08:00","17:00"]], …} (days left out are closed)') },
        )
        .strict(),
      holidays: z.array(holiday, { error: 'must be a list of dates or ranges' }).max(1000, 'at most 1000 entries').default([]),
      awayMessage: z.union([text, z.object({ vi: text.optional(), en: text.optional() }).strict()], { error: typeError('must be a text, or {"vi": "…", "en": "…"}') }).optional(),
    },
    { error: typeError('must be an object {timeZone, week, holidays, awayMessage}') },
  )
  .strict();

/** The JSON admins write (see the module comment). */
export type BusinessHoursInput = z.input<typeof businessHoursSchema>;

/** One problem in business hours, with where it is (e.g. `week.mon.1`). */
export interface BusinessHoursIssue {
  path: string;
  message: string;
}

export class BusinessHoursError extends Error {
  constructor(readonly issues: BusinessHoursIssue[]) {
    super(issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; '));
    this.name = 'BusinessHoursError';
  }
}

export type BusinessHoursResult = { ok: true; hours: BusinessHours } | { ok: false; error: BusinessHoursError };

/** Validate and normalize; never throws. */
export function safeParseBusinessHours(input: unknown): BusinessHoursResult {
  const parsed = businessHoursSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, error: new BusinessHoursError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))) };
  }
  const v = parsed.data;
  const week = {} as Record<Weekday, MinuteInterval[]>;
  for (const d of WEEKDAYS) week[d] = mergeIntervals((v.week[d] ?? []).map(([a, b]) => [minutesOf(a), minutesOf(b)] as const));
  const ranges = v.holidays.map((h) => (typeof h === 'string' ? { from: h, to: h } : { from: h.from, to: h.to }));
  const hours: BusinessHours = {
    timeZone: v.timeZone,
    week,
    holidays: mergeDateRanges(ranges),
    awayMessage: v.awayMessage ?? null,
  };
  return { ok: true, hours };
}

/** Validate and normalize; throws a `BusinessHoursError` naming every problem. */
export function parseBusinessHours(input: unknown): BusinessHours {
  const r = safeParseBusinessHours(input);
  if (!r.ok) throw r.error;
  return r.hours;
}

function mergeIntervals(intervals: MinuteInterval[]): MinuteInterval[] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out.at(-1);
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function mergeDateRanges(ranges: { from: string; to: string }[]): { from: string; to: string }[] {
  const sorted = ranges.map((r) => ({ from: dayOf(r.from), to: dayOf(r.to) })).sort((x, y) => x.from - y.from);
  const out: { from: number; to: number }[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ ...r });
  }
  return out.map((r) => ({ from: isoOfDay(r.from), to: isoOfDay(r.to) }));
}

/** Days since the epoch of a "YYYY-MM-DD" date. */
export function dayOf(date: string): number {
  return dayNumber(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

export function isoOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
