import type { CampaignTarget, CampaignWindow } from '../../src/core/channel';
import { wallClock, wallToInstant } from '../../src/business-hours/time-zone';

/**
 * Whether a Zalo promotion message (`POST /v3.0/oa/message/promotion`, "tin truyền thông")
 * may go to a user now. Zalo's rules, checked before any call:
 * - followers only: a non-follower gets −213 "User has not followed OA" [Z5][Z19b];
 * - only between 06:00 and 21:59 Vietnam time: a night send gets −234 [Z5][S2][S3];
 * - at most one promotion per user per day [S3].
 * ref: channels.md §2.6 (promotion limits), §2.9 (−213, −234)
 * ref: https://developers.zalo.me/docs/official-account/tin-nhan/tin-truyen-thong/gui-tin-truyen-thong-ca-nhan
 * ref: https://developers.zalo.me/docs/official-account/phu-luc/ma-loi
 *
 * Follower status unknown (`null`: the contact wrote before follows were recorded, or no
 * follow/unfollow event came yet): we TRY. Most people who write to an OA follow it, and a
 * care team expects a campaign to reach everyone it can; if the user does not follow, Zalo
 * answers −213 and the recipient ends `failed` with "the user is not a follower of the OA"
 * in the delivery report — one wasted call, nobody silently left out. Only a user KNOWN not
 * to follow (`false`, from an `unfollow` event or a profile lookup) is skipped.
 *
 * "Today" is the calendar day in Asia/Ho_Chi_Minh (UTC+7 all year, no DST). Closed for the
 * night or for today's quota → `notBefore` = the next 06:00 Vietnam time the rule allows.
 * The reasons are fixed strings (no times in them): campaigns count recipients by reason.
 */

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** First hour a promotion may be sent (06:00) and the hour sending stops (22:00), Vietnam time. */
export const PROMOTION_FROM_HOUR = 6;
export const PROMOTION_UNTIL_HOUR = 22;

export const ZALO_NOT_FOLLOWER = 'Zalo: not a follower of the OA (promotion messages go to followers only)';
export const ZALO_NIGHT = 'Zalo: promotion messages are sent only between 06:00 and 22:00 Vietnam time';
export const ZALO_DAILY_LIMIT = 'Zalo: this user already got a promotion today (at most one a day)';

export function zaloCampaignWindow(target: Pick<CampaignTarget, 'follower' | 'lastCampaignAt'>, now: Date): CampaignWindow {
  if (target.follower === false) return { open: false, reason: ZALO_NOT_FOLLOWER, notBefore: null };
  const w = wallClock(VIETNAM_TIME_ZONE, now.getTime());
  const sixOn = (dayOffset: number) => new Date(wallToInstant(VIETNAM_TIME_ZONE, Date.UTC(w.year, w.month - 1, w.day + dayOffset, PROMOTION_FROM_HOUR)));
  if (target.lastCampaignAt && sameVietnamDay(target.lastCampaignAt, now)) return { open: false, reason: ZALO_DAILY_LIMIT, notBefore: sixOn(1) };
  if (w.hour < PROMOTION_FROM_HOUR) return { open: false, reason: ZALO_NIGHT, notBefore: sixOn(0) };
  if (w.hour >= PROMOTION_UNTIL_HOUR) return { open: false, reason: ZALO_NIGHT, notBefore: sixOn(1) };
  return { open: true };
}

/** Whether two instants fall on the same calendar day in Vietnam. */
export function sameVietnamDay(a: Date, b: Date): boolean {
  const x = wallClock(VIETNAM_TIME_ZONE, a.getTime());
  const y = wallClock(VIETNAM_TIME_ZONE, b.getTime());
  return x.year === y.year && x.month === y.month && x.day === y.day;
}

/** Whether `at` is inside Zalo's promotion hours (06:00–21:59 Vietnam time). */
export function inPromotionHours(at: Date): boolean {
  const { hour } = wallClock(VIETNAM_TIME_ZONE, at.getTime());
  return hour >= PROMOTION_FROM_HOUR && hour < PROMOTION_UNTIL_HOUR;
}
