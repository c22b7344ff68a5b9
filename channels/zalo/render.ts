import type { MessageContent, QuickReply } from '../../src/core/message';
import type { ZaloCsMessage, ZaloMediaTemplate } from './types';

/**
 * MessageContent → Zalo CS message parts, degrading on purpose (P2):
 * - text over 2000 characters is split, in order, at line or word boundaries;
 * - quick replies become numbered lines ("1. Có", "2. Không"): CS text has no buttons;
 * - images go by URL in a `media` template (caption as `text`);
 * - files need an upload first (`file` part → token); Zalo takes only PDF/DOC/DOCX/CSV ≤ 5 MB,
 *   anything else is sent as a link;
 * - audio, video, location and other kinds become text with a link.
 * ref: channels.md §2.5 (text ≤ 2000 [S3]; media template [Z2][Z10]; upload limits)
 */

export const MAX_TEXT = 2000;
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
const UPLOADABLE = /\.(pdf|docx?|csv)$/i;

export type OutboundPart =
  | { kind: 'message'; message: ZaloCsMessage }
  | { kind: 'file'; url: string; name: string; fallbackText: string };

export function renderContent(content: MessageContent): OutboundPart[] {
  switch (content.type) {
    case 'text':
      return textParts(content.quickReplies?.length ? withNumberedOptions(content.text, content.quickReplies) : content.text);
    case 'image': {
      const caption = content.caption?.trim() ? content.caption : undefined;
      const media = mediaTemplate({ media_type: 'image', url: content.url });
      if (!caption || caption.length <= MAX_TEXT) return [{ kind: 'message', message: caption ? { text: caption, attachment: media } : { attachment: media } }];
      return [{ kind: 'message', message: { attachment: media } }, ...textParts(caption)];
    }
    case 'file': {
      const name = content.name ?? fileNameOf(content.url);
      const fallbackText = `${name}: ${content.url}`;
      const uploadable = UPLOADABLE.test(name) && (content.size === undefined || content.size <= MAX_FILE_BYTES);
      return uploadable ? [{ kind: 'file', url: content.url, name, fallbackText }] : textParts(fallbackText);
    }
    case 'sticker':
      if (content.stickerId) {
        return [{ kind: 'message', message: { attachment: mediaTemplate({ media_type: 'sticker', attachment_id: content.stickerId }) } }];
      }
      return content.url ? renderContent({ type: 'image', url: content.url }) : [];
    case 'audio':
    case 'video':
      return textParts(content.url);
    case 'location': {
      const where = `https://www.google.com/maps?q=${content.lat},${content.lng}`;
      return textParts(content.label ? `${content.label}\n${where}` : where);
    }
    case 'quick_reply':
      return textParts(content.text);
    case 'postback':
      return textParts(content.title ?? content.payload);
  }
}

export function withNumberedOptions(text: string, options: readonly QuickReply[]): string {
  return `${text}\n\n${options.map((o, i) => `${i + 1}. ${o.title}`).join('\n')}`;
}

/** Split into chunks of at most `max` UTF-16 units, preferring a newline, then a space; never inside a surrogate pair. */
export function splitText(text: string, max = MAX_TEXT): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = Math.max(rest.lastIndexOf('\n', max), rest.lastIndexOf(' ', max));
    if (cut < max / 2) cut = max; // no good boundary: hard cut
    if (isHighSurrogate(rest.charCodeAt(cut - 1))) cut -= 1;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks.filter((c, i) => c.length > 0 || i === 0);
}

function mediaTemplate(element: ZaloMediaTemplate['payload']['elements'][number]): ZaloMediaTemplate {
  return { type: 'template', payload: { template_type: 'media', elements: [element] } };
}

function textParts(text: string): OutboundPart[] {
  return splitText(text).map((chunk) => ({ kind: 'message', message: { text: chunk } }));
}

function fileNameOf(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').pop();
    return last ? decodeURIComponent(last) : 'file';
  } catch {
    return 'file';
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
