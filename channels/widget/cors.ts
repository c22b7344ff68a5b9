import type { Request, RequestHandler, Response } from 'express';
import type { ChannelHost } from '../../src/core/channel';
import { anyInboxAllows, type EmbedVerdict } from './inbox-settings';

/**
 * CORS for the widget's HTTP API, which customer sites call cross-origin. Browsers ask
 * first (preflight) without saying which inbox, then send the request:
 *  - preflight: allowed for an Origin that some widget inbox allows (an inbox with an
 *    empty list allows any site); otherwise no Access-Control-Allow-Origin, and the
 *    browser never sends the request. Cached by the browser for 10 minutes.
 *  - the request itself: Access-Control-Allow-Origin only once the inbox it is about
 *    allows the Origin (`expose`); a refused site gets a 403 it cannot even read.
 * Never credentials: visitors prove who they are with a token, never a cookie.
 */
export function widgetPreflight(host: ChannelHost): RequestHandler {
  return async (req, res, next) => {
    res.vary('Origin');
    if (req.method !== 'OPTIONS') return next();
    try {
      const origin = req.get('origin');
      if (origin && anyInboxAllows(await host.directory.inboxSettingsOf('widget'), origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, X-Filename, X-Inbox');
        res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.sendStatus(204);
    } catch (err) {
      next(err);
    }
  };
}

/** Lets the calling page read this answer (the inbox allowed its Origin). */
export function expose(req: Request, res: Response): void {
  const origin = req.get('origin');
  if (origin) res.setHeader('Access-Control-Allow-Origin', origin);
}

/** The refusal for a verdict that is not ok: 403, and the operator hears about broken settings. */
export function refuseEmbed(host: ChannelHost, res: Response, verdict: Extract<EmbedVerdict, { ok: false }>, inboxKey: string, origin: string | undefined): void {
  if (verdict.code === 'WIDGET_SETTINGS_INVALID') host.logger.error({ inbox: inboxKey, origin }, verdict.message);
  res.status(403).json({ error: { code: verdict.code, message: verdict.message } });
}
