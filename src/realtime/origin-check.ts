import type { IncomingHttpHeaders } from 'node:http';
import { originOf } from '../server/allowed-origins';

export interface OwnOrigin {
  /** PUBLIC_URL, or the listening address when it is not set. */
  publicUrl(): string;
  publicUrlConfigured: boolean;
}

/**
 * Socket.IO middleware for namespaces only our own pages may open (the agents' /agent).
 * A WebSocket is not bound by CORS and carries the session cookie, so without this any
 * page an agent visits could open a socket as that agent (cross-site WebSocket
 * hijacking). SameSite=Strict already keeps the cookie off cross-site handshakes; this
 * also stops same-site neighbours (another subdomain of the operator's domain).
 *
 * Allowed: no Origin (not a browser: API clients with a bearer token), the origin of
 * PUBLIC_URL, and — only while PUBLIC_URL is not set, as in development — the host the
 * request was sent to (http or https), so http://localhost:3000 works as well as
 * http://127.0.0.1:3000. Behind a proxy, set PUBLIC_URL.
 */
export function ownOriginOnly(own: OwnOrigin) {
  return (socket: { handshake: { headers: IncomingHttpHeaders } }, next: (err?: Error) => void): void => {
    const { origin, host } = socket.handshake.headers;
    if (isOwnOrigin(origin, host, own)) return next();
    next(Object.assign(new Error('ORIGIN_NOT_ALLOWED'), { data: { code: 'ORIGIN_NOT_ALLOWED', message: `pages from ${origin} may not connect; open the inbox at ${own.publicUrl()}` } }));
  };
}

export function isOwnOrigin(origin: string | undefined, host: string | undefined, own: OwnOrigin): boolean {
  if (origin === undefined) return true;
  if (origin === originOf(own.publicUrl())) return true;
  return !own.publicUrlConfigured && host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
}
