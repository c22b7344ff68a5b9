import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * Response headers, decided per kind of route (README, Operations):
 *
 *  every response (helmet, below): HSTS 1 year (ignored by browsers over plain http;
 *  behind a TLS proxy it reaches them), nosniff, X-Frame-Options DENY, Referrer-Policy
 *  no-referrer, Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy same-origin,
 *  and a CSP that allows nothing (`default-src 'none'; frame-ancestors 'none'`): right
 *  for JSON, and any HTML page that needs more says so itself —
 *  - the inbox page: `inboxCsp` (scripts and styles only from here, no inline script);
 *  - the demo pages: `demoCsp`, a customer site with a strict policy of its own;
 *  - what other sites load from us (widget.js, widget-panel.js, uploads shown in the
 *    widget) must not be same-origin-only: `embeddable` sets CORP cross-origin. Frame and
 *    CSP headers do not matter there: a script's or an image's CSP is never applied.
 * Socket.IO's polling answers bypass Express and get none of these (they are JSON-ish
 * text read by our own scripts, under CORS).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
    },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    // Not includeSubDomains: the operator's other hosts are not ours to decide.
    strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: false },
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * The agents' inbox (and its reports screen, the same page). Images and media also from
 * any https: host, because Messenger and Zalo attachments and avatars are links to the
 * platforms' CDNs (many hosts, changing); our own uploads are served by this gateway, so
 * they are `'self'` (or https: behind TLS). Inline styles only through the CSSOM (Preact's
 * `style` objects), which CSP does not govern.
 */
export function inboxCsp(req: Request): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob: https:",
    "media-src 'self' blob: https:",
    `connect-src ${connectSources(req)}`,
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(req.secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * The demo shop: what a customer site with a strict CSP must allow for the widget — our
 * origin in script-src, connect-src (with ws/wss for the socket) and img-src. Its own
 * inline <style> needs 'unsafe-inline' for styles (not scripts); the widget's styles are
 * constructed stylesheets in its shadow root, which style-src does not govern.
 */
export function demoCsp(req: Request): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    `connect-src ${connectSources(req)}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** For what other sites embed (scripts, images): readable cross-origin, as CORP says. */
export function embeddable(res: Response): void {
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

/**
 * 'self' and the WebSocket form of this host: 'self' covers ws:/wss: of the same host in
 * CSP level 3, older Safari needs it written out. The Host header is echoed only when it
 * is a plain host[:port].
 */
function connectSources(req: Request): string {
  const host = req.get('host');
  if (!host || !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)) return "'self'";
  return `'self' ${req.secure ? 'wss' : 'ws'}://${host}`;
}
