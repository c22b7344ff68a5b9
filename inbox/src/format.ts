import { lang, t, type MessageKey } from './i18n';
import type { ConvStatus, MessageContent, Role } from './types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function locale(): string {
  return lang() === 'vi' ? 'vi-VN' : 'en-GB';
}

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Compact relative time for the list: "vừa xong", "5 phút", "2 giờ", "hôm qua", "3 ngày", "12/05". */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '';
  const at = new Date(iso);
  const diff = now - at.getTime();
  if (Number.isNaN(diff)) return '';
  if (diff < MINUTE) return t('justNow');
  if (diff < HOUR) return t('minutesAgo', { n: Math.floor(diff / MINUTE) });
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(at)) / DAY);
  if (days === 0) return t('hoursAgo', { n: Math.max(1, Math.floor(diff / HOUR)) });
  if (days === 1) return t('yesterday');
  if (days < 7) return t('daysAgo', { n: days });
  return at.toLocaleDateString(locale(), { day: '2-digit', month: '2-digit', ...(days > 300 ? { year: 'numeric' } : {}) });
}

export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(iso: string | null): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(locale(), { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** "Hôm nay", "Hôm qua" or the date, for separators in the message history. */
export function dayLabel(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const days = Math.round((startOfDay(new Date(now)) - startOfDay(at)) / DAY);
  if (days === 0) return t('today');
  if (days === 1) return t('dayBefore');
  return at.toLocaleDateString(locale(), { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' });
}

export function dayKey(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

const CHANNEL_KEYS: Record<string, MessageKey> = { widget: 'chWidget', messenger: 'chMessenger', zalo: 'chZalo' };

export function channelLabel(channel: string): string {
  const key = CHANNEL_KEYS[channel];
  return key ? t(key) : channel;
}

const STATUS_KEYS: Record<ConvStatus, MessageKey> = {
  bot: 'statusBot',
  pending: 'statusPending',
  open: 'statusOpen',
  snoozed: 'statusSnoozed',
  resolved: 'statusResolved',
};

export function statusLabel(status: string): string {
  const key = STATUS_KEYS[status as ConvStatus];
  return key ? t(key) : status;
}

export function roleLabel(role: Role | string): string {
  return role === 'admin' ? t('roleAdmin') : role === 'supervisor' ? t('roleSupervisor') : role === 'agent' ? t('roleAgent') : role;
}

export function contactName(contact: { id: number; name: string | null } | undefined | null): string {
  if (!contact) return '';
  const name = contact.name?.trim();
  return name ? name : t('guest', { id: contact.id });
}

/**
 * A URL that is safe to put in href/src: absolute http(s), or a same-origin path
 * resolved against this page. Anything else (javascript:, data:, vbscript:…) is null.
 */
export function safeUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) return null;
  try {
    const u = new URL(raw, window.location.origin);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.href;
  } catch {
    return null;
  }
}

export function fileSize(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function initials(name: string): string {
  const words = name
    .split(/\s+/)
    .map((w) => w.replace(/[^\p{L}]/gu, ''))
    .filter(Boolean);
  if (words.length === 0) return '#';
  const first = words[0]!;
  // Vietnamese names put the given name last: "Nguyễn Văn An" → "A"; two letters from the last two words.
  if (words.length === 1) return first.slice(0, 2).toUpperCase();
  return (words[words.length - 2]!.charAt(0) + words[words.length - 1]!.charAt(0)).toUpperCase();
}

const AVATAR_HUES = [212, 262, 330, 16, 36, 150, 188, 280];

/** A stable, readable background hue for an avatar. */
export function avatarHue(seed: string | number): number {
  const s = String(seed);
  let hash = 0;
  for (let i = 0; i < s.length; i++) hash = (hash * 31 + s.charCodeAt(i)) | 0;
  return AVATAR_HUES[Math.abs(hash) % AVATAR_HUES.length]!;
}

/** A one-line preview of a message for the conversation list and notifications. */
export function previewOf(content: MessageContent | null | undefined): string {
  if (!content || typeof content !== 'object') return '';
  switch (content.type) {
    case 'text':
    case 'quick_reply':
      return String(content.text ?? '');
    case 'image':
      return `[${t('image')}] ${content.caption ?? ''}`.trim();
    case 'file':
      return `[${t('file')}] ${content.name ?? ''}`.trim();
    case 'audio':
      return `[${t('audio')}]`;
    case 'video':
      return `[${t('video')}]`;
    case 'sticker':
      return `[${t('sticker')}]`;
    case 'location':
      return `[${t('location')}] ${content.label ?? ''}`.trim();
    case 'postback':
      return `[${t('postback')}] ${content.title ?? content.payload ?? ''}`.trim();
    default:
      return `[${content.type}]`;
  }
}

/** Snooze targets: in one hour, tomorrow 8:00, next Monday 8:00 (local time). */
export function snoozeTargets(now = new Date()): { key: MessageKey; until: Date; id: string }[] {
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 8, 0, 0, 0);
  const daysToMonday = ((8 - now.getDay()) % 7) || 7;
  const nextWeek = new Date(now.getFullYear(), now.getMonth(), now.getDate() + daysToMonday, 8, 0, 0, 0);
  return [
    { id: '1h', key: 'snooze1h', until: new Date(now.getTime() + HOUR) },
    { id: 'tomorrow', key: 'snoozeTomorrow', until: tomorrow },
    { id: 'next-week', key: 'snoozeNextWeek', until: nextWeek },
  ];
}

/** Split text into plain runs and http(s) links (for safe linkification). */
export function linkify(text: string): { text: string; href: string | null }[] {
  const out: { text: string; href: string | null }[] = [];
  const re = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), href: null });
    out.push({ text: m[0], href: safeUrl(m[0]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), href: null });
  return out;
}

/**
 * A duration in words, the two largest units: "1 phút 30 giây", "2 giờ 5 phút", "3 ngày 4 giờ"
 * ("1 min 30 s", "2 h 5 min", "3 d 4 h"); "—" when there is none.
 */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return t('none');
  const two = (a: number, ua: MessageKey, b: number, ub: MessageKey) => (b === 0 ? `${a} ${t(ua)}` : `${a} ${t(ua)} ${b} ${t(ub)}`);
  if (ms <= 0) return `0 ${t('unitSec')}`;
  if (ms < 1000) return `< 1 ${t('unitSec')}`;
  const secs = Math.round(ms / 1000);
  if (secs < 60) return `${secs} ${t('unitSec')}`;
  if (secs < 3600) return two(Math.floor(secs / 60), 'unitMin', secs % 60, 'unitSec');
  const mins = Math.round(ms / MINUTE);
  if (mins < 24 * 60) return two(Math.floor(mins / 60), 'unitHour', mins % 60, 'unitMin');
  const hours = Math.round(ms / HOUR);
  return two(Math.floor(hours / 24), 'unitDay', hours % 24, 'unitHour');
}

/** A share as a percentage in the current language ("66,7%" / "66.7%"); "—" when undefined. */
export function percent(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return t('none');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}

/** A number in the current language (at most one decimal); `signed` shows "+" (NPS). */
export function numberText(n: number | null | undefined, signed = false): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return t('none');
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: 1, ...(signed ? { signDisplay: 'exceptZero' as const } : {}) }).format(n);
}

/** A short date for charts and periods, day first in both languages: "02/03", with the year "02/03/2026". */
export function shortDate(at: Date | number, withYear = false): string {
  const d = new Date(at);
  const dm = `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}`;
  return withYear ? `${dm}/${d.getFullYear()}` : dm;
}
