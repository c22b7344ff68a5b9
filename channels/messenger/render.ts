import { GatewayError } from '../../src/core/errors';
import type { ChannelCapabilities } from '../../src/core/channel';
import type { MessageContent } from '../../src/core/message';
import { METADATA_PREFIX } from './parse';
import type { SendApiMessage, SendApiQuickReply } from './types';

/**
 * The core's content → Send API `message` objects, in send order. Messenger's limits:
 *  - text: 2000 characters → longer text is split into several messages, at paragraph,
 *    line, sentence or word breaks, never inside a character (Vietnamese combining marks,
 *    emoji sequences);
 *  - quick replies: at most 13, titles shown up to 20 characters → cut with "…"; they ride
 *    on the last text part;
 *  - attachments by URL (`is_reusable` so Meta may cache them); a caption follows as text;
 *  - everything else degrades to text on purpose (location → maps link, sticker → image).
 * Every part carries `metadata: "omnigate:<messageId>"` so its echo is recognised.
 * // ref: https://developers.facebook.com/docs/messenger-platform/reference/send-api
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/send-messages/quick-replies
 */

export const MAX_TEXT = 2000;
export const MAX_QUICK_REPLIES = 13;
export const QUICK_REPLY_TITLE_MAX = 20;

export const messengerCapabilities: ChannelCapabilities = {
  quickReplies: MAX_QUICK_REPLIES,
  images: true,
  files: true,
  typingIndicator: true,
  maxTextLength: MAX_TEXT,
};

export interface RenderedPart {
  message: SendApiMessage;
  /** Audio/video parts count against Meta's much lower media rate limit. */
  media: boolean;
}

export interface RenderOptions {
  messageId: number;
  /** Turns stored references (e.g. `upload://…`) into links Meta can fetch. */
  resolveUrl?: (url: string) => string;
}

export function renderMessage(content: MessageContent, opts: RenderOptions): RenderedPart[] {
  const metadata = `${METADATA_PREFIX}${opts.messageId}`;
  const texts = (text: string, quickReplies?: { title: string; payload: string }[]): RenderedPart[] => {
    const chunks = splitText(text);
    return chunks.map((chunk, i) => {
      const last = i === chunks.length - 1;
      const qr = last && quickReplies && quickReplies.length > 0 ? { quick_replies: quickRepliesOf(quickReplies) } : {};
      return { message: { text: chunk, ...qr, metadata }, media: false };
    });
  };
  const attachment = (type: 'image' | 'audio' | 'video' | 'file', url: string): RenderedPart => ({
    message: { attachment: { type, payload: { url: publicUrl(url, opts.resolveUrl), is_reusable: true } }, metadata },
    media: type === 'audio' || type === 'video',
  });

  switch (content.type) {
    case 'text':
      return texts(content.text, content.quickReplies);
    case 'image':
      return [attachment('image', content.url), ...(content.caption ? texts(content.caption) : [])];
    case 'file':
    case 'audio':
    case 'video':
      return [attachment(content.type, content.url)];
    case 'sticker':
      return content.url ? [attachment('image', content.url)] : texts('[sticker]');
    case 'location': {
      const label = content.label ? `${content.label}\n` : '';
      return texts(`📍 ${label}https://maps.google.com/?q=${content.lat},${content.lng}`);
    }
    case 'quick_reply':
      return texts(content.text);
    case 'postback':
      return texts(content.title ?? content.payload);
  }
}

function quickRepliesOf(items: { title: string; payload: string }[]): SendApiQuickReply[] {
  return items.slice(0, MAX_QUICK_REPLIES).map((q) => ({ content_type: 'text', title: truncateTitle(q.title), payload: q.payload.slice(0, 1000) }));
}

/**
 * At most `max` characters, the last one "…" when cut. Counted in code points after NFC
 * (so Vietnamese typed with combining marks counts like precomposed text), cut only
 * between grapheme clusters (never between a letter and its diacritic, or inside an emoji).
 */
export function truncateTitle(title: string, max = QUICK_REPLY_TITLE_MAX): string {
  const t = title.normalize('NFC').trim();
  if ([...t].length <= max) return t;
  let out = '';
  let used = 0;
  for (const g of segment(t)) {
    const size = [...g].length;
    if (used + size > max - 1) break;
    out += g;
    used += size;
  }
  return `${out.trimEnd()}…`;
}

/** Split into chunks of at most `max` UTF-16 units (Meta's count is never larger), in order. */
export function splitText(text: string, max = MAX_TEXT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const head = rest.slice(0, cut).trimEnd();
    if (head) chunks.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim()) chunks.push(rest);
  return chunks.length > 0 ? chunks : [text.slice(0, max)];
}

function cutPoint(s: string, max: number): number {
  const window = s.slice(0, max + 1);
  const floor = Math.floor(max / 2);
  // Prefer the latest natural break in the second half of the window.
  for (const re of [/\n\s*\n/g, /\n/g, /[.!?…](?=\s)/g, /\s/g]) {
    let best = -1;
    for (const m of window.matchAll(re)) if (m.index + m[0].length <= max) best = m.index + m[0].length;
    if (best >= floor) return best;
  }
  // No break: cut at the last grapheme boundary that fits.
  let at = 0;
  for (const g of segment(s.slice(0, max + 32))) {
    if (at + g.length > max) break;
    at += g.length;
  }
  return at > 0 ? at : max;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
function segment(s: string): string[] {
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

function publicUrl(url: string, resolve?: (url: string) => string): string {
  const resolved = resolve ? resolve(url) : url;
  if (!/^https?:\/\//i.test(resolved)) {
    throw new GatewayError('GW_ERR_CONTENT_UNSUPPORTED', 'Messenger: attachments need a public http(s) link Meta can download');
  }
  return resolved;
}
