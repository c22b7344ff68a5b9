import { parseBusinessHours, type BusinessHours, type BusinessHoursInput } from './schema';
import { businessMilliseconds, isOpen, lastClosing, nextOpening, openSpans } from './schedule';
import { wallClock } from './time-zone';

const H = 3_600_000;
const M = 60_000;

/** A Vietnamese wall-clock time (UTC+7, no DST) as an instant: vn('2026-01-05 08:00'). */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const utc = (s: string) => new Date(`${s.replace(' ', 'T')}:00Z`);

const WEEKDAY: [string, string][] = [
  ['08:00', '12:00'],
  ['13:30', '17:30'],
];
/** The shop of the examples: Mon–Fri with a lunch break, Saturday mornings, Tết 2027 off. */
const shop = parseBusinessHours({
  week: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [['08:00', '12:00']] },
  holidays: ['2027-02-05', { from: '2027-02-06', to: '2027-02-10' }, { from: '2026-02-16', to: '2026-02-20' }],
});
// 2026-01-05 is a Monday; 2027-02-04 a Thursday; 2027-02-05..10 is Friday..Wednesday.

describe('isOpen', () => {
  test.each([
    ['Monday 07:59', vn('2026-01-05 07:59'), false],
    ['Monday 08:00 (opening is open)', vn('2026-01-05 08:00'), true],
    ['Monday 11:59', vn('2026-01-05 11:59'), true],
    ['Monday 12:00 (closing is closed)', vn('2026-01-05 12:00'), false],
    ['Monday 13:00, lunch break', vn('2026-01-05 13:00'), false],
    ['Monday 13:30', vn('2026-01-05 13:30'), true],
    ['Monday 20:00', vn('2026-01-05 20:00'), false],
    ['Saturday 09:00', vn('2026-01-10 09:00'), true],
    ['Saturday 14:00', vn('2026-01-10 14:00'), false],
    ['Sunday 10:00', vn('2026-01-11 10:00'), false],
    ['Tết, Monday 2027-02-08 09:00', vn('2027-02-08 09:00'), false],
    ['the day after Tết, Thursday 09:00', vn('2027-02-11 09:00'), true],
    ['01:30Z is 08:30 in Vietnam', utc('2026-01-05 01:30'), true],
    ['as a number of ms', vn('2026-01-05 09:00').getTime(), true],
  ])('%s → %s', (_name, at, open) => {
    expect(isOpen(shop, at)).toBe(open);
  });

  test('an invalid instant is refused', () => {
    expect(() => isOpen(shop, new Date('nonsense'))).toThrow(/not a valid instant/);
  });
});

describe('nextOpening', () => {
  test.each([
    ['open now: the same instant', vn('2026-01-05 09:15'), vn('2026-01-05 09:15')],
    ['at the opening itself', vn('2026-01-05 08:00'), vn('2026-01-05 08:00')],
    ['early morning', vn('2026-01-05 06:00'), vn('2026-01-05 08:00')],
    ['lunch break', vn('2026-01-05 12:30'), vn('2026-01-05 13:30')],
    ['at closing time', vn('2026-01-05 17:30'), vn('2026-01-06 08:00')],
    ['weekday evening', vn('2026-01-05 20:00'), vn('2026-01-06 08:00')],
    ['just before midnight', vn('2026-01-05 23:59'), vn('2026-01-06 08:00')],
    ['Friday evening → Saturday', vn('2026-01-09 20:00'), vn('2026-01-10 08:00')],
    ['Saturday afternoon → Monday', vn('2026-01-10 13:00'), vn('2026-01-12 08:00')],
    ['Sunday → Monday', vn('2026-01-11 10:00'), vn('2026-01-12 08:00')],
    ['before Tết → after Tết', vn('2027-02-04 18:00'), vn('2027-02-11 08:00')],
    ['inside Tết', vn('2027-02-07 09:00'), vn('2027-02-11 08:00')],
  ])('%s', (_name, at, expected) => {
    expect(nextOpening(shop, at)).toEqual(expected);
  });

  test('never open: null', () => {
    expect(nextOpening(parseBusinessHours({ week: {} }), vn('2026-01-05 09:00'))).toBeNull();
    expect(nextOpening(parseBusinessHours({ week: { mon: [] } }), vn('2026-01-05 09:00'))).toBeNull();
  });

  test('closed by holidays for years: jumps over them; forever: null', () => {
    const long = parseBusinessHours({ week: { wed: [['08:00', '17:00']] }, holidays: [{ from: '2026-01-01', to: '2030-12-31' }] });
    expect(nextOpening(long, vn('2026-06-01 09:00'))).toEqual(vn('2031-01-01 08:00')); // a Wednesday
    const forever = parseBusinessHours({ week: { mon: WEEKDAY }, holidays: [{ from: '2026-01-01', to: '2999-12-31' }] });
    expect(nextOpening(forever, vn('2026-06-01 09:00'))).toBeNull();
  });
});

describe('lastClosing', () => {
  test.each([
    ['weekday evening', vn('2026-01-05 20:00'), vn('2026-01-05 17:30')],
    ['lunch break', vn('2026-01-05 12:45'), vn('2026-01-05 12:00')],
    ['at closing time', vn('2026-01-05 12:00'), vn('2026-01-05 12:00')],
    ['next early morning', vn('2026-01-06 07:00'), vn('2026-01-05 17:30')],
    ['Sunday', vn('2026-01-11 15:00'), vn('2026-01-10 12:00')],
    ['after Tết, early', vn('2027-02-11 07:00'), vn('2027-02-04 17:30')],
  ])('%s', (_name, at, expected) => {
    expect(lastClosing(shop, at)).toEqual(expected);
  });

  test('never open: null', () => {
    expect(lastClosing(parseBusinessHours({ week: {} }), vn('2026-01-05 20:00'))).toBeNull();
  });
});

describe('businessMilliseconds', () => {
  test.each([
    ['inside the morning', vn('2026-01-05 09:00'), vn('2026-01-05 11:00'), 2 * H],
    ['across the lunch break', vn('2026-01-05 11:00'), vn('2026-01-05 14:00'), 1.5 * H],
    ['the whole break only', vn('2026-01-05 12:00'), vn('2026-01-05 13:30'), 0],
    ['a whole weekday', vn('2026-01-05 00:00'), vn('2026-01-06 00:00'), 8 * H],
    ['across midnight', vn('2026-01-05 17:00'), vn('2026-01-06 09:00'), 1.5 * H],
    ['a night only', vn('2026-01-05 20:00'), vn('2026-01-06 07:00'), 0],
    ['across a weekend', vn('2026-01-09 16:00'), vn('2026-01-12 10:00'), 1.5 * H + 4 * H + 2 * H],
    ['from inside closed time (Sunday)', vn('2026-01-11 15:00'), vn('2026-01-12 09:00'), 1 * H],
    ['from inside the break', vn('2026-01-05 12:30'), vn('2026-01-05 14:00'), 0.5 * H],
    ['to inside closed time', vn('2026-01-05 16:30'), vn('2026-01-05 23:00'), 1 * H],
    ['across Tết', vn('2027-02-04 17:00'), vn('2027-02-11 09:00'), 0.5 * H + 1 * H],
    ['inside Tết', vn('2027-02-06 00:00'), vn('2027-02-10 23:59'), 0],
    ['seconds and ms count', new Date(vn('2026-01-05 09:00').getTime() + 1234), new Date(vn('2026-01-05 09:00').getTime() + 61_001), 59_767],
    ['one full week', vn('2026-01-05 00:00'), vn('2026-01-12 00:00'), 44 * H],
    ['13 weeks, with Tết 2026 (Mon–Fri) off', vn('2026-01-05 00:00'), vn('2026-04-06 00:00'), 13 * 44 * H - 5 * 8 * H],
    ['90 days, from Sunday night (closed) to Saturday night', vn('2026-01-04 22:00'), vn('2026-04-04 22:00'), 13 * 44 * H - 5 * 8 * H],
    ['90 days, from inside the lunch break to Sunday', vn('2026-01-05 12:30'), vn('2026-04-05 12:30'), 13 * 44 * H - 5 * 8 * H - 4 * H],
    ['~91 days, from inside the lunch break to inside a morning', vn('2026-01-05 12:30'), vn('2026-04-06 09:30'), 13 * 44 * H - 5 * 8 * H - 4 * H + 1.5 * H],
    ['from equal to: 0', vn('2026-01-05 09:00'), vn('2026-01-05 09:00'), 0],
    ['from after to: 0', vn('2026-01-05 11:00'), vn('2026-01-05 09:00'), 0],
  ])('%s', (_name, from, to, expected) => {
    expect(businessMilliseconds(shop, from, to)).toBe(expected);
  });

  test('agrees with openSpans and isOpen', () => {
    const spans = openSpans(shop, vn('2026-01-09 16:00'), vn('2026-01-12 10:00'));
    expect(spans.map(([a, b]) => [new Date(a), new Date(b)])).toEqual([
      [vn('2026-01-09 16:00'), vn('2026-01-09 17:30')],
      [vn('2026-01-10 08:00'), vn('2026-01-10 12:00')],
      [vn('2026-01-12 08:00'), vn('2026-01-12 10:00')],
    ]);
    expect(spans.every(([a, b]) => isOpen(shop, a) && isOpen(shop, b - 1))).toBe(true);
    expect(spans.reduce((sum, [a, b]) => sum + b - a, 0)).toBe(businessMilliseconds(shop, vn('2026-01-09 16:00'), vn('2026-01-12 10:00')));
  });

  test('always open and never open', () => {
    const allDay: [string, string][] = [['00:00', '24:00']];
    const always = parseBusinessHours({ week: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay } });
    expect(businessMilliseconds(always, vn('2026-01-01 10:00'), vn('2026-03-01 10:00'))).toBe(59 * 24 * H);
    expect(isOpen(always, vn('2026-01-05 00:00'))).toBe(true);
    expect(businessMilliseconds(parseBusinessHours({ week: {} }), vn('2026-01-01 10:00'), vn('2026-03-01 10:00'))).toBe(0);
  });

  test('long spans are O(days): a year of spans in a blink', () => {
    const started = performance.now();
    let total = 0;
    for (let i = 0; i < 2000; i++) total += businessMilliseconds(shop, vn('2026-01-01 00:00').getTime() + i * 7 * M, vn('2027-01-01 00:00').getTime() + i * 7 * M);
    expect(total).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('time zones with daylight saving time (Europe/Berlin)', () => {
  // 2026: summer time starts Sunday 29 March 02:00 CET → 03:00 CEST (01:00Z), ends Sunday 25 October 03:00 CEST → 02:00 CET (01:00Z).
  const office: [string, string][] = [['09:00', '17:00']];
  const berlin = parseBusinessHours({
    timeZone: 'Europe/Berlin',
    week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [['10:00', '14:00']], sun: [['01:00', '04:00']] },
  });

  test.each([
    ['Monday before the change, 08:30Z = 09:30 CET', utc('2026-03-23 08:30'), true],
    ['Monday before the change, 16:30Z = 17:30 CET', utc('2026-03-23 16:30'), false],
    ['Monday after the change, 07:30Z = 09:30 CEST', utc('2026-03-30 07:30'), true],
    ['Monday after the change, 15:30Z = 17:30 CEST', utc('2026-03-30 15:30'), false],
    ['Monday after the change, 06:59Z = 08:59 CEST', utc('2026-03-30 06:59'), false],
    ['the day of the change, 00:30Z = 01:30 CET', utc('2026-03-29 00:30'), true],
    ['the day of the change, 01:30Z = 03:30 CEST', utc('2026-03-29 01:30'), true],
    ['the day of the change, 02:00Z = 04:00 CEST', utc('2026-03-29 02:00'), false],
    ['autumn change, 01:30Z = 02:30 CET (second time)', utc('2026-10-25 01:30'), true],
    ['autumn change, 02:59Z = 03:59 CET', utc('2026-10-25 02:59'), true],
    ['autumn change, 03:00Z = 04:00 CET', utc('2026-10-25 03:00'), false],
  ])('%s → %s', (_name, at, open) => {
    expect(isOpen(berlin, at)).toBe(open);
  });

  test.each([
    ['a week in winter', utc('2026-03-15 23:00'), utc('2026-03-22 23:00'), 5 * 8 * H + 4 * H + 3 * H],
    ['the week of the spring change: Sunday 01:00–04:00 is 2 real hours', utc('2026-03-22 23:00'), utc('2026-03-29 22:00'), 5 * 8 * H + 4 * H + 2 * H],
    ['the week of the autumn change: Sunday 01:00–04:00 is 4 real hours', utc('2026-10-18 22:00'), utc('2026-10-25 23:00'), 5 * 8 * H + 4 * H + 4 * H],
    ['Friday to Monday over the spring change', utc('2026-03-27 08:00'), utc('2026-03-30 07:00'), 8 * H + 4 * H + 2 * H],
    ['Friday 16:00 CET to Monday 10:00 CEST', utc('2026-03-27 15:00'), utc('2026-03-30 08:00'), 1 * H + 4 * H + 2 * H + 1 * H],
  ])('%s', (_name, from, to, expected) => {
    expect(businessMilliseconds(berlin, from, to)).toBe(expected);
  });

  test('next opening and last closing across the change', () => {
    expect(nextOpening(berlin, utc('2026-03-28 20:00'))).toEqual(utc('2026-03-29 00:00')); // Sunday 01:00 CET
    expect(nextOpening(berlin, utc('2026-03-29 03:00'))).toEqual(utc('2026-03-30 07:00')); // Monday 09:00 CEST
    expect(lastClosing(berlin, utc('2026-03-29 12:00'))).toEqual(utc('2026-03-29 02:00')); // Sunday 04:00 CEST
    expect(lastClosing(berlin, utc('2026-10-25 12:00'))).toEqual(utc('2026-10-25 03:00')); // Sunday 04:00 CET
  });

  test('an interval inside the skipped hour is empty that day, an hour on others', () => {
    const odd = parseBusinessHours({ timeZone: 'Europe/Berlin', week: { sun: [['02:00', '03:00'], ['10:00', '12:00']] } });
    expect(businessMilliseconds(odd, utc('2026-03-22 00:00'), utc('2026-03-23 00:00'))).toBe(3 * H);
    expect(businessMilliseconds(odd, utc('2026-03-29 00:00'), utc('2026-03-30 00:00'))).toBe(2 * H);
    expect(nextOpening(odd, utc('2026-03-28 22:30'))).toEqual(utc('2026-03-29 08:00')); // 10:00 CEST
    // In autumn the wall clock shows 02:00–03:00 twice: two real hours.
    expect(businessMilliseconds(odd, utc('2026-10-25 00:00'), utc('2026-10-26 00:00'))).toBe(4 * H);
  });

  test('a zone whose clocks skip midnight (America/Santiago, 6 September 2026)', () => {
    const night = parseBusinessHours({ timeZone: 'America/Santiago', week: { sun: [['00:00', '02:00']] } });
    // 00:00 never happens that day (23:59:59 −04 → 01:00 −03 at 04:00Z): open 01:00–02:00, one real hour.
    expect(openSpans(night, utc('2026-09-05 12:00'), utc('2026-09-07 12:00')).map(([a, b]) => [new Date(a), new Date(b)])).toEqual([[utc('2026-09-06 04:00'), utc('2026-09-06 05:00')]]);
  });
});

/**
 * An independent reference: step minute by minute, read the wall clock, look the minute
 * up in the weekly table. O(minutes) — only for checking.
 */
function bruteForce(input: BusinessHoursInput, from: number, to: number): number {
  const hours = parseBusinessHours(input);
  const holidays = hours.holidays;
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  let total = 0;
  for (let t = from; t < to; t += M) {
    const w = wallClock(hours.timeZone, t);
    const date = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
    if (holidays.some((h) => h.from <= date && date <= h.to)) continue;
    const minute = w.hour * 60 + w.minute;
    if (hours.week[days[w.weekday]!].some(([a, b]) => a <= minute && minute < b)) total += M;
  }
  return total;
}

describe('businessMilliseconds against a minute-by-minute reference', () => {
  let seed = 20260105;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  /**
   * Up to two random intervals a day on half hours, sometimes one up to "24:00". No boundary
   * strictly inside 01:00–03:00, where a DST zone's wall clock repeats an hour in autumn
   * (there the reference counts wall-clock minutes twice; see schedule.ts).
   */
  const randomWeek = () => {
    const week: Record<string, [string, string][]> = {};
    for (const d of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']) {
      const cuts = new Set<number>();
      for (let k = 0; k < 4; k++) cuts.add(Math.floor(random() * 49) * 30);
      const sorted = [...cuts].filter((m) => m <= 60 || m >= 180).sort((a, b) => a - b);
      const intervals: [string, string][] = [];
      for (let i = 0; i + 1 < sorted.length; i += 2) intervals.push([fmt(sorted[i]!), fmt(sorted[i + 1]!)]);
      week[d] = intervals;
    }
    return week;
  };

  const cases: [string, BusinessHoursInput, number, number][] = [];
  for (const timeZone of ['Asia/Ho_Chi_Minh', 'Europe/Berlin', 'America/New_York']) {
    for (let i = 0; i < 8; i++) {
      const week = randomWeek();
      const start = pick([utc('2026-03-24 00:00'), utc('2026-10-21 00:00'), utc('2026-11-01 00:00'), utc('2027-02-01 00:00')]).getTime() + Math.floor(random() * 72) * 17 * M;
      const end = start + Math.floor(random() * 8 * 24 * 60) * M;
      cases.push([`${timeZone} #${i}`, { timeZone, week, holidays: ['2027-02-05', { from: '2026-10-23', to: '2026-10-24' }] }, start, end]);
    }
  }

  test.each(cases)('%s', (_name, input, from, to) => {
    const hours: BusinessHours = parseBusinessHours(input);
    expect(businessMilliseconds(hours, from, to)).toBe(bruteForce(input, from, to));
    // and every minute where the reference says open, isOpen agrees (sampled)
    for (let t = from; t < to; t += 97 * M) {
      expect(isOpen(hours, t)).toBe(bruteForce(input, t, t + M) > 0);
    }
  });
});
