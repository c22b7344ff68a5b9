import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { GatewayError } from '../core/errors';
import { formatIssues } from '../core/message';
import { decodePercent } from '../core/percent-decoding';
import type { RateLimits } from '../core/rate-limits';
import type { AuthService, Role, Session } from './auth-service';
import { baseDocument, type PathItem } from './openapi';
import { tagAccess } from './route-access';

export const SESSION_COOKIE = 'omnigate_session';

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
    /** The exact bytes of a JSON body, for routes that check a signature over them. */
    rawBody?: Buffer;
    /** The gateway's request limits, for API routes with limits of their own (bot decisions). */
    rateLimits?: RateLimits;
  }
}

export interface ApiRouter {
  /** Mounted at /api/v1, JSON bodies up to 1 MB. */
  router: Router;
  /** Middleware: a signed-in agent, optionally with one of these roles (403 otherwise). */
  requireAgent(...roles: Role[]): RequestHandler;
  /** Add paths (relative to /api/v1) to the OpenAPI document. */
  describe(paths: Record<string, PathItem>): void;
  /**
   * These agents' sessions, role or inbox memberships changed (logout, an admin's edit):
   * whoever holds live connections for them (the agents' realtime namespace) checks again.
   */
  accessChanged(agentIds: readonly number[]): Promise<void>;
  onAccessChanged(listener: (agentIds: readonly number[]) => Promise<void>): void;
  readonly openapi: ReturnType<typeof baseDocument>;
}

const loginSchema = z.object({ email: z.string().trim().email().max(200), password: z.string().min(1).max(200) });

/**
 * The REST API's foundation: JSON parsing, login/logout/me, and the authentication
 * middleware (bearer token for API clients; httpOnly cookie + X-CSRF-Token header for
 * the web inbox). Feature routers are added by the gateway and by the composition root.
 */
export function createApiRouter(auth: AuthService, options: { secureCookies: boolean; limits: RateLimits }): ApiRouter {
  const router = express.Router();
  const { limits } = options;
  // Before the body is read: calls without credentials count per client address (api_ip);
  // signed-in agents count per session in requireAgent, once the token is known to be real,
  // so an invented token never earns a budget of its own. These routes have their own limits.
  const ownLimits = new Set(['/auth/login', '/bot/decisions']);
  router.use(async (req, _res, next) => {
    req.rateLimits = limits;
    if (credentials(req).token === null && !ownLimits.has(req.path)) await limits.get('api_ip').enforce(clientIp(req), 'too many requests from this address; try again later');
    next();
  });
  router.use(
    express.json({
      limit: '1mb', // FAQ imports are the largest bodies
      verify: (req, _res, buf) => {
        (req as Request).rawBody = Buffer.from(buf);
      },
    }),
  );

  const requireAgent = (...roles: Role[]): RequestHandler =>
    tagAccess(async (req: Request, _res: Response, next: NextFunction) => {
      try {
        const { token, viaCookie } = credentials(req);
        const session = token ? await auth.authenticate(token) : null;
        // A token that opens nothing counts like none at all; a real one on its own session (once per request).
        if (!session && token) await limits.get('api_ip').enforce(clientIp(req), 'too many requests from this address; try again later');
        if (!session) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'sign in first (Authorization: Bearer <token>)');
        if (!req.session) await limits.get('api_token').enforce(session.id, 'too many requests for this session; slow down');
        if (viaCookie && !['GET', 'HEAD', 'OPTIONS'].includes(req.method) && req.get('x-csrf-token') !== session.csrfToken) {
          throw new GatewayError('GW_ERR_FORBIDDEN', 'missing or wrong X-CSRF-Token header');
        }
        if (roles.length > 0 && !roles.includes(session.agent.role)) throw new GatewayError('GW_ERR_FORBIDDEN', `requires role ${roles.join(' or ')}`);
        req.session = session;
        next();
      } catch (err) {
        next(err);
      }
    }, { kind: 'agent', roles });

  router.post('/auth/login', async (req, res) => {
    await limits.get('login_ip').enforce(clientIp(req), 'too many login attempts from this address; try again later');
    const body = parse(loginSchema, req.body);
    const { token, session } = await auth.login(body.email, body.password, clientIp(req));
    res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: options.secureCookies, path: '/', maxAge: 12 * 3_600_000 });
    res.json({ token, agent: session.agent, csrfToken: session.csrfToken });
  });

  router.post('/auth/logout', requireAgent(), async (req, res) => {
    const { token } = credentials(req);
    if (token) await auth.logout(token);
    await accessChanged([req.session!.agent.id]);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });

  router.get('/auth/me', requireAgent(), (req, res) => {
    res.json({ agent: req.session!.agent, csrfToken: req.session!.csrfToken });
  });

  const accessListeners: ((agentIds: readonly number[]) => Promise<void>)[] = [];
  // Awaited by the route that made the change: when it answers, live connections already follow it.
  async function accessChanged(agentIds: readonly number[]): Promise<void> {
    await Promise.all(accessListeners.map((l) => l(agentIds)));
  }

  const openapi = baseDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  return { router, requireAgent, openapi, describe: (paths) => Object.assign(openapi.paths, paths), accessChanged, onAccessChanged: (l) => void accessListeners.push(l) };
}

/** The client's address under TRUST_PROXY (Express's req.ip). */
function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function credentials(req: Request): { token: string | null; viaCookie: boolean } {
  const header = req.get('authorization');
  if (header?.startsWith('Bearer ')) return { token: header.slice(7).trim(), viaCookie: false };
  const cookie = readCookie(req.get('cookie'), SESSION_COOKIE);
  return { token: cookie, viaCookie: cookie !== null };
}

/** A cookie's value; null when absent or not valid percent-encoding (it then opens nothing). */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodePercent(v.join('='));
  }
  return null;
}

/** Validate a body or query with a zod schema; a 400 with every problem otherwise. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new GatewayError('GW_ERR_VALIDATION', formatIssues(result.error));
  return result.data;
}
