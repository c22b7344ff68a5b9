import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../src/core/errors';

/**
 * Zalo OA webhook signature, `X-ZEvent-Signature: mac=<hex>`:
 *
 *   mac = sha256(app_id + rawBody + timestamp + OA secret key)
 *
 * A PLAIN SHA-256 over the concatenation — not an HMAC — keyed by the OA Secret Key from the
 * app's Webhook page (not the App Secret). `app_id` and `timestamp` are the body's own string
 * fields; `rawBody` is the bytes exactly as received (a re-serialized JSON body will not verify).
 * ref: https://github.com/zaloplatform/zalo-java-sdk/blob/d869903/src/main/java/com/vng/zalo/sdk/utils/MacUtils.java
 * ref: channels.md §2.2 (Chatwoot compares `signature == "mac=#{hash}"`; a Django handler splits on `=`)
 */

export const SIGNATURE_HEADER = 'x-zevent-signature';
/** Replay window: the timestamp is signed, so an old body replayed later is refused. ref: channels.md §2.2 [Z13] */
export const MAX_SKEW_MS = 5 * 60_000;

export type ZaloVerifyResult =
  | { ok: true; appId: string; timestamp: string }
  | { ok: false; reason: 'missing_signature' | 'malformed_signature' | 'malformed_body' | 'mismatch' | 'stale_timestamp'; detail: string };

export type HeaderBag = Record<string, string | string[] | undefined>;

/** The hex MAC Zalo would send for these exact bytes (also used by the simulator to sign). */
export function computeZaloMac(appId: string, rawBody: Buffer | string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId, 'utf8').update(rawBody).update(timestamp, 'utf8').update(oaSecretKey, 'utf8').digest('hex');
}

/** Pure: same inputs, same answer. `now` is injected so tests and replays are deterministic. */
export function verifyZaloSignature(rawBody: Buffer, headers: HeaderBag, oaSecretKey: string, now: Date): ZaloVerifyResult {
  const header = headerValue(headers, SIGNATURE_HEADER);
  if (!header) return { ok: false, reason: 'missing_signature', detail: 'no X-ZEvent-Signature header' };
  const given = header.trim().replace(/^mac\s*=\s*/i, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) return { ok: false, reason: 'malformed_signature', detail: 'expected mac=<64 hex characters>' };

  const fields = signedFields(rawBody);
  if (!fields) return { ok: false, reason: 'malformed_body', detail: 'body is not JSON with string app_id and timestamp' };

  const expected = Buffer.from(computeZaloMac(fields.appId, rawBody, fields.timestamp, oaSecretKey), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) {
    return { ok: false, reason: 'mismatch', detail: 'signature does not match (is ZALO_OA_SECRET_KEY the OA Secret Key from the Webhook page?)' };
  }
  const skew = Math.abs(now.getTime() - Number(fields.timestamp));
  if (!(skew <= MAX_SKEW_MS)) {
    return { ok: false, reason: 'stale_timestamp', detail: `timestamp is ${Math.round(skew / 1000)} s away from now (limit ${MAX_SKEW_MS / 1000} s)` };
  }
  return { ok: true, appId: fields.appId, timestamp: fields.timestamp };
}

/** Throwing variant for the webhook route: GW_ERR_SIGNATURE_INVALID (401) with the reason. */
export function assertZaloSignature(rawBody: Buffer, headers: HeaderBag, oaSecretKey: string, now: Date): { appId: string; timestamp: string } {
  const result = verifyZaloSignature(rawBody, headers, oaSecretKey, now);
  if (!result.ok) throw new GatewayError('GW_ERR_SIGNATURE_INVALID', `Zalo webhook rejected: ${result.detail}`, { reason: result.reason });
  return { appId: result.appId, timestamp: result.timestamp };
}

function headerValue(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** `app_id` and `timestamp` as the strings Zalo signed; ids overflow doubles, so numbers are refused. */
function signedFields(rawBody: Buffer): { appId: string; timestamp: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const { app_id: appId, timestamp } = body as { app_id?: unknown; timestamp?: unknown };
  if (typeof appId !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return null;
  return { appId, timestamp };
}
