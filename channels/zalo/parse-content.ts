import { formatIssues, messageContentSchema, type MessageContent } from '../../src/core/message';
import type { ZaloAttachmentRaw, ZaloWebhookRaw } from './types';

/**
 * Zalo message bodies → the core's MessageContent. Pure. The suffix is the event name
 * without `user_send_` / `oa_send_` (`text`, `image`, `location` …).
 * ref: https://developers.zalo.me/docs/official-account/webhook/tin-nhan/su-kien-nguoi-dung-gui-tin-nhan
 * ref: chatwoot app/services/zalo_oa/incoming_message_service.rb, app/services/zalo/messages/*.rb (channels.md [Z10])
 */

export type ContentResult = { ok: true; contents: MessageContent[] } | { ok: false; reason: string };

type Message = NonNullable<ZaloWebhookRaw['message']>;

/** Media kinds where one event may carry several attachments: each becomes its own content. */
const MEDIA_KINDS: Record<string, readonly string[]> = {
  image: ['image'],
  gif: ['gif', 'image'],
  audio: ['audio'],
  video: ['video'],
  file: ['file'],
};

export function contentsOf(suffix: string, message: Message): ContentResult {
  const text = typeof message.text === 'string' ? message.text : '';
  const attachments = Array.isArray(message.attachments) ? message.attachments.filter(isAttachment) : [];
  const candidates = build(suffix, text, attachments);
  if (candidates === null) return { ok: false, reason: `no content mapping for "${suffix}"` };
  if (candidates.length === 0) return { ok: false, reason: `"${suffix}" without usable text or attachment` };
  const contents: MessageContent[] = [];
  for (const candidate of candidates) {
    const parsed = messageContentSchema.safeParse(candidate);
    if (!parsed.success) return { ok: false, reason: `invalid ${suffix} content (${formatIssues(parsed.error)})` };
    contents.push(parsed.data);
  }
  return { ok: true, contents };
}

function build(suffix: string, text: string, attachments: ZaloAttachmentRaw[]): unknown[] | null {
  const mediaTypes = MEDIA_KINDS[suffix];
  if (mediaTypes) {
    const media = attachments.filter((a) => mediaTypes.includes(a.type ?? ''));
    return media.map((a, i) => mediaContent(suffix, a, i === 0 ? text : ''));
  }
  switch (suffix) {
    case 'text':
      return text.trim() ? [{ type: 'text', text }] : [];
    case 'sticker': {
      const p = attachments[0]?.payload;
      return p ? [{ type: 'sticker', url: nonEmpty(p.url), stickerId: nonEmpty(idString(p.id)) }] : [];
    }
    case 'location':
      return attachments[0] ? [location(attachments[0], text)] : [];
    // Zalo CS has no link card in our model: a link becomes text carrying the URL.
    case 'link':
    case 'list':
      return joinLines([text, ...attachments.flatMap((a) => [a.payload?.title, a.payload?.url])]);
    case 'business_card':
      return [businessCard(text, attachments[0])];
    case 'template':
      return joinLines([text]);
    default:
      return null;
  }
}

function mediaContent(suffix: string, a: ZaloAttachmentRaw, caption: string): unknown {
  const url = a.payload?.url;
  switch (suffix) {
    case 'image':
    case 'gif':
      return { type: 'image', url, caption: caption.trim() ? caption : undefined };
    case 'audio':
      return { type: 'audio', url };
    case 'video':
      return { type: 'video', url };
    default: {
      // `size` arrives as a string ("9999"); `type` is an extension-like label, not a MIME type, so it is not kept.
      const size = Number(a.payload?.size);
      return { type: 'file', url, name: nonEmpty(a.payload?.name), size: Number.isSafeInteger(size) && size >= 0 ? size : undefined };
    }
  }
}

/** Coordinates arrive as STRINGS ("10.7642473"). ref: chatwoot app/services/zalo/messages/location_service.rb */
function location(a: ZaloAttachmentRaw, text: string): unknown {
  const c = a.payload?.coordinates;
  const lat = toNumber(c?.latitude);
  const lng = toNumber(c?.longitude);
  return { type: 'location', lat, lng, label: text.trim() ? text : undefined };
}

/**
 * Business card: `message.text` is the contact's name, `payload.description` a JSON string with
 * `phone` and `qrCodeUrl`. ref: chatwoot app/services/zalo/messages/business_card_service.rb
 */
function businessCard(name: string, a: ZaloAttachmentRaw | undefined): unknown {
  let phone: string | undefined;
  try {
    const described = JSON.parse(a?.payload?.description ?? '{}') as { phone?: unknown };
    phone = described.phone === undefined || described.phone === null ? undefined : String(described.phone);
  } catch {
    phone = undefined; // description is free text on some cards: no phone then
  }
  const who = [name.trim(), phone].filter(Boolean).join(' · ');
  return { type: 'text', text: `Danh thiếp: ${who || '(không tên)'}` };
}

function joinLines(parts: Array<string | undefined>): unknown[] {
  const lines = [...new Set(parts.map((p) => (typeof p === 'string' ? p.trim() : '')).filter(Boolean))];
  return lines.length ? [{ type: 'text', text: lines.join('\n') }] : [];
}

function isAttachment(a: unknown): a is ZaloAttachmentRaw {
  return typeof a === 'object' && a !== null;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function idString(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}
