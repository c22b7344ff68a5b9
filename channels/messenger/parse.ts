import { createHash } from 'node:crypto';
import { GatewayError } from '../../src/core/errors';
import { formatIssues, inboundMessageSchema, isStorableId, messageContentSchema, type EventOrigin, type InboundMessage, type MessageContent, type ParsedEvent } from '../../src/core/message';
import { idString, messageParts } from './parse-content';
import { CHANNEL, handoverEvent, ignored, isHandover, msDate, reactionEvent, receiptEvent, referralEvent } from './parse-events';
import type { RawEntry, RawMessagingItem } from './types';

export interface ParseContext {
  /** When the webhook arrived: the time of items that carry no timestamp. */
  receivedAt: Date;
  /** Our Meta app id, to recognise our own echoes and handovers. */
  appId?: string;
}

/** Every message we send carries `metadata: "omnigate:<messageId>"` (render.ts); echoes bring it back. */
export const METADATA_PREFIX = 'omnigate:';

/**
 * A Messenger webhook body → normalized events. PURE: no I/O, no clock (time comes in
 * `ctx`). Assumptions:
 *  1. One POST holds many entries (up to 1000 updates) and each entry `messaging[]` and/or
 *     `standby[]`; every item of every list is read, and an entry with neither is fine
 *     (botkit crashed on standby-only entries).
 *     // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 *  2. The Page is `entry.id` (what tokens are keyed by); the contact is `sender` — except
 *     for echoes, where sender is the Page and recipient the contact.
 *  3. Ids become strings (old payloads have numbers); timestamps are epoch ms.
 *  4. Items in `standby[]` belong to threads another app owns: messages come out with
 *     `standby: true` (record, never answer); echoes and receipts as usual.
 *  5. The result is sorted by event time, stable, so arrival order breaks ties.
 *  6. Anything unusable becomes `ignored` with a reason, never an exception — except a
 *     body that is not a Page webhook at all (GW_ERR_VALIDATION).
 */
export function parseWebhook(body: unknown, ctx: ParseContext): ParsedEvent[] {
  if (!isObject(body)) throw new GatewayError('GW_ERR_VALIDATION', 'Messenger webhook: the body is not a JSON object');
  if (body.object !== 'page') {
    const what = typeof body.object === 'string' ? `"${body.object.slice(0, 40)}"` : typeof body.object;
    throw new GatewayError('GW_ERR_VALIDATION', `Messenger webhook: object is ${what}, expected "page"`);
  }
  if (!Array.isArray(body.entry)) throw new GatewayError('GW_ERR_VALIDATION', 'Messenger webhook: entry is not an array');

  const timed: { at: number; event: ParsedEvent }[] = [];
  const fallbackAt = ctx.receivedAt.getTime();
  for (const rawEntry of body.entry) {
    if (!isObject(rawEntry)) {
      timed.push({ at: fallbackAt, event: ignored('entry is not an object', rawEntry) });
      continue;
    }
    const entry = rawEntry as RawEntry;
    const lists: [unknown, boolean][] = [[entry.messaging, false], [entry.standby, true]];
    for (const [list, standby] of lists) {
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        timed.push({ at: fallbackAt, event: ignored(`${standby ? 'standby' : 'messaging'} is not an array`) });
        continue;
      }
      for (const item of list) {
        const at = isObject(item) && typeof item.timestamp === 'number' ? item.timestamp : fallbackAt;
        for (const event of parseItem(item, entry, standby, ctx)) timed.push({ at, event });
      }
    }
    if (Array.isArray(entry.changes)) {
      for (const change of entry.changes) {
        const field = isObject(change) && typeof change.field === 'string' ? change.field : '?';
        timed.push({ at: fallbackAt, event: ignored(`page change "${field}" (not a Messenger event)`, change) });
      }
    }
    if (entry.messaging === undefined && entry.standby === undefined && entry.changes === undefined) {
      timed.push({ at: fallbackAt, event: ignored('entry without messaging, standby or changes', entry) });
    }
  }
  return timed.sort((a, b) => a.at - b.at).map((t) => t.event);
}

function parseItem(rawItem: unknown, entry: RawEntry, standby: boolean, ctx: ParseContext): ParsedEvent[] {
  if (!isObject(rawItem)) return [ignored('messaging item is not an object', rawItem)];
  const item = rawItem as RawMessagingItem;
  const isEcho = item.message?.is_echo === true;
  const senderId = idString(item.sender?.id);
  const recipientId = idString(item.recipient?.id);
  const pageId = idString(entry.id) ?? (isEcho ? senderId : recipientId);
  const userId = isEcho ? recipientId : senderId;
  if (!pageId) return [ignored('no Page id (entry.id / recipient)', item)];
  const at = msDate(item.timestamp) ?? ctx.receivedAt;
  const origin: EventOrigin = { channel: CHANNEL, accountId: pageId, externalUserId: userId ?? '', at };

  if (isHandover(item)) return [handoverEvent(item, origin, ctx.appId)];
  if (!userId) return [ignored(`no ${isEcho ? 'recipient' : 'sender'} id`, item)];
  if (item.message && isEcho) return [echoEvent(item, origin, ctx)];
  if (item.message) return inboundMessages(item, origin, standby);
  if (item.postback) return [postbackEvent(item, origin, standby)];
  if (item.delivery || item.read) return [receiptEvent(item, origin)];
  if (item.reaction) return [reactionEvent(item, origin)];
  if (item.referral) return [referralEvent(item)];
  const keys = Object.keys(item).filter((k) => !['sender', 'recipient', 'timestamp'].includes(k));
  return [ignored(`unsupported Messenger event (${keys.join(', ') || 'empty'})`, item)];
}

function inboundMessages(item: RawMessagingItem, origin: EventOrigin, standby: boolean): ParsedEvent[] {
  const msg = item.message ?? {};
  const parts = messageParts(msg);
  if (parts.length === 0) return [ignored('message without text or attachments', item)];
  const mid = typeof msg.mid === 'string' && msg.mid !== '' ? msg.mid : sha1(`${origin.externalUserId}|${item.timestamp ?? ''}|${JSON.stringify(msg)}`);
  // Parts after the first get their own stable id so each is stored (and deduped) once.
  return parts.map((content, i) => messageEvent(i === 0 ? mid : `${mid}#${i}`, content, item, origin, standby));
}

/**
 * A button tap (Get Started, persistent menu, template buttons). Newer payloads carry a
 * `mid`; otherwise the dedupe key is sha1(sender|timestamp|payload). A Get Started coming
 * from m.me/ads has a `referral`, kept in `raw`.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_postbacks
 */
function postbackEvent(item: RawMessagingItem, origin: EventOrigin, standby: boolean): ParsedEvent {
  const pb = item.postback ?? {};
  const title = typeof pb.title === 'string' && pb.title !== '' ? pb.title.slice(0, 1000) : undefined;
  const payload = typeof pb.payload === 'string' && pb.payload !== '' ? pb.payload.slice(0, 1000) : title;
  if (!payload) return ignored('postback without payload or title', item);
  const externalId = typeof pb.mid === 'string' && pb.mid !== '' ? pb.mid : sha1(`${origin.externalUserId}|${item.timestamp ?? ''}|${payload}`);
  return messageEvent(externalId, title ? { type: 'postback', title, payload } : { type: 'postback', payload }, item, origin, standby);
}

/**
 * A copy of what the Page sent. `ours` when the echo's `app_id` (a JSON number: compared
 * as a string) is our app id, or — when the app ids can't tell — when `metadata` carries
 * our marker. A marker under ANOTHER known app id is not ours (e.g. a staging gateway on
 * the same Page). Echoes from the Page Inbox or other apps are messages typed outside
 * Omnigate.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-echoes
 */
function echoEvent(item: RawMessagingItem, origin: EventOrigin, ctx: ParseContext): ParsedEvent {
  const msg = item.message ?? {};
  if (typeof msg.mid !== 'string' || msg.mid === '') return ignored('echo without mid', item);
  if (!isStorableId(msg.mid)) return ignored('echo with an unusable mid (too long, NUL or unpaired surrogates)', item);
  const echoAppId = idString(msg.app_id);
  const metadata = typeof msg.metadata === 'string' ? msg.metadata : '';
  const appsKnown = ctx.appId !== undefined && echoAppId !== null;
  const marked = metadata.startsWith(METADATA_PREFIX);
  const ours = appsKnown ? echoAppId === ctx.appId : marked;
  const id = ours && marked ? Number(metadata.slice(METADATA_PREFIX.length)) : NaN;
  const outboundMessageId = Number.isSafeInteger(id) && id > 0 ? id : null;
  // Stored as a message when typed outside Omnigate: it must pass the core model like any other.
  const part = messageParts(msg)[0];
  const checked = part ? messageContentSchema.safeParse(part) : null;
  const content = checked?.success ? checked.data : null;
  return { kind: 'echo', origin, externalId: msg.mid, content, ours, outboundMessageId, raw: item };
}

function messageEvent(externalId: string, content: MessageContent, item: RawMessagingItem, origin: EventOrigin, standby: boolean): ParsedEvent {
  const message: InboundMessage = {
    kind: 'message',
    channel: CHANNEL,
    accountId: origin.accountId,
    externalUserId: origin.externalUserId,
    externalId,
    sentAt: origin.at,
    content,
    raw: item,
  };
  // The core validates again at its edge; checking here turns a bad item into a visible
  // `ignored` instead of failing the whole webhook later.
  const check = inboundMessageSchema.safeParse(message);
  if (!check.success) return ignored(`message not accepted by the core model: ${formatIssues(check.error)}`, item);
  // What the core model made of it: text it cannot store (NUL, unpaired surrogates) is cleaned.
  return { kind: 'message', message: check.data, standby };
}

function sha1(s: string): string {
  return createHash('sha1').update(s, 'utf8').digest('hex');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
