import { createHmac, randomBytes } from 'node:crypto';
import type { RecordedCall } from './fake-graph-server';

/**
 * Builders for the webhooks Meta would POST to us, byte-for-byte in Meta's style, and
 * their signatures — for tests and `omnigate simulate messenger`.
 */

/**
 * JSON the way Meta serializes webhooks: non-ASCII as lowercase `\uXXXX` escapes and `/`
 * as `\/`. Signing these exact bytes is what makes a raw-body bug show up in tests.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The headers Meta sends with a webhook body signed with the app secret. */
export function signWebhook(body: string | Buffer, appSecret: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hub-signature-256': `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`,
    'x-hub-signature': `sha1=${createHmac('sha1', appSecret).update(body).digest('hex')}`,
  };
}

export interface WebhookTarget {
  pageId: string;
  psid: string;
  /** Epoch ms; default now. */
  timestamp?: number;
}

/** A page webhook envelope around one or more messaging items (one entry per item's Page). */
export function envelope(pageId: string, items: object[], opts: { standby?: boolean } = {}): object {
  const time = Date.now();
  return { object: 'page', entry: [{ id: pageId, time, [opts.standby ? 'standby' : 'messaging']: items }] };
}

const freshMid = () => `m_${randomBytes(18).toString('base64url')}`;
const ts = (t: WebhookTarget) => t.timestamp ?? Date.now();

/** A contact writes `text` (optionally a quick-reply tap with `quickReplyPayload`). */
export function textItem(t: WebhookTarget & { text: string; mid?: string; quickReplyPayload?: string }): object {
  return {
    sender: { id: t.psid },
    recipient: { id: t.pageId },
    timestamp: ts(t),
    message: { mid: t.mid ?? freshMid(), text: t.text, ...(t.quickReplyPayload ? { quick_reply: { payload: t.quickReplyPayload } } : {}) },
  };
}

/** A button tap (e.g. Get Started). */
export function postbackItem(t: WebhookTarget & { payload: string; title?: string; mid?: string }): object {
  return { sender: { id: t.psid }, recipient: { id: t.pageId }, timestamp: ts(t), postback: { mid: t.mid ?? freshMid(), payload: t.payload, ...(t.title ? { title: t.title } : {}) } };
}

/**
 * The echo of a message the Page sent: sender = Page, recipient = contact; `app_id` is a
 * JSON NUMBER as Meta sends it. Pass `metadata: 'omnigate:<id>'` for an echo of ours.
 */
export function echoItem(t: WebhookTarget & { text: string; mid: string; appId: string; metadata?: string }): object {
  const appIdNumber = Number(t.appId);
  return {
    sender: { id: t.pageId },
    recipient: { id: t.psid },
    timestamp: ts(t),
    message: { is_echo: true, app_id: Number.isSafeInteger(appIdNumber) ? appIdNumber : t.appId, ...(t.metadata ? { metadata: t.metadata } : {}), mid: t.mid, text: t.text },
  };
}

export function deliveryItem(t: WebhookTarget & { mids?: string[]; watermark: number }): object {
  return { sender: { id: t.psid }, recipient: { id: t.pageId }, timestamp: ts(t), delivery: { ...(t.mids ? { mids: t.mids } : {}), watermark: t.watermark } };
}

export function readItem(t: WebhookTarget & { watermark: number }): object {
  return { sender: { id: t.psid }, recipient: { id: t.pageId }, timestamp: ts(t), read: { watermark: t.watermark } };
}

/** A ready-to-POST signed webhook: the exact body string and its headers. */
export function signedWebhook(pageId: string, items: object[], appSecret: string, opts: { standby?: boolean } = {}): { body: string; headers: Record<string, string> } {
  const body = metaJson(envelope(pageId, items, opts));
  return { body, headers: signWebhook(body, appSecret) };
}

/**
 * The echo Meta would send back for a message the fake Graph API accepted: same `mid` as
 * the Send API answer, same `metadata`, sender = Page. Lets a test or the simulator close
 * the loop send → echo → reconciliation.
 */
export function echoOfSent(call: RecordedCall, appId: string, timestamp = Date.now()): object | null {
  const body = call.body as { recipient?: { id?: string }; message?: { text?: string; metadata?: string; attachment?: { type?: string; payload?: { url?: string } } } } | null;
  const mid = (call.response as { message_id?: string } | null)?.message_id;
  const psid = body?.recipient?.id;
  if (!call.pageId || !mid || !psid || !body?.message) return null;
  const { text, metadata, attachment } = body.message;
  if (typeof text === 'string') return echoItem({ pageId: call.pageId, psid, text, mid, appId, metadata, timestamp });
  const item = echoItem({ pageId: call.pageId, psid, text: '', mid, appId, metadata, timestamp }) as { message: Record<string, unknown> };
  delete item.message.text;
  item.message.attachments = [{ type: attachment?.type, payload: { url: attachment?.payload?.url } }];
  return item;
}
