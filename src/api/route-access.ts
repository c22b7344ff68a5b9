import type { Role } from './auth-service';

/**
 * Who may call a route, as data — so the authorization test (test/security/
 * access-matrix.test.ts) can walk every route the application serves and fail on one
 * without a rule. Agent routes carry their rule on the `requireAgent` middleware itself;
 * every other door is listed in OPEN_ROUTES with what protects it. docs/security.md
 * explains the model.
 */
export type RouteAccess =
  /** A signed-in agent (bearer token, or session cookie + X-CSRF-Token), with one of `roles` when given. */
  | { kind: 'agent'; roles: readonly Role[] }
  /** Anyone: serves nothing private. */
  | { kind: 'public'; why: string }
  /** Only with a valid signature, verify token or signed link; no agent or visitor credential opens it. */
  | { kind: 'signed'; by: string }
  /** A widget visitor token (POST /widget/api/session), for that visitor's own conversation only. */
  | { kind: 'visitor' };

const ACCESS = Symbol('omnigate.routeAccess');

export function tagAccess<T extends object>(handler: T, access: RouteAccess): T {
  return Object.assign(handler, { [ACCESS]: access });
}

export function accessOf(handler: unknown): RouteAccess | undefined {
  return typeof handler === 'function' ? (handler as unknown as { [ACCESS]?: RouteAccess })[ACCESS] : undefined;
}

const open = (why: string): RouteAccess => ({ kind: 'public', why });
const signed = (by: string): RouteAccess => ({ kind: 'signed', by });

/**
 * Every route not behind `requireAgent`, by `METHOD /path` as Express matches it. A route
 * of a channel that is not configured is simply not served; the test composes the
 * gateway with every channel on.
 */
export const OPEN_ROUTES: Readonly<Record<string, RouteAccess>> = {
  'GET /healthz': open('liveness: status and uptime only'),
  'GET /readyz': open('readiness for the load balancer: ready or not, no detail'),
  'GET /metrics': signed('a bearer OMNIGATE_METRICS_TOKEN (compared in constant time); not served at all when it is unset'),
  'GET /uploads/:id': signed('an HMAC link with an expiry, handed out with the message that carries the file'),
  'POST /api/v1/auth/login': open('sign-in; rate-limited per IP and per e-mail'),
  'GET /api/v1/openapi.json': open('the API description'),
  'POST /api/v1/bot/decisions': signed("HMAC-SHA256 of the body with the inbox's bot secret and a timestamp (bots/webhook/)"),
  'POST /widget/api/session': open('starts a visitor session for an inbox key; origin-checked and rate-limited'),
  'POST /widget/api/uploads': { kind: 'visitor' },
  'GET /widget.js': open('the widget script embedded on customer sites'),
  'GET /widget-panel.js': open('the widget panel script'),
  'GET /inbox': open('the inbox page shell; all data comes from the API'),
  'GET /': open('the landing page'),
  'GET /demo/:page': open('the demo pages'),
  'GET /webhooks/messenger': signed("Meta's subscription check with the verify token (compared in constant time)"),
  'POST /webhooks/messenger': signed('X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret)'),
  'POST /webhooks/zalo': signed('X-ZEvent-Signature (SHA-256 of app id, body, timestamp and OA secret key) and a timestamp window'),
  'GET /zalo/oauth/callback': signed('a single-use OAuth state issued to an admin (PKCE)'),
};

/** Middleware mounted with `use` that answers requests itself (static files), by mount path. */
export const OPEN_MOUNTS: Readonly<Record<string, RouteAccess>> = {
  '/inbox/assets': open("the inbox's built scripts and styles"),
};
