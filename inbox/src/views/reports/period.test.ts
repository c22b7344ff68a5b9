import { duration, numberText, percent, shortDate } from '../../format';
import { setLang } from '../../i18n';
import { periodOf, presetFilters, reportQuery, type ReportFilters } from './period';

describe('report formatting', () => {
  afterEach(() => setLang('vi'));

  test('durations in words, the two largest units, Vietnamese and English', () => {
    setLang('vi');
    expect([null, 0, 400, 45_000, 60_000, 90_000, 68_571, 8.5 * 60_000, 3_599_600, (2 * 60 + 5) * 60_000, (3 * 24 + 4) * 3_600_000].map(duration)).toEqual([
      '—',
      '0 giây',
      '< 1 giây',
      '45 giây',
      '1 phút',
      '1 phút 30 giây',
      '1 phút 9 giây',
      '8 phút 30 giây',
      '1 giờ',
      '2 giờ 5 phút',
      '3 ngày 4 giờ',
    ]);
    setLang('en');
    expect([90_000, 68_571, (2 * 60 + 5) * 60_000, (3 * 24 + 4) * 3_600_000].map(duration)).toEqual(['1 min 30 s', '1 min 9 s', '2 h 5 min', '3 d 4 h']);
  });

  test('rates as percentages, NPS signed, dates day first', () => {
    setLang('vi');
    expect([percent(0.6), percent(2 / 3), percent(null), numberText(33.3, true), numberText(0, true)]).toEqual(['60%', '66,7%', '—', '+33,3', '0']);
    setLang('en');
    expect([percent(2 / 3), numberText(-12.5, true)]).toEqual(['66.7%', '-12.5']);
    expect([shortDate(new Date(2026, 2, 2)), shortDate(new Date(2026, 2, 2), true)]).toEqual(['02/03', '02/03/2026']);
  });
});

describe('report periods', () => {
  const now = new Date(2026, 2, 12, 15, 0).getTime(); // 12 March 2026, 15:00 local

  test('a preset of N days runs from local midnight N − 1 days ago until now', () => {
    const f = presetFilters(7, now);
    expect(f).toMatchObject({ preset: 7, fromDate: '2026-03-06', toDate: '2026-03-12', interval: 'day' });
    expect(periodOf(f)).toEqual({ from: new Date(2026, 2, 6), to: new Date(now) });
    expect(presetFilters(90, now)).toMatchObject({ fromDate: '2025-12-13', interval: 'week' });
  });

  test('a custom range covers whole local days, ends no later than now, and refuses a start after the end', () => {
    const f: ReportFilters = { ...presetFilters(30, now), preset: 'custom', fromDate: '2026-03-02', toDate: '2026-03-04' };
    expect(periodOf(f)).toEqual({ from: new Date(2026, 2, 2), to: new Date(2026, 2, 5) });
    expect(periodOf({ ...f, toDate: '2026-03-12' })!.to).toEqual(new Date(now));
    expect(periodOf({ ...f, fromDate: '2026-03-05' })).toBeNull();
    expect(periodOf({ ...f, fromDate: '2026-02-30' })).toBeNull();
  });

  test('the query carries every filter and the time zone', () => {
    const f: ReportFilters = { ...presetFilters(7, now), channel: 'zalo', inbox: '3', team: '', agent: '7' };
    const q = reportQuery(f, 'Asia/Ho_Chi_Minh')!;
    const params = new URLSearchParams(q.slice(1));
    expect(Object.fromEntries(params)).toEqual({ from: new Date(2026, 2, 6).toISOString(), to: new Date(now).toISOString(), channel: 'zalo', inbox: '3', agent: '7', tz: 'Asia/Ho_Chi_Minh' });
  });
});
