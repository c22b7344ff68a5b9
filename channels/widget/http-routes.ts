import express, { type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import type { ChannelHost } from '../../src/core/channel';
import { RateLimiter } from '../../src/server/rate-limiter';
import { identityMatches, issueToken, tokenInbox, verifyToken } from './visitor-token';
import { inboxInfo, originAllowed, widgetSettings } from './inbox-settings';
import { MAX_UPLOAD_BYTES, WIDGET_API, WIDGET_ERRORS, type SessionResponse } from './protocol';

const sessionSchema = z.object({
  inbox: z.string().min(1).max(100),
  token: z.string().max(1024).optional(),
  identifier: z.string().min(1).max(200).optional(),
  identifierHash: z.string().max(128).optional(),
  lang: z.enum(['vi', 'en']).optional(),
});

export interface WidgetHttpDeps {
  host: ChannelHost;
  tokenSecret: Buffer;
  /** New visitor sessions per IP per minute. */
  sessionLimiter?: RateLimiter;
}

/**
 * POST {WIDGET_API}/session — issues or renews a visitor token (rate-limited per IP for
 * new visitors); POST {WIDGET_API}/uploads — a visitor's attachment (raw body, size
 * limit, type checked by content). CORS is answered per the inbox's allowed origins.
 */
export function widgetHttpRouter(deps: WidgetHttpDeps): express.Router {
  const router = express.Router();
  const limiter = deps.sessionLimiter ?? new RateLimiter(30, 60_000);
  const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

  router.use(WIDGET_API, (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Filename, X-Inbox');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
    }
    if (req.method === 'OPTIONS') return void res.sendStatus(204);
    next();
  });

  router.post(`${WIDGET_API}/session`, express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const parsed = sessionSchema.safeParse(req.body);
      if (!parsed.success) return void fail(res, 400, WIDGET_ERRORS.invalidMessage, 'expected {inbox, token?, identifier?, identifierHash?, lang?}');
      const { inbox: inboxKey, token, identifier, identifierHash, lang } = parsed.data;
      const inbox = await deps.host.directory.findInbox('widget', inboxKey);
      if (!inbox) return void fail(res, 404, WIDGET_ERRORS.unknownInbox, 'no such inbox');
      const settings = widgetSettings(inbox.settings);
      if (!originAllowed(settings, req.get('origin'))) return void fail(res, 403, 'WIDGET_ORIGIN_NOT_ALLOWED', 'this site may not embed this inbox');
      const secret = deps.tokenSecret;
      let visitorId: string | null = null;
      if (identifier) {
        if (!settings.identitySecret || !identifierHash || !identityMatches(settings.identitySecret, identifier, identifierHash)) {
          return void fail(res, 401, 'WIDGET_INVALID_IDENTITY', 'identity verification failed');
        }
        visitorId = `user:${identifier}`;
      } else if (token) {
        const claims = verifyToken(secret, token, inboxKey);
        if (!claims) return void fail(res, 401, WIDGET_ERRORS.invalidToken, 'visitor token is invalid or expired; start a new session');
        visitorId = claims.v;
      }
      if (!visitorId) {
        const wait = limiter.hit(`session:${req.ip}`);
        if (wait > 0) {
          res.setHeader('Retry-After', String(wait));
          return void fail(res, 429, WIDGET_ERRORS.rateLimited, 'too many new conversations from this address; try again later');
        }
      }
      const issued = issueToken(secret, inboxKey, visitorId ?? undefined);
      const claims = verifyToken(secret, issued, inboxKey)!;
      const body: SessionResponse = {
        token: issued,
        visitorId: claims.v,
        inbox: inboxInfo(inbox.name, settings, await deps.host.directory.agentsOnline(inbox.id), lang),
      };
      res.json(body);
    } catch (err) {
      next(err);
    }
  });

  router.post(`${WIDGET_API}/uploads`, express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), async (req, res, next) => {
    try {
      const token = (req.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
      const claims = verifyToken(deps.tokenSecret, token, tokenInbox(token));
      if (!claims) return void fail(res, 401, WIDGET_ERRORS.invalidToken, 'visitor token is invalid or expired');
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const name = decodeURIComponent(req.get('x-filename') ?? 'file');
      const stored = await deps.host.uploads.save(data, name, ownerOf(claims.i, claims.v));
      res.status(201).json({ uploadId: stored.id, url: deps.host.uploads.signedUrl(deps.host.publicUrl(), stored.id), mime: stored.mime, size: stored.size });
    } catch (err) {
      next(err);
    }
  });

  return router;
}

export function ownerOf(inboxKey: string, visitorId: string): string {
  return `widget:${inboxKey}:${visitorId}`;
}
