import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The two checks at Messenger's webhook edge, as pure functions over what the HTTP layer
 * hands in (raw body Buffer, headers, query) so any framework — or a test — can call them.
 */

/** Node's `IncomingHttpHeaders` fits; names are matched case-insensitively. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface HandshakeResult {
  status: 200 | 403;
  /** The raw `hub.challenge` on success (sent back as text/plain), else a short reason. */
  body: string;
}

/**
 * The GET subscription handshake: `hub.mode=subscribe` and our verify token → 200 with the
 * challenge, verbatim; anything else → 403.
 * // ref: https://developers.facebook.com/docs/messenger-platform/webhook-reference
 */
export function verifySubscription(query: Record<string, unknown>, verifyToken: string): HandshakeResult {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') {
    return { status: 403, body: 'not a subscription request' };
  }
  if (!constantTimeEqualStrings(token, verifyToken)) return { status: 403, body: 'verify token mismatch' };
  return { status: 200, body: challenge };
}

export type SignatureResult =
  | { ok: true; algorithm: 'sha256' | 'sha1' }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch' };

/**
 * `X-Hub-Signature-256: sha256=<hex>` = HMAC-SHA256(app secret, raw body bytes). The body
 * must be the exact bytes received: Meta escapes non-ASCII as `\u00e4` and signs that, so
 * hashing re-serialized JSON fails on any accented (e.g. Vietnamese) text.
 * `X-Hub-Signature` (sha1) is checked only when the sha256 header is absent — never as a
 * second chance after a sha256 mismatch.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks (escaped-Unicode note)
 */
export function verifySignature(rawBody: Buffer, headers: HeaderBag, appSecret: string): SignatureResult {
  const sha256 = header(headers, 'x-hub-signature-256');
  if (sha256 !== undefined) return check(rawBody, sha256, 'sha256', appSecret);
  const sha1 = header(headers, 'x-hub-signature');
  if (sha1 !== undefined) return check(rawBody, sha1, 'sha1', appSecret);
  return { ok: false, reason: 'missing' };
}

function check(rawBody: Buffer, value: string, algorithm: 'sha256' | 'sha1', appSecret: string): SignatureResult {
  const hexLength = algorithm === 'sha256' ? 64 : 40;
  const match = new RegExp(`^${algorithm}=([0-9a-fA-F]{${hexLength}})$`).exec(value.trim());
  if (!match?.[1]) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac(algorithm, appSecret).update(rawBody).digest();
  // timingSafeEqual throws on different lengths; the regex already fixed the length, check anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  return { ok: true, algorithm };
}

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Hash first so the comparison takes the same time whatever the lengths. */
function constantTimeEqualStrings(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}
