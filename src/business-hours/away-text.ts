import type { BusinessHours } from './schema';
import { nextOpening, type Instant } from './schedule';
import { wallClock } from './time-zone';

/** Languages contacts are answered in. */
export type ContactLang = 'vi' | 'en';

const VI_WEEKDAYS = ['Chủ nhật', 'thứ Hai', 'thứ Ba', 'thứ Tư', 'thứ Năm', 'thứ Sáu', 'thứ Bảy'];
const EN_WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export const DEFAULT_AWAY_MESSAGE: Readonly<Record<ContactLang, string>> = {
  vi: 'Cảm ơn bạn đã nhắn tin! Hiện chúng tôi đang ngoài giờ làm việc.',
  en: 'Thank you for your message! We are outside our business hours right now.',
};

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * An instant as the inbox's wall clock, for contacts: "08:00 thứ Hai, 12/01" (vi) or
 * "08:00 on Monday, 12 January" (en); the year is added when it differs from `now`'s.
 */
export function formatOpening(hours: BusinessHours, opening: Instant, lang: ContactLang, now?: Instant): string {
  const w = wallClock(hours.timeZone, typeof opening === 'number' ? opening : opening.getTime());
  const sameYear = now === undefined || wallClock(hours.timeZone, typeof now === 'number' ? now : now.getTime()).year === w.year;
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  if (lang === 'en') return `${time} on ${EN_WEEKDAYS[w.weekday]}, ${w.day} ${EN_MONTHS[w.month - 1]}${sameYear ? '' : ` ${w.year}`}`;
  return `${time} ${VI_WEEKDAYS[w.weekday]}, ${pad(w.day)}/${pad(w.month)}${sameYear ? '' : `/${w.year}`}`;
}

/**
 * The away message for a contact writing at `now`: the inbox's text (or the default)
 * followed by when replies resume, e.g. "… Chúng tôi sẽ trả lời từ 08:00 thứ Hai, 12/01."
 * Without a next opening (never open again) only the text.
 */
export function awayMessageText(hours: BusinessHours, lang: ContactLang, now: Instant): string {
  const custom = hours.awayMessage;
  const base = typeof custom === 'string' ? custom : (custom?.[lang] ?? custom?.vi ?? custom?.en ?? DEFAULT_AWAY_MESSAGE[lang]);
  const opening = nextOpening(hours, now);
  if (!opening) return base;
  const when = formatOpening(hours, opening, lang, now);
  return `${base} ${lang === 'en' ? `We will reply from ${when}.` : `Chúng tôi sẽ trả lời từ ${when}.`}`;
}
