import express, { type Request, type Response, type NextFunction } from 'express';
import { z } from 'zod';
import type { ChannelHost } from '../../src/core/channel';
import { identityMatches, issueToken, tokenInbox, verifyToken } from './visitor-token';
import { embedVerdict, inboxInfo } from './inbox-settings';
import { expose, refuseEmbed, widgetPreflight } from './cors';
import { MAX_UPLOAD_BYTES, WIDGET_API, WIDGET_ERRORS, type SessionResponse } from './protocol';
import { decodePercent } from '../../src/core/percent-decoding';

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
}

/**
 * POST {WIDGET_API}/session — issues or renews a visitor token (new visitors limited per
 * IP: widget_session_ip); POST {WIDGET_API}/uploads — a visitor's attachment (raw body, size
 * limit, type checked by content; upload_ip and upload_visitor). CORS is answered per the inbox's allowed origins.
 */
export function widgetHttpRouter(deps: WidgetHttpDeps): express.Router {
  const router = express.Router();
  const limits = deps.host.rateLimits;
  // The widget reads Retry-After to know when to try again; cross-origin it must be exposed.
  const exposeRetryAfter = (res: Response) => res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  const fail = (res: Response, status: number, code: string, message: string) => res.status(status).json({ error: { code, message } });

  router.use(WIDGET_API, widgetPreflight(deps.host));

  router.post(`${WIDGET_API}/session`, express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      const parsed = sessionSchema.safeParse(req.body);
      const { inbox: inboxKey, token, identifier, identifierHash, lang } = parsed.success ? parsed.data : { inbox: '' };
      const inbox = parsed.success ? await deps.host.directory.findInbox('widget', inboxKey) : null;
      // An answer about no inbox reveals nothing: readable by any page (the widget stops on it).
      if (!inbox) expose(req, res);
      if (!parsed.success) return void fail(res, 400, WIDGET_ERRORS.invalidMessage, 'expected {inbox, token?, identifier?, identifierHash?, lang?}');
      if (!inbox) return void fail(res, 404, WIDGET_ERRORS.unknownInbox, 'no such inbox');
      const verdict = embedVerdict(inbox.settings, req.get('origin'));
      if (!verdict.ok) return void refuseEmbed(deps.host, res, verdict, inboxKey, req.get('origin'));
      expose(req, res);
      const settings = verdict.settings;
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
        exposeRetryAfter(res);
        await limits.get('widget_session_ip').enforce(req.ip ?? 'unknown', 'too many new conversations from this address; try again later');
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

  // The inbox's origin rule is checked before the body is read (the token names the inbox).
  const uploadOrigin = async (req: Request, res: Response, next: NextFunction) => {
    try {
      // Unverified here: the claim only picks whose origin rule applies; the handler verifies the token.
      const inboxKey = tokenInbox((req.get('authorization') ?? '').replace(/^Bearer\s+/i, ''));
      const inbox = inboxKey ? await deps.host.directory.findInbox('widget', inboxKey) : null;
      if (!inbox) {
        expose(req, res); // about no inbox: nothing to hide; the token check refuses it (401, so the widget renews)
        return next();
      }
      const verdict = embedVerdict(inbox.settings, req.get('origin'));
      if (!verdict.ok) return void refuseEmbed(deps.host, res, verdict, inboxKey, req.get('origin'));
      expose(req, res);
      next();
    } catch (err) {
      next(err);
    }
  };

  // Counted before the body is read: a refused upload costs no disk and little bandwidth.
  const uploadLimits = async (req: Request, res: Response, next: NextFunction) => {
    try {
      exposeRetryAfter(res);
      await limits.get('upload_ip').enforce(req.ip ?? 'unknown', 'too many uploads from this address; try again later');
      const token = (req.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
      const claims = verifyToken(deps.tokenSecret, token, tokenInbox(token));
      if (claims) await limits.get('upload_visitor').enforce(ownerOf(claims.i, claims.v), 'too many uploads; try again later');
      next();
    } catch (err) {
      next(err);
    }
  };

  router.post(`${WIDGET_API}/uploads`, uploadOrigin, uploadLimits, express.raw({ type: () => true, limit: MAX_UPLOAD_BYTES }), async (req, res, next) => {
    try {
      const token = (req.get('authorization') ?? '').replace(/^Bearer\s+/i, '');
      const claims = verifyToken(deps.tokenSecret, token, tokenInbox(token));
      if (!claims) return void fail(res, 401, WIDGET_ERRORS.invalidToken, 'visitor token is invalid or expired');
      const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const header = req.get('x-filename') ?? 'file';
      const name = decodePercent(header) ?? header; // the store cleans whatever name it is given
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
