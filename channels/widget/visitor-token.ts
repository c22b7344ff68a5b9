import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Visitor tokens: `base64url(JSON{v,i,e}).hmac` signed with a gateway-wide secret. The
 * server issues them; the widget only stores and presents them. A client can never
 * choose its visitor id.
 */
export interface VisitorClaims {
  /** Visitor id: a random UUID, or `user:<id>` for a verified logged-in user. */
  v: string;
  /** Inbox key the token is for. */
  i: string;
  /** Expiry, seconds since epoch. */
  e: number;
}

export const TOKEN_TTL_SECONDS = 365 * 24 * 3600;

export function issueToken(secret: Buffer, inbox: string, visitorId: string = randomUUID(), nowMs = Date.now()): string {
  const claims: VisitorClaims = { v: visitorId, i: inbox, e: Math.floor(nowMs / 1000) + TOKEN_TTL_SECONDS };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

/** The claims of a valid, unexpired token for this inbox, or null. */
export function verifyToken(secret: Buffer, token: unknown, inbox: string, nowMs = Date.now()): VisitorClaims | null {
  if (typeof token !== 'string' || token.length > 1024) return null;
  const [body, sig] = token.split('.');
  if (!body || !sig) return null;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<VisitorClaims>;
    if (typeof claims.v !== 'string' || claims.i !== inbox || typeof claims.e !== 'number') return null;
    if (claims.e * 1000 < nowMs) return null;
    return claims as VisitorClaims;
  } catch {
    return null;
  }
}

/** The inbox a token claims to be for (unverified: pass it to verifyToken, which checks it). */
export function tokenInbox(token: string): string {
  try {
    const claims = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as { i?: unknown };
    return typeof claims.i === 'string' ? claims.i : '';
  } catch {
    return '';
  }
}

/** hex HMAC-SHA256 of the host site's user id with the inbox's identity secret (identity verification). */
export function identityHash(identitySecret: string, identifier: string): string {
  return createHmac('sha256', identitySecret).update(identifier).digest('hex');
}

export function identityMatches(identitySecret: string, identifier: string, hash: string): boolean {
  const expected = Buffer.from(identityHash(identitySecret, identifier));
  const given = Buffer.from(hash.toLowerCase());
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(body).digest('base64url');
}
