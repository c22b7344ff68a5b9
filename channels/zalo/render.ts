import { GatewayError } from '../../src/core/errors';
import type { MessageContent, QuickReply } from '../../src/core/message';
import type { ZaloCsMessage, ZaloMediaTemplate, ZaloPromotionButton, ZaloPromotionElement, ZaloPromotionTemplate } from './types';

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

/** Most buttons under a promotion we send (campaigns allow 3 quick replies). ref: zalo-java-sdk SendPromotionMessage.java (3 buttons) */
export const MAX_PROMOTION_BUTTONS = 4;

/**
 * A campaign message → ONE promotion template (`/v3.0/oa/message/promotion`): a promotion is
 * one message (the user may get one a day), so nothing is split:
 * - an image becomes the `banner` element (by URL), its caption the `text` element;
 * - text becomes the `text` element; over 2000 characters it is refused (GW_ERR_CONTENT_TOO_LARGE);
 * - quick replies become `oa.query.show` buttons: a tap sends the title back as the user's
 *   message, so the reply reaches the inbox like any other;
 * - other kinds cannot be a promotion (GW_ERR_CONTENT_UNSUPPORTED).
 * ref: zalo-java-sdk src/test/java/v3/SendPromotionMessage.java (banner/header/text elements, oa.query.show buttons)
 * ref: https://developers.zalo.me/docs/official-account/tin-nhan/tin-truyen-thong/gui-tin-truyen-thong-ca-nhan
 */
export function renderPromotion(content: MessageContent): ZaloPromotionTemplate {
  const elements: ZaloPromotionElement[] = [];
  let text: string | undefined;
  let buttons: ZaloPromotionButton[] = [];
  if (content.type === 'text') {
    text = content.text;
    buttons = (content.quickReplies ?? []).slice(0, MAX_PROMOTION_BUTTONS).map((q) => ({ type: 'oa.query.show', title: q.title, payload: q.title }));
  } else if (content.type === 'image') {
    elements.push({ type: 'banner', image_url: content.url });
    text = content.caption?.trim() ? content.caption : undefined;
  } else {
    throw new GatewayError('GW_ERR_CONTENT_UNSUPPORTED', `Zalo: a ${content.type} message cannot be sent as a promotion (text or image only)`, { channel: 'zalo' });
  }
  if (text !== undefined) {
    if (text.length > MAX_TEXT) throw new GatewayError('GW_ERR_CONTENT_TOO_LARGE', `Zalo: a promotion's text is at most ${MAX_TEXT} characters (this one has ${text.length})`, { channel: 'zalo' });
    elements.push({ type: 'text', align: 'left', content: text });
  }
  return { type: 'template', payload: { template_type: 'promotion', elements, ...(buttons.length > 0 ? { buttons } : {}) } };
}
