import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Omnigate-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` with
 * `X-Omnigate-Timestamp: <unix seconds>`. The timestamp is signed so a captured request
 * cannot be replayed later; receivers should refuse timestamps more than 5 minutes off,
 * and drop a `X-Omnigate-Delivery` id they have already handled (retries repeat it).
 */
export const SIGNATURE_HEADER = 'x-omnigate-signature';
export const TIMESTAMP_HEADER = 'x-omnigate-timestamp';
export const DELIVERY_HEADER = 'x-omnigate-delivery';
/** 1 for the first attempt of a delivery, 2… for its retries (same delivery id). */
export const ATTEMPT_HEADER = 'x-omnigate-attempt';
export const MAX_SKEW_SECONDS = 300;

export function sign(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export function verify(secret: string, timestampHeader: string | undefined, signature: string | undefined, body: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  if (!timestampHeader || !signature || !/^\d{1,12}$/.test(timestampHeader)) return false;
  const ts = Number(timestampHeader);
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
