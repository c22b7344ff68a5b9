import { BusinessHoursError, parseBusinessHours, safeParseBusinessHours } from './schema';
import { businessHoursSettingProblem, inboxBusinessHours } from './inbox-settings';
import { isValidTimeZone, offsetAt, wallToInstant } from './time-zone';

const WEEKDAY = [
  ['08:00', '12:00'],
  ['13:30', '17:30'],
];

describe('parseBusinessHours', () => {
  test('the documented example: minutes, sorted and merged intervals, merged holidays, default zone', () => {
    const hours = parseBusinessHours({
      week: { mon: WEEKDAY, tue: [['13:30', '17:30'], ['08:00', '12:00']], sat: [['08:00', '10:00'], ['10:00', '12:00']], sun: [] },
      holidays: [{ from: '2027-02-06', to: '2027-02-10' }, '2027-02-05', '2026-01-01', '2027-02-08'],
      awayMessage: '  Cảm ơn bạn!  ',
    });
    expect(hours).toEqual({
      timeZone: 'Asia/Ho_Chi_Minh',
      week: {
        sun: [],
        mon: [[480, 720], [810, 1050]],
        tue: [[480, 720], [810, 1050]],
        wed: [],
        thu: [],
        fri: [],
        sat: [[480, 720]],
      },
      holidays: [
        { from: '2026-01-01', to: '2026-01-01' },
        { from: '2027-02-05', to: '2027-02-10' },
      ],
      awayMessage: 'Cảm ơn bạn!',
    });
  });

  test('"24:00" ends a day; a per-language away message; any IANA zone', () => {
    const hours = parseBusinessHours({ timeZone: 'Europe/Berlin', week: { fri: [['22:00', '24:00']], sat: [['00:00', '02:00']] }, awayMessage: { vi: 'Xin chào', en: 'Hello' } });
    expect(hours.week.fri).toEqual([[1320, 1440]]);
    expect(hours.awayMessage).toEqual({ vi: 'Xin chào', en: 'Hello' });
    expect(hours.timeZone).toBe('Europe/Berlin');
  });

  test.each([
    ['not an object', 'mon-fri 8-17', '(root): must be an object {timeZone, week, holidays, awayMessage}'],
    ['no week', {}, 'week: is required'],
    ['a misspelt day', { week: { monday: [] } }, 'week: Unrecognized key: "monday"'],
    ['an unknown field', { week: {}, hollidays: [] }, '(root): Unrecognized key: "hollidays"'],
    ['a day that is not a list', { week: { mon: 'all day' } }, 'week.mon: must be a list of intervals'],
    ['an interval that is not a pair', { week: { mon: [['08:00']] } }, 'week.mon.0: must be a pair of times'],
    ['a time without a leading zero', { week: { mon: [['8:00', '12:00']] } }, 'week.mon.0.0: must be a time "HH:MM" from "00:00" to "24:00"'],
    ['an impossible time', { week: { mon: [['08:00', '24:30']] } }, 'week.mon.0.1: must be a time "HH:MM"'],
    ['an interval ending before it starts', { week: { tue: [['17:30', '08:00']] } }, 'week.tue.0: must end after it starts'],
    ['an interval over midnight', { week: { fri: [['22:00', '02:00']] } }, 'write an interval over midnight as two'],
    ['overlapping intervals', { week: { mon: [['08:00', '12:00'], ['11:00', '13:00']] } }, 'week.mon.1: 11:00–13:00 overlaps 08:00–12:00'],
    ['an unknown time zone', { timeZone: 'Asia/Hanoi', week: {} }, 'timeZone: unknown time zone'],
    ['a time zone that is not a text', { timeZone: 7, week: {} }, 'timeZone: must be an IANA time zone name'],
    ['an impossible date', { week: {}, holidays: ['2027-02-30'] }, 'holidays.0: must be a real date "YYYY-MM-DD"'],
    ['a date in another format', { week: {}, holidays: ['05/02/2027'] }, 'holidays.0: must be a real date'],
    ['a range backwards', { week: {}, holidays: [{ from: '2027-02-10', to: '2027-02-05' }] }, 'holidays.0.to: "to" must not be before "from"'],
    ['a holiday that is neither', { week: {}, holidays: [20270205] }, 'holidays.0: must be a date "YYYY-MM-DD" or a range'],
    ['holidays not a list', { week: {}, holidays: '2027-02-05' }, 'holidays: must be a list of dates or ranges'],
    ['an empty away message', { week: {}, awayMessage: '   ' }, 'awayMessage: must not be empty'],
    ['an away message in an unknown language', { week: {}, awayMessage: { fr: 'Bonjour' } }, 'awayMessage: Unrecognized key: "fr"'],
  ])('%s is refused, naming the problem', (_name, input, message) => {
    const r = safeParseBusinessHours(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain(message);
    expect(() => parseBusinessHours(input)).toThrow(BusinessHoursError);
  });

  test('every problem is listed at once, each with its path', () => {
    const r = safeParseBusinessHours({ timeZone: 'Nowhere', week: { mon: [['12:00', '08:00']] }, holidays: ['2027-13-01'] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.issues.map((i) => i.path).sort()).toEqual(['holidays.0', 'timeZone', 'week.mon.0']);
  });
});

describe('inbox settings', () => {
  test('no hours: null; stored hours parsed once and shared', () => {
    expect(inboxBusinessHours({})).toBeNull();
    expect(inboxBusinessHours({ businessHours: null })).toBeNull();
    const settings = { businessHours: { week: { mon: WEEKDAY } } };
    const a = inboxBusinessHours(settings);
    expect(a?.week.mon).toEqual([[480, 720], [810, 1050]]);
    expect(inboxBusinessHours({ businessHours: { week: { mon: WEEKDAY } } })).toBe(a);
  });

  test('invalid stored hours throw', () => {
    expect(() => inboxBusinessHours({ businessHours: { week: { mon: [['x', 'y']] } } })).toThrow(BusinessHoursError);
  });

  test('the admin API problem names the setting', () => {
    expect(businessHoursSettingProblem({ greeting: 'hi' })).toBeNull();
    expect(businessHoursSettingProblem({ businessHours: null })).toBeNull();
    expect(businessHoursSettingProblem({ businessHours: { week: { mon: WEEKDAY } } })).toBeNull();
    expect(businessHoursSettingProblem({ businessHours: { week: { mon: [['17:00', '08:00']] } } })).toMatch(/^settings\.businessHours\.week\.mon\.0: must end after it starts/);
    expect(businessHoursSettingProblem({ businessHours: 'weekdays' })).toMatch(/^settings\.businessHours: must be an object/);
  });
});

describe('time zones', () => {
  test.each([
    ['Asia/Ho_Chi_Minh', true],
    ['Europe/Berlin', true],
    ['UTC', true],
    ['Asia/Hanoi', false],
    ['', false],
    ['+07:00', false],
  ])('%s valid: %s', (tz, valid) => {
    expect(isValidTimeZone(tz)).toBe(valid);
  });

  test.each([
    ['Asia/Ho_Chi_Minh', '2026-01-05T02:00:00Z', 7],
    ['Europe/Berlin', '2026-03-29T00:59:59Z', 1],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 2],
    ['Europe/Berlin', '2026-10-25T00:59:59Z', 2],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', 1],
    ['America/New_York', '2026-07-01T12:00:00Z', -4],
    ['Asia/Kolkata', '2026-07-01T12:00:00Z', 5.5],
  ])('offset of %s at %s is %s h', (tz, at, hours) => {
    expect(offsetAt(tz, Date.parse(at))).toBe(hours * 3_600_000);
  });

  test.each([
    ['an ordinary time', 'Europe/Berlin', [2026, 0, 15, 9, 0], '2026-01-15T08:00:00.000Z'],
    ['summer time', 'Europe/Berlin', [2026, 6, 15, 9, 0], '2026-07-15T07:00:00.000Z'],
    ['the skipped hour: the moment of the jump', 'Europe/Berlin', [2026, 2, 29, 2, 30], '2026-03-29T01:00:00.000Z'],
    ['the repeated hour: its first occurrence', 'Europe/Berlin', [2026, 9, 25, 2, 30], '2026-10-25T00:30:00.000Z'],
    ['right after the repeated hour', 'Europe/Berlin', [2026, 9, 25, 3, 0], '2026-10-25T02:00:00.000Z'],
    ['Vietnam', 'Asia/Ho_Chi_Minh', [2026, 0, 12, 8, 0], '2026-01-12T01:00:00.000Z'],
  ])('wall clock → instant: %s', (_name, tz, [y, mo, d, h, mi], expected) => {
    expect(new Date(wallToInstant(tz as string, Date.UTC(y!, mo!, d!, h!, mi!))).toISOString()).toBe(expected);
  });
});
