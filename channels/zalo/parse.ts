import { contactProfileSchema, formatIssues, inboundMessageSchema, isStorableId, type ContactProfile, type EventOrigin, type ParsedEvent } from '../../src/core/message';
import { contentsOf } from './parse-content';
import type { ZaloWebhookRaw } from './types';

/**
 * Zalo OA webhook body → normalized events. PURE (P6): no I/O, never throws; anything it
 * cannot use becomes `{ kind: 'ignored', reason }` so the route still answers 200.
 *
 * Assumptions (channels.md §2.3):
 * 1. Direction: `user_*` → user = sender.id, OA = recipient.id; `oa_*` → OA = sender.id, user = recipient.id;
 *    follow/unfollow → OA = top-level `oa_id`, user = `follower.id` (no sender/recipient).
 * 2. The reply address is `sender.id` of user events (OA-scoped user id), never `user_id_by_app`.
 * 3. externalId (the dedupe key) = `message.msg_id`; for events without one, `event_name:user:timestamp`.
 * 4. `permission_revoked` (the OA withdrew the app's permission; tokens are dead) has no kind of its
 *    own in the core's ParsedEvent yet: it is `ignored` with reason `permission_revoked` — the caller
 *    must treat it as "reconnect required" (see `isPermissionRevoked`).
 */

export const ZALO_CHANNEL = 'zalo';
export const PERMISSION_REVOKED = 'permission_revoked';

export interface ParseContext {
  receivedAt: Date;
  /** When known, fixes receipts whose sides are swapped (an older Chatwoot fork read their OA from sender.id). */
  oaId?: string;
}

/** user_send_* suffixes that carry a contact message. ref: n8n-nodes-zalo webhookEvents.js [Z9] */
const USER_MESSAGE_KINDS = new Set(['text', 'image', 'gif', 'sticker', 'link', 'audio', 'video', 'file', 'location', 'business_card']);

export function parseWebhook(body: unknown, ctx: ParseContext): ParsedEvent[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [ignored('body is not a JSON object', body)];
  const raw = body as ZaloWebhookRaw;
  const name = typeof raw.event_name === 'string' ? raw.event_name : '';
  if (!name) return [ignored('no event_name', body)];
  try {
    return parseEvent(name, raw, ctx);
  } catch (err) {
    // A shape we did not foresee (e.g. a field of the wrong type): recorded with the reason, never a 500 to Zalo.
    return [ignored(`unparseable ${name}: ${(err as Error).message}`, body)];
  }
}

/** True for the event that means "the OA revoked this app: reconnect through OAuth". */
export function isPermissionRevoked(event: ParsedEvent): boolean {
  return event.kind === 'ignored' && event.reason === PERMISSION_REVOKED;
}

/** The OA a `permission_revoked` event is about: its top-level `oa_id` (else the OA it was sent to). */
export function revokedOaId(event: ParsedEvent): string | null {
  if (event.kind !== 'ignored') return null;
  const raw = event.raw as ZaloWebhookRaw | undefined;
  const oa = raw?.oa_id ?? raw?.recipient?.id;
  return typeof oa === 'string' || typeof oa === 'number' ? String(oa) : null;
}

/** Which OA and which user an event is about (also used to pick the OA secret when several OAs share a route). */
export function zaloParties(body: unknown, oaId?: string): { oaId: string; userId: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const raw = body as ZaloWebhookRaw;
  const name = String(raw.event_name ?? '');
  let parties: { oaId: string | undefined; userId: string | undefined };
  if (raw.oa_id !== undefined && raw.follower) parties = { oaId: id(raw.oa_id), userId: id(raw.follower.id) };
  else if (name.startsWith('oa_')) parties = { oaId: id(raw.sender?.id), userId: id(raw.recipient?.id) };
  else parties = { oaId: id(raw.recipient?.id), userId: id(raw.sender?.id) };
  if (!parties.oaId || !parties.userId) return null;
  // ref: chatwoot app/jobs/webhooks/zalo_events_job.rb (fork) took receipts' OA from sender.id; upstream zalo_oa_events_job.rb from recipient.id.
  if (oaId && parties.userId === oaId && parties.oaId !== oaId) return { oaId: parties.userId, userId: parties.oaId };
  return { oaId: parties.oaId, userId: parties.userId };
}

function parseEvent(name: string, raw: ZaloWebhookRaw, ctx: ParseContext): ParsedEvent[] {
  if (name === PERMISSION_REVOKED) return [ignored(PERMISSION_REVOKED, raw)];
  if (name.startsWith('anonymous_') || name.startsWith('oa_send_anonymous_')) return [ignored(`${name}: anonymous chats are not supported`, raw)];
  if (name.includes('_group_')) return [ignored(`${name}: group (GMF) events are not supported`, raw)];

  const who = zaloParties(raw, ctx.oaId);
  const origin: EventOrigin | null = who ? { channel: ZALO_CHANNEL, accountId: who.oaId, externalUserId: who.userId, at: timeOf(raw, ctx) } : null;
  const isKnown = name === 'follow' || name === 'unfollow' || name === 'user_submit_info' || name.startsWith('user_') || name.startsWith('oa_send_');
  if (!isKnown) return [ignored(`unhandled event "${name}"`, raw)];
  if (!origin) return [ignored(`${name}: missing OA or user id`, raw)];

  const msgId = id(raw.message?.msg_id);
  const fallbackId = `${name}:${origin.externalUserId}:${raw.timestamp ?? origin.at.getTime()}`;

  if (name === 'follow' || name === 'unfollow') {
    return [{ kind: 'contact', origin, externalId: fallbackId, profile: null, follower: name === 'follow' }];
  }
  if (name === 'user_submit_info') return [{ kind: 'contact', origin, externalId: fallbackId, profile: submittedProfile(raw), follower: null }];
  if (name === 'user_received_message') return [{ kind: 'delivery', origin, externalIds: msgId ? [msgId] : [], watermark: null }];
  if (name === 'user_seen_message') {
    const ids = Array.isArray(raw.message?.msg_ids) ? raw.message.msg_ids.map(id).filter((v): v is string => Boolean(v)) : [];
    return [{ kind: 'read', origin, externalIds: ids, watermark: null }];
  }
  if (name === 'user_reacted_message') return [reaction(raw, origin, msgId)];
  if (name.startsWith('oa_send_')) return [echo(name.slice('oa_send_'.length), raw, origin, msgId ?? fallbackId)];
  if (name.startsWith('user_send_') && USER_MESSAGE_KINDS.has(name.slice('user_send_'.length))) {
    return messages(name, raw, origin, msgId ?? fallbackId);
  }
  return [ignored(`unhandled event "${name}"`, raw)];
}

function messages(name: string, raw: ZaloWebhookRaw, origin: EventOrigin, externalId: string): ParsedEvent[] {
  const result = contentsOf(name.slice('user_send_'.length), raw.message ?? {});
  if (!result.ok) return [ignored(`${name}: ${result.reason}`, raw)];
  return result.contents.map((content, i): ParsedEvent => {
    const candidate = {
      kind: 'message' as const,
      channel: ZALO_CHANNEL,
      accountId: origin.accountId,
      externalUserId: origin.externalUserId,
      // Several attachments in one event: the first keeps msg_id (what receipts and quotes refer to).
      externalId: i === 0 ? externalId : `${externalId}#${i}`,
      sentAt: origin.at,
      content,
      raw,
    };
    const checked = inboundMessageSchema.safeParse(candidate);
    if (!checked.success) return ignored(`${name}: ${formatIssues(checked.error)}`, raw);
    return { kind: 'message', message: checked.data, standby: false };
  });
}

/** `sender.admin_id` is present when a person typed it in Zalo's OA chat tool; absent for API sends (ours). ref: channels.md §2.3 [Z10] */
function echo(suffix: string, raw: ZaloWebhookRaw, origin: EventOrigin, externalId: string): ParsedEvent {
  if (!isStorableId(externalId)) return ignored(`oa_send_${suffix.slice(0, 40)}: unusable message id`, raw);
  const result = contentsOf(suffix, raw.message ?? {});
  const ours = id(raw.sender?.admin_id) === undefined;
  return { kind: 'echo', origin, externalId, content: result.ok ? (result.contents[0] ?? null) : null, ours, outboundMessageId: null, raw };
}

/** `react_icon` like "/-heart"; "/-remove" (UNVERIFIED) or an empty icon means the reaction was taken back. */
function reaction(raw: ZaloWebhookRaw, origin: EventOrigin, target: string | undefined): ParsedEvent {
  const icon = typeof raw.message?.react_icon === 'string' ? raw.message.react_icon : '';
  if (!target) return ignored('user_reacted_message without msg_id', raw);
  const removed = icon === '' || icon === '/-remove';
  return { kind: 'reaction', origin, targetExternalId: target, reaction: icon, action: removed ? 'unreact' : 'react' };
}

/** user_submit_info answers a request_user_info template: `info {name, phone, address, city, district}`. */
function submittedProfile(raw: ZaloWebhookRaw): ContactProfile | null {
  const info = raw.info ?? {};
  const candidate: ContactProfile = {};
  if (typeof info.name === 'string' && info.name.trim()) candidate.name = info.name.trim();
  const phone = id(info.phone);
  if (phone) candidate.phone = phone;
  const parsed = contactProfileSchema.safeParse(candidate);
  if (!parsed.success || Object.keys(parsed.data).length === 0) return null;
  return parsed.data;
}

function timeOf(raw: ZaloWebhookRaw, ctx: ParseContext): Date {
  const ms = Number(raw.timestamp);
  // 8.64e15: the last epoch ms a Date holds (beyond it, Invalid Date).
  return Number.isFinite(ms) && ms > 0 && ms <= 8.64e15 ? new Date(ms) : ctx.receivedAt;
}

/** A platform id as a string; undefined when there is none or it is unusable as a key (over 255 characters, NUL, unpaired surrogates). */
function id(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' || !isStorableId(v) ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function ignored(reason: string, raw: unknown): ParsedEvent {
  return { kind: 'ignored', channel: ZALO_CHANNEL, reason, raw };
}
