import { randomBytes } from 'node:crypto';
import { computeZaloMac } from '../verify';

/**
 * Builders for Zalo OA webhook bodies, in Zalo's own shapes (all ids and the timestamp are
 * STRINGS), and the signature Zalo would put in `X-ZEvent-Signature`.
 * ref: channels.md §2.2/§2.3; fixtures in ../__fixtures__/
 */

export type ZaloWebhookBody = Record<string, unknown>;

interface Common {
  appId: string;
  oaId: string;
  userId: string;
  /** epoch ms; default now */
  timestamp?: number | string;
  userIdByApp?: string;
}

/** `mac=<hex sha256(appId + rawBody + timestamp + oaSecretKey)>` over the exact bytes given. */
export function signZaloWebhook(rawBody: string | Buffer, appId: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${computeZaloMac(appId, rawBody, timestamp, oaSecretKey)}`;
}

/** Serialize once, sign those bytes: what a webhook POST from Zalo looks like. */
export function signedWebhookRequest(body: ZaloWebhookBody, oaSecretKey: string): { rawBody: string; headers: Record<string, string> } {
  const rawBody = JSON.stringify(body);
  const signature = signZaloWebhook(rawBody, String(body.app_id), String(body.timestamp), oaSecretKey);
  return { rawBody, headers: { 'content-type': 'application/json', 'x-zevent-signature': signature } };
}

/** A Zalo-like msg_id (20 hex characters, like "cb31dff1c39642cc1b83"). */
export function newZaloMessageId(): string {
  return randomBytes(10).toString('hex');
}

export function buildUserSendText(o: Common & { text: string; msgId?: string }): ZaloWebhookBody {
  return {
    app_id: o.appId,
    user_id_by_app: o.userIdByApp ?? `${o.userId}1`,
    event_name: 'user_send_text',
    timestamp: ts(o.timestamp),
    sender: { id: o.userId },
    recipient: { id: o.oaId },
    message: { text: o.text, msg_id: o.msgId ?? newZaloMessageId() },
  };
}

/** follow / unfollow: top-level `oa_id` and `follower.id`, no sender/recipient. */
export function buildFollow(o: Common & { follow?: boolean; source?: string }): ZaloWebhookBody {
  return {
    app_id: o.appId,
    oa_id: o.oaId,
    user_id_by_app: o.userIdByApp ?? `${o.userId}1`,
    event_name: o.follow === false ? 'unfollow' : 'follow',
    timestamp: ts(o.timestamp),
    source: o.source ?? 'oa_profile',
    follower: { id: o.userId },
  };
}

/** The user's answer to a request_user_info template. */
export function buildUserSubmitInfo(
  o: Common & { info: { name?: string; phone?: string; address?: string; city?: string; district?: string } },
): ZaloWebhookBody {
  return {
    app_id: o.appId,
    user_id_by_app: o.userIdByApp ?? `${o.userId}1`,
    event_name: 'user_submit_info',
    timestamp: ts(o.timestamp),
    sender: { id: o.userId },
    recipient: { id: o.oaId },
    info: o.info,
  };
}

function ts(t: number | string | undefined): string {
  return String(t ?? Date.now());
}
