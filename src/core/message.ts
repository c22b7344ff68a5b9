import { z } from 'zod';
import { GatewayError } from './errors';

/**
 * The one message model. Every channel converts its payloads into these types and
 * back; nothing channel-specific passes this point except `raw`, which is `unknown`
 * and only for audit (a channel may narrow it inside its own folder, nobody else).
 */

/** Longest text the core stores; channel limits (Messenger ~2000, Zalo 2000) are stricter and enforced at send. */
export const MAX_TEXT_LENGTH = 5000;
const MAX_URL_LENGTH = 2048;

/**
 * Text PostgreSQL can store: `text` and `jsonb` refuse NUL, `jsonb` refuses lone UTF-16
 * surrogate halves. Both arrive in webhooks as JSON escapes (`\u0000`, `\ud800`) and in
 * socket payloads; removed (NUL) or replaced by U+FFFD here, at the model's edge, so a
 * hostile character never fails a transaction (and a webhook body never retries forever).
 */
export function storableText(value: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what must go
  return value.replace(/\u0000/g, '').replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\uFFFD');
}

/** An id the store can key on as given: no NUL, no lone surrogate, at most 255 characters (btree keys have a size limit). */
export function isStorableId(value: string): boolean {
  return value.length <= 255 && storableText(value) === value;
}

const str = () => z.string().overwrite(storableText);
const text = str().min(1, 'must not be empty');
const url = str().max(MAX_URL_LENGTH).url();

export const quickReplySchema = z.object({
  title: str().min(1).max(80),
  payload: str().min(1).max(1000),
});
export type QuickReply = z.infer<typeof quickReplySchema>;

export const messageContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text, quickReplies: z.array(quickReplySchema).max(13).optional() }),
  z.object({ type: z.literal('image'), url, caption: str().max(MAX_TEXT_LENGTH).optional() }),
  z.object({
    type: z.literal('file'),
    url,
    name: str().max(255).optional(),
    size: z.number().int().nonnegative().optional(),
    mimeType: str().max(255).optional(),
  }),
  z.object({ type: z.literal('audio'), url }),
  z.object({ type: z.literal('video'), url }),
  z.object({ type: z.literal('sticker'), url: url.optional(), stickerId: str().max(255).optional() }),
  z.object({
    type: z.literal('location'),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    label: str().max(500).optional(),
  }),
  /** A tap on a quick reply: `text` is what the contact saw, `payload` what we attached. */
  z.object({ type: z.literal('quick_reply'), text, payload: str().min(1).max(1000) }),
  /** A button press that is not a quick reply (Messenger postback, Get Started). */
  z.object({ type: z.literal('postback'), title: str().max(1000).optional(), payload: str().min(1).max(1000) }),
]);

export type MessageContent = z.infer<typeof messageContentSchema>;
export type ContentType = MessageContent['type'];
export const CONTENT_TYPES: readonly ContentType[] = [
  'text', 'image', 'file', 'audio', 'video', 'sticker', 'location', 'quick_reply', 'postback',
];

/** The plain text of a content, for search, logs of the bot and previews. */
export function contentText(content: MessageContent): string {
  switch (content.type) {
    case 'text':
    case 'quick_reply':
      return content.text;
    case 'postback':
      return content.title ?? content.payload;
    case 'image':
      return content.caption ?? '';
    case 'file':
      return content.name ?? '';
    case 'location':
      return content.label ?? `${content.lat},${content.lng}`;
    default:
      return '';
  }
}

export const contactProfileSchema = z.object({
  name: str().max(255).optional(),
  avatarUrl: url.optional(),
  phone: str().max(32).optional(),
  email: str().max(255).email().optional(),
});
export type ContactProfile = z.infer<typeof contactProfileSchema>;

/** An id as it comes from a platform: always a string (Messenger/Zalo ids overflow doubles). */
const externalId = z.string().min(1).max(255).refine(isStorableId, 'must not contain NUL or unpaired surrogates');

export const inboundMessageSchema = z.object({
  kind: z.literal('message'),
  /** Channel id, e.g. `widget`, `messenger`, `zalo`. */
  channel: z.string().min(1).max(32).refine(isStorableId, 'must not contain NUL or unpaired surrogates'),
  /** The business account on that channel: widget inbox key, Facebook Page id, Zalo OA id. */
  accountId: externalId,
  /** The contact on that account: visitor id, PSID, Zalo user id. */
  externalUserId: externalId,
  /** The platform's id of this message; the dedupe key within the inbox. */
  externalId,
  sentAt: z.date(),
  content: messageContentSchema,
  profile: contactProfileSchema.optional(),
  /**
   * Another app owns the thread on the platform (Messenger's handover "standby"): the
   * message is stored for the record but nobody here answers it — no bot turn.
   */
  passive: z.boolean().optional(),
  raw: z.unknown().optional(),
});

export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/**
 * Every normalized event a channel's parser produces. `message` is ingested today; the
 * other kinds are what the Messenger and Zalo parsers produce and the pipeline will
 * handle as those channels are wired in (issues #6, #7). Channels add kinds here, never elsewhere.
 */
export type InboundEvent = InboundMessage;

/** Where a parsed platform event came from: the business account and the contact on it. */
export interface EventOrigin {
  channel: string;
  accountId: string;
  externalUserId: string;
  at: Date;
}

export type ParsedEvent =
  /** A contact's message. `standby`: another app owns the thread (Messenger handover) — record, never answer. */
  | { kind: 'message'; message: InboundMessage; standby: boolean }
  /**
   * A copy of a message the business sent. `ours`: sent through this gateway (matched
   * by the channel's own marker, e.g. Messenger `metadata`/`app_id`); otherwise typed in
   * the platform's own tool ("sent outside Omnigate").
   */
  | { kind: 'echo'; origin: EventOrigin; externalId: string; content: MessageContent | null; ours: boolean; outboundMessageId: number | null; raw?: unknown }
  /** Delivery or read receipts: specific message ids, and/or everything sent at or before `watermark`. */
  | { kind: 'delivery' | 'read'; origin: EventOrigin; externalIds: string[]; watermark: Date | null }
  /** Profile details or follower status the contact gave (Zalo follow / submit_info). */
  | { kind: 'contact'; origin: EventOrigin; externalId: string; profile: ContactProfile | null; follower: boolean | null }
  | { kind: 'reaction'; origin: EventOrigin; targetExternalId: string; reaction: string; action: 'react' | 'unreact' }
  /** Thread ownership changed on the platform (Messenger handover). */
  | { kind: 'handover'; origin: EventOrigin; ownedByUs: boolean; detail: string }
  /** Recorded for audit, nothing to do (unknown or irrelevant event names). */
  | { kind: 'ignored'; channel: string; reason: string; raw?: unknown };

/** The key that keeps one contact's events in order (`ignored` items share one: they do nothing). */
export function contactKeyOf(event: ParsedEvent): string {
  if (event.kind === 'message') return `${event.message.channel}:${event.message.accountId}:${event.message.externalUserId}`;
  if (event.kind === 'ignored') return `${event.channel}:ignored`;
  return `${event.origin.channel}:${event.origin.accountId}:${event.origin.externalUserId}`;
}

/**
 * Validate a normalized inbound event at the core's edge. Throws a coded GatewayError
 * (unsupported type, too large, invalid) and never partially accepts.
 */
export function parseInboundEvent(input: unknown): InboundEvent {
  const content = (input as { content?: { type?: unknown; text?: unknown } } | null)?.content;
  if (content && typeof content === 'object') {
    if (typeof content.type === 'string' && !CONTENT_TYPES.includes(content.type as ContentType)) {
      throw new GatewayError('GW_ERR_CONTENT_UNSUPPORTED', `unsupported content type "${content.type}"`);
    }
    if (typeof content.text === 'string' && content.text.length > MAX_TEXT_LENGTH) {
      throw new GatewayError(
        'GW_ERR_CONTENT_TOO_LARGE',
        `text is ${content.text.length} characters; the limit is ${MAX_TEXT_LENGTH}`,
      );
    }
  }
  const result = inboundMessageSchema.safeParse(input);
  if (!result.success) {
    throw new GatewayError('GW_ERR_VALIDATION', `invalid inbound event: ${formatIssues(result.error)}`, {
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
