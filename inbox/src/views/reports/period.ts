/**
 * The reports' filters and the query they make. Pure (no DOM), so it is unit-tested.
 *
 * Dates are the browser's local calendar days: a preset of N days runs from local midnight
 * N − 1 days ago up to the moment it was chosen (`asOf`); a custom range from local midnight
 * of the first day to local midnight after the last (or `asOf`, when that is sooner). The
 * server buckets the charts in the same time zone (`tz`).
 */
import { qs } from '../../api';

export type Preset = 7 | 30 | 90;
export const PRESETS: readonly Preset[] = [7, 30, 90];

export interface ReportFilters {
  preset: Preset | 'custom';
  /** YYYY-MM-DD, local days, both included. */
  fromDate: string;
  toDate: string;
  /** The moment a preset (or refresh) was chosen: the end of a period that reaches today. */
  asOf: number;
  channel: string;
  inbox: string;
  team: string;
  agent: string;
  interval: 'day' | 'week';
}

const pad = (n: number) => String(n).padStart(2, '0');

export function ymd(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Local midnight of a YYYY-MM-DD day, or null when it is not one. */
export function parseYmd(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return ymd(d) === s ? d : null;
}

export function addDays(d: Date, n: number): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + n);
}

/** Filters for a preset ending now; other filters kept. */
export function presetFilters(preset: Preset, now: number, keep?: ReportFilters): ReportFilters {
  const today = new Date(now);
  return {
    channel: '',
    inbox: '',
    team: '',
    agent: '',
    ...keep,
    preset,
    fromDate: ymd(addDays(today, -(preset - 1))),
    toDate: ymd(today),
    asOf: now,
    interval: preset === 90 ? 'week' : 'day',
  };
}

/** The instants [from, to) the filters stand for, or null when the dates are not a range. */
export function periodOf(f: ReportFilters): { from: Date; to: Date } | null {
  const from = parseYmd(f.fromDate);
  const last = parseYmd(f.toDate);
  if (!from || !last || last < from) return null;
  const end = addDays(last, 1).getTime();
  const to = new Date(Math.min(end, Math.max(f.asOf, from.getTime() + 60_000)));
  return { from, to };
}

/** The browser's IANA time zone (the server's default is Asia/Ho_Chi_Minh). */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The query string every report request and the CSV link share. */
export function reportQuery(f: ReportFilters, timeZone = browserTimeZone()): string | null {
  const p = periodOf(f);
  if (!p) return null;
  return qs({ from: p.from.toISOString(), to: p.to.toISOString(), channel: f.channel, inbox: f.inbox, team: f.team, agent: f.agent, tz: timeZone });
}
