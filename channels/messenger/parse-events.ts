import { isStorableId, type EventOrigin, type ParsedEvent } from '../../src/core/message';
import { idString } from './parse-content';
import type { RawMessagingItem } from './types';

/**
 * The non-message webhook items: receipts, reactions, referrals and handover. Each takes
 * the item and its origin (Page + contact + time) already worked out by parse.ts.
 */

export const CHANNEL = 'messenger';

/** Meta Business Suite / Page Inbox: the "app" humans use when replying from Facebook. */
// ref: https://developers.facebook.com/docs/messenger-platform/handover-protocol/
export const PAGE_INBOX_APP_ID = '263902037430900';

export function ignored(reason: string, raw?: unknown): ParsedEvent {
  return raw === undefined ? { kind: 'ignored', channel: CHANNEL, reason } : { kind: 'ignored', channel: CHANNEL, reason, raw };
}

/**
 * `watermark`: every message the Page sent at or before it was delivered/read; `mids` may
 * be missing (and legacy payloads had a single `mid`). Apply as a monotonic max.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events
 */
export function receiptEvent(item: RawMessagingItem, origin: EventOrigin): ParsedEvent {
  if (item.delivery) {
    const d = item.delivery;
    const usable = (m: unknown): m is string => typeof m === 'string' && m !== '' && isStorableId(m);
    const mids = Array.isArray(d.mids) ? d.mids.filter(usable).slice(0, 1000) : usable(d.mid) ? [d.mid] : [];
    return { kind: 'delivery', origin, externalIds: mids, watermark: msDate(d.watermark) };
  }
  return { kind: 'read', origin, externalIds: [], watermark: msDate(item.read?.watermark) };
}

/** // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/message-reactions */
export function reactionEvent(item: RawMessagingItem, origin: EventOrigin): ParsedEvent {
  const r = item.reaction ?? {};
  if (typeof r.mid !== 'string' || r.mid === '') return ignored('reaction without the target message id', item);
  const reaction = (typeof r.emoji === 'string' && r.emoji) || (typeof r.reaction === 'string' && r.reaction) || 'other';
  return { kind: 'reaction', origin, targetExternalId: r.mid, reaction, action: r.action === 'unreact' ? 'unreact' : 'react' };
}

/**
 * A referral on an EXISTING thread (m.me?ref=, an ad, a QR code): the contact opened the
 * chat but wrote nothing. Decision: record it as `ignored` (with source/ref for audit)
 * rather than a message — a message would wake the bot and open a conversation for every
 * ad click. New threads get their referral inside the Get Started postback, which IS
 * ingested (parse.ts).
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
 */
export function referralEvent(item: RawMessagingItem): ParsedEvent {
  const r = item.referral ?? {};
  const parts = [`source=${r.source ?? '?'}`, r.type ? `type=${r.type}` : null, r.ref ? `ref=${r.ref}` : null, r.ad_id ? `ad_id=${r.ad_id}` : null];
  return ignored(`referral (${parts.filter(Boolean).join(', ')})`, item);
}

export function isHandover(item: RawMessagingItem): boolean {
  return !!(item.pass_thread_control || item.take_thread_control || item.request_thread_control || item.app_roles);
}

/**
 * Thread ownership (Handover protocol, now "Conversation Routing"). `ownedByUs` tells the
 * core whether our app may answer this thread now:
 *  - pass_thread_control: ours when the new owner is our app id (without a configured app
 *    id: ours unless the new owner is the Page Inbox);
 *  - take_thread_control: another app took the thread → not ours (unless it names us);
 *  - request_thread_control: another app asks; we still own it;
 *  - app_roles: a Page-level role change (no contact: `externalUserId` is ''); ours when
 *    our app is the primary receiver.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_handovers
 */
export function handoverEvent(item: RawMessagingItem, origin: EventOrigin, appId: string | undefined): ParsedEvent {
  const meta = (m: unknown) => (typeof m === 'string' && m !== '' ? ` (metadata: ${m.slice(0, 200)})` : '');
  if (item.pass_thread_control) {
    const p = item.pass_thread_control;
    const to = idString(p.new_owner_app_id);
    // `null` previous owner = the thread was idle; absent = not said.
    const from = p.previous_owner_app_id === null ? 'idle' : idString(p.previous_owner_app_id) ?? '?';
    const ownedByUs = appId ? to === appId : to !== PAGE_INBOX_APP_ID;
    return { kind: 'handover', origin, ownedByUs, detail: `pass_thread_control: ${from} → ${to ?? '?'}${meta(p.metadata)}` };
  }
  if (item.take_thread_control) {
    const t = item.take_thread_control;
    const to = idString(t.new_owner_app_id);
    const ownedByUs = !!appId && to === appId;
    return { kind: 'handover', origin, ownedByUs, detail: `take_thread_control: taken from ${idString(t.previous_owner_app_id) ?? '?'}${to ? ` by ${to}` : ''}${meta(t.metadata)}` };
  }
  if (item.request_thread_control) {
    const r = item.request_thread_control;
    return { kind: 'handover', origin, ownedByUs: true, detail: `request_thread_control: app ${idString(r.requested_owner_app_id) ?? '?'} asks for the thread${meta(r.metadata)}` };
  }
  const roles = item.app_roles ?? {};
  const listed = Object.entries(roles).map(([app, r]) => `${app}=${Array.isArray(r) ? r.join('+') : '?'}`);
  const ownedByUs = !!appId && Array.isArray(roles[appId]) && roles[appId].includes('primary_receiver');
  return { kind: 'handover', origin, ownedByUs, detail: `app_roles: ${listed.join(', ') || 'none'}` };
}

/** The largest epoch ms a JS Date holds (year 275760); beyond it `new Date()` is Invalid Date. */
const MAX_EPOCH_MS = 8.64e15;

/** Epoch ms → Date; null unless it is a time a Date (and the database) can hold. */
export function msDate(value: unknown): Date | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_EPOCH_MS ? new Date(value) : null;
}

