import type { CampaignWindow } from '../../src/core/channel';
import { inPromotionHours, sameVietnamDay, zaloCampaignWindow, ZALO_DAILY_LIMIT, ZALO_NIGHT, ZALO_NOT_FOLLOWER } from './campaign-window';

/** A Vietnam wall-clock time (UTC+7) as an instant: vn('2026-03-10 21:59'). */
const vn = (wall: string) => new Date(`${wall.replace(' ', 'T')}:00+07:00`);
const OPEN: CampaignWindow = { open: true };
const closed = (reason: string, notBefore: string | null): CampaignWindow => ({ open: false, reason, notBefore: notBefore ? vn(notBefore) : null });

describe('Zalo campaign window: followers, 06:00–22:00 Vietnam time, one a day', () => {
  it.each<[string, { follower: boolean | null; lastCampaignAt: Date | null }, Date, CampaignWindow]>([
    ['follower, 10:00', { follower: true, lastCampaignAt: null }, vn('2026-03-10 10:00'), OPEN],
    ['follower, 06:00 exactly: open', { follower: true, lastCampaignAt: null }, vn('2026-03-10 06:00'), OPEN],
    ['follower, 05:59: waits until 06:00 the same day', { follower: true, lastCampaignAt: null }, vn('2026-03-10 05:59'), closed(ZALO_NIGHT, '2026-03-10 06:00')],
    ['follower, 00:00: waits until 06:00', { follower: true, lastCampaignAt: null }, vn('2026-03-10 00:00'), closed(ZALO_NIGHT, '2026-03-10 06:00')],
    ['follower, 21:59: still open', { follower: true, lastCampaignAt: null }, vn('2026-03-10 21:59'), OPEN],
    ['follower, 22:00: waits until 06:00 next day', { follower: true, lastCampaignAt: null }, vn('2026-03-10 22:00'), closed(ZALO_NIGHT, '2026-03-11 06:00')],
    ['follower, 23:00 on the last day of the month', { follower: true, lastCampaignAt: null }, vn('2026-03-31 23:00'), closed(ZALO_NIGHT, '2026-04-01 06:00')],
    ['follower, 23:00 on New Year’s Eve', { follower: true, lastCampaignAt: null }, vn('2026-12-31 23:00'), closed(ZALO_NIGHT, '2027-01-01 06:00')],
    ['not a follower: skipped for good', { follower: false, lastCampaignAt: null }, vn('2026-03-10 10:00'), closed(ZALO_NOT_FOLLOWER, null)],
    ['not a follower at night: still "not a follower"', { follower: false, lastCampaignAt: null }, vn('2026-03-10 23:00'), closed(ZALO_NOT_FOLLOWER, null)],
    ['follower unknown: tried (Zalo answers −213 if not)', { follower: null, lastCampaignAt: null }, vn('2026-03-10 10:00'), OPEN],
    ['one already today at 08:00: tomorrow 06:00', { follower: true, lastCampaignAt: vn('2026-03-10 08:00') }, vn('2026-03-10 15:00'), closed(ZALO_DAILY_LIMIT, '2026-03-11 06:00')],
    ['one already today, now 22:30: tomorrow 06:00', { follower: true, lastCampaignAt: vn('2026-03-10 08:00') }, vn('2026-03-10 22:30'), closed(ZALO_DAILY_LIMIT, '2026-03-11 06:00')],
    // 21:30 Vietnam is 14:30 UTC the same day; 06:30 Vietnam next day is 23:30 UTC of the UTC day before: Vietnam days, not UTC days.
    ['yesterday 21:30, now 06:30: a new Vietnam day', { follower: true, lastCampaignAt: vn('2026-03-09 21:30') }, vn('2026-03-10 06:30'), OPEN],
    ['yesterday 21:59, now 06:00 (under 9 h later): open', { follower: true, lastCampaignAt: vn('2026-03-09 21:59') }, vn('2026-03-10 06:00'), OPEN],
  ])('%s', (_label, target, now, expected) => {
    expect(zaloCampaignWindow(target, now)).toEqual(expected);
  });

  it('days and hours are Vietnam time, not UTC', () => {
    // 2026-03-10 23:30 UTC is 06:30 on the 11th in Vietnam.
    expect(sameVietnamDay(new Date('2026-03-10T23:30:00Z'), vn('2026-03-11 08:00'))).toBe(true);
    expect(sameVietnamDay(new Date('2026-03-10T16:59:00Z'), new Date('2026-03-10T17:00:00Z'))).toBe(false); // 23:59 vs 00:00
    expect(inPromotionHours(new Date('2026-03-10T14:59:00Z'))).toBe(true); // 21:59
    expect(inPromotionHours(new Date('2026-03-10T15:00:00Z'))).toBe(false); // 22:00
    expect(inPromotionHours(new Date('2026-03-10T22:59:00Z'))).toBe(false); // 05:59
    expect(inPromotionHours(new Date('2026-03-10T23:00:00Z'))).toBe(true); // 06:00
  });
});
