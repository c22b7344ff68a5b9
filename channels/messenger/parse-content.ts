import { isStorableId, MAX_TEXT_LENGTH, type MessageContent } from '../../src/core/message';
import type { RawAttachment, RawMessage } from './types';

/**
 * Raw `message` → the core's contents. One Messenger message can carry text plus several
 * attachments; the core stores one content per message, so this returns a list (parse.ts
 * gives parts after the first their own ids). Rules:
 *  1. Text alone → text; a quick-reply tap → quick_reply (text = the button title).
 *  2. Each attachment → image/audio/video/file/sticker by URL; text that came with a single
 *     image becomes its caption, otherwise the text is its own first part.
 *  3. Anything Messenger-only (fallback link shares, reels, templates, placeholders with no
 *     usable URL) → a text note, so nothing is silently dropped.
 */
export function messageParts(msg: RawMessage): MessageContent[] {
  const text = typeof msg.text === 'string' && msg.text.trim() !== '' ? clip(msg.text) : null;
  const attachments = Array.isArray(msg.attachments) ? msg.attachments : [];
  const qrPayload = msg.quick_reply?.payload;
  if (attachments.length === 0) {
    if (text === null) return [];
    // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/quick-replies
    if (typeof qrPayload === 'string' && qrPayload !== '') return [{ type: 'quick_reply', text, payload: qrPayload.slice(0, 1000) }];
    return [{ type: 'text', text }];
  }
  const parts = attachments.map((a) => attachmentContent(a, msg));
  const first = parts[0];
  if (text !== null) {
    if (parts.length === 1 && first?.type === 'image' && !first.caption) parts[0] = { ...first, caption: text };
    else parts.unshift({ type: 'text', text });
  }
  return parts;
}

/**
 * Stickers: Meta is moving them from `image` attachments (with `sticker_id`, on the
 * attachment payload or the message) to a `sticker` type; until 2026-08-30 both shapes
 * arrive, so both map to `sticker`.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messages
 */
export function attachmentContent(a: RawAttachment, msg: RawMessage): MessageContent {
  const type = typeof a?.type === 'string' ? a.type : 'unknown';
  const payload = a?.payload && typeof a.payload === 'object' ? a.payload : null;
  const url = httpUrl(payload?.url);
  const stickerId = idString(payload?.sticker_id) ?? (type === 'image' ? idString(msg.sticker_id) : null);
  switch (type) {
    case 'sticker':
      return { type: 'sticker', ...(url ? { url } : {}), ...(stickerId ? { stickerId } : {}) };
    case 'image':
      if (stickerId) return { type: 'sticker', ...(url ? { url } : {}), stickerId };
      return url ? { type: 'image', url } : note(type, payload?.url);
    case 'audio':
    case 'video':
      return url ? { type, url } : note(type, payload?.url);
    case 'file': {
      if (!url) return note(type, payload?.url);
      const name = fileNameOf(url);
      return name ? { type: 'file', url, name } : { type: 'file', url };
    }
    case 'location': {
      // Legacy (location sharing was removed from Messenger in 2019) but still harmless to read.
      const c = payload?.coordinates;
      if (typeof c?.lat === 'number' && typeof c.long === 'number' && Math.abs(c.lat) <= 90 && Math.abs(c.long) <= 180) {
        return { type: 'location', lat: c.lat, lng: c.long, ...(a.title ? { label: a.title.slice(0, 500) } : {}) };
      }
      return note(type, undefined);
    }
    case 'fallback': {
      // A shared link Messenger could not render: `title` + `url` (legacy: on the attachment).
      const title = a.title ?? payload?.title;
      const link = httpUrl(payload?.url) ?? httpUrl(a.url);
      const lines = [title && title.trim() !== '' ? title.trim() : null, link].filter((l): l is string => !!l);
      return { type: 'text', text: clip(lines.length > 0 ? lines.join('\n') : '[shared link]') };
    }
    default:
      // reel, ig_reel, template (echoes of our own templates), story_mention, new types...
      return note(type, payload?.url ?? a.url);
  }
}

function note(type: string, url: unknown): MessageContent {
  const shown = typeof url === 'string' && url.trim() !== '' ? ` ${url.trim()}` : '';
  return { type: 'text', text: clip(`[${type}]${shown}`) };
}

/** Only absolute http(s) URLs the core will accept (it caps URLs at 2048 characters). */
function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2048) return null;
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || u.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/** Messenger file URLs end in the original name (…/report.pdf?...); use it when it looks like one. */
function fileNameOf(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').pop() ?? '';
    const name = decodeURIComponent(last);
    return /\.[A-Za-z0-9]{1,8}$/.test(name) && name.length <= 255 ? name : null;
  } catch {
    return null;
  }
}

/** A platform id as a string; null when there is none or it is unusable as a key (over 255 characters, NUL, unpaired surrogates). */
export function idString(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return isStorableId(value.trim()) ? value.trim() : null;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

function clip(text: string): string {
  return text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
}
