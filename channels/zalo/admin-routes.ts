import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { z } from 'zod';
import { GatewayError, isGatewayError } from '../../src/core/errors';
import { parse, type ApiRouter } from '../../src/api/api-router';
import type { PathItem } from '../../src/api/openapi';
import { toJson } from '../../src/store/json';
import type { SecretBox } from '../../src/secrets/secret-box';
import { openJson, sealJson } from '../../src/secrets/sealed-json';
import { createInbox, findInboxByAccount, setConnectionProblem } from '../../src/store/repos/inboxes';
import type { Db } from '../../src/store/unit-of-work';
import type { ZaloChannel } from './index';
import { exchangeAuthorizationCode, refreshTokenPair } from './oauth-client';
import { buildConsentUrl, createPkcePair } from './oauth-link';
import type { TokenPair } from './token-store';

export const OAUTH_CALLBACK_PATH = '/zalo/oauth/callback';
/** Zalo's authorization code lives 10 minutes; a consent link a little longer. ref: channels.md §2.7 */
const CONSENT_TTL_MS = 15 * 60_000;
const CONSENT_CHANNEL = 'zalo-consent';

const oaParam = z.object({ oaId: z.string().regex(/^\d{1,32}$/, 'a Zalo OA id is digits only') });
const tokenBody = z.object({ refreshToken: z.string().trim().min(8, 'is too short to be a Zalo refresh token').max(2000).regex(/^\S+$/, 'must not contain spaces'), name: z.string().trim().min(1).max(120).optional() });
const callbackQuery = z.object({ code: z.string().min(1).max(2000), oa_id: z.string().regex(/^\d{1,32}$/), state: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });

export interface ZaloAdminDeps {
  db: Db;
  api: ApiRouter;
  channel: ZaloChannel;
  publicUrl: () => string;
  /** Seals the pending consent's PKCE verifier in `channel_credentials`. */
  secrets: SecretBox;
}

/**
 * Zalo OAs over the admin API, besides ZALO_OA_ID: connect one through Zalo's consent
 * screen (OAuth v4 + PKCE: `POST …/zalo/consent` gives the link, Zalo sends the admin back
 * to `GET /zalo/oauth/callback`, which exchanges the code), or hand over a refresh token
 * (it is spent at once — that proves it — and the new pair stored). Either way the OA gets
 * its inbox and loses its "needs reconnection" mark. Tokens are never shown.
 */
export function zaloAdminRoutes(deps: ZaloAdminDeps): { api: Router; callback: Router } {
  const { db, channel } = deps;
  const api = express.Router();
  const admin = deps.api.requireAgent('admin');
  const oauth = { oauthUrl: channel.config.oauthUrl, appId: channel.config.appId, appSecret: channel.config.appSecret };

  const connected = async (oaId: string, pair: TokenPair, name?: string) => {
    await channel.accounts.connect(oaId, pair);
    const existing = await findInboxByAccount(db, 'zalo', oaId);
    const inbox = existing ?? (await createInbox(db, { channel: 'zalo', accountId: oaId, name: name ?? `Zalo OA ${oaId}`, botEnabled: true }));
    await setConnectionProblem(db, { inboxId: inbox.id }, null, new Date());
    return { oaId, inboxId: inbox.id, created: !existing, expiresAt: pair.expiresAt.toISOString() };
  };

  api.get('/channels/zalo/oas', admin, async (_req, res) => {
    const items = [];
    for (const oaId of await channel.accounts.list()) {
      const inbox = await findInboxByAccount(db, 'zalo', oaId);
      items.push({ oaId, source: oaId === channel.config.oaId ? 'environment' : 'admin', inboxId: inbox?.id ?? null, connection: { ok: !inbox?.connection_error, problem: inbox?.connection_error ?? null } });
    }
    res.json({ items });
  });

  api.post('/channels/zalo/consent', admin, async (_req, res) => {
    const { codeVerifier, codeChallenge } = createPkcePair();
    const state = randomBytes(18).toString('base64url');
    await db.deleteFrom('channel_credentials').where('channel', '=', CONSENT_CHANNEL).where('updated_at', '<', new Date(Date.now() - CONSENT_TTL_MS)).execute();
    await db.insertInto('channel_credentials').values({ channel: CONSENT_CHANNEL, account_id: state, data: toJson(sealJson(deps.secrets, { codeVerifier })), updated_at: new Date() }).execute();
    const redirectUri = `${deps.publicUrl()}${OAUTH_CALLBACK_PATH}`;
    res.status(201).json({ url: buildConsentUrl({ oauthUrl: channel.config.oauthUrl, appId: channel.config.appId, redirectUri, codeChallenge, state }), redirectUri, expiresInSeconds: CONSENT_TTL_MS / 1000 });
  });

  api.put('/channels/zalo/oas/:oaId', admin, async (req, res) => {
    const { oaId } = parse(oaParam, req.params);
    const body = parse(tokenBody, req.body);
    let pair: TokenPair;
    try {
      pair = await refreshTokenPair(oauth, body.refreshToken, new Date());
    } catch (err) {
      throw new GatewayError('GW_ERR_VALIDATION', `Zalo did not accept this refresh token (${isGatewayError(err) ? err.message : 'Zalo could not be reached'})`);
    }
    const result = await connected(oaId, pair, body.name);
    res.status(result.created ? 201 : 200).json(result);
  });

  // Where Zalo sends the admin's browser after the consent screen: a page, not JSON.
  const callback = express.Router();
  callback.get(OAUTH_CALLBACK_PATH, async (req, res) => {
    const page = (status: number, title: string, text: string) =>
      res.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><body style="font-family:system-ui;max-width:40rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p><p><a href="/inbox">Omnigate</a></p></body>`);
    const q = callbackQuery.safeParse(req.query);
    if (!q.success) return void page(400, 'Zalo OA not connected', 'The link is incomplete: start again from Omnigate.');
    const consent = await db.deleteFrom('channel_credentials').where('channel', '=', CONSENT_CHANNEL).where('account_id', '=', q.data.state).returning(['data', 'updated_at']).executeTakeFirst();
    if (!consent || Date.now() - consent.updated_at.getTime() > CONSENT_TTL_MS) return void page(400, 'Zalo OA not connected', 'This consent link is unknown, used or expired: start again from Omnigate.');
    try {
      const pair = await exchangeAuthorizationCode(oauth, q.data.code, String(openJson<{ codeVerifier?: unknown }>(deps.secrets, consent.data).codeVerifier), new Date());
      const result = await connected(q.data.oa_id, pair);
      page(200, 'Zalo OA connected', `OA ${result.oaId} is connected; its conversations arrive in inbox ${result.inboxId}.`);
    } catch (err) {
      page(502, 'Zalo OA not connected', isGatewayError(err) ? err.message : 'Zalo could not be reached; try again.');
    }
  });

  return { api, callback };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const oaIdParam = { name: 'oaId', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d+$' } };
const errors = { '400': { description: 'invalid input, or Zalo refused the token' }, '401': { description: 'not signed in' }, '403': { description: 'requires the admin role' } };

export const zaloAdminPaths: Record<string, PathItem> = {
  '/channels/zalo/oas': { get: { summary: 'Zalo OAs served (ZALO_OA_ID and those connected here), with their inbox and connection state', tags: ['channels'], responses: { '200': { description: 'OK' }, ...errors } } },
  '/channels/zalo/consent': {
    post: { summary: `A Zalo consent link (OAuth v4 + PKCE, valid 15 min); Zalo sends the admin back to ${OAUTH_CALLBACK_PATH}, which connects the OA`, tags: ['channels'], responses: { '201': { description: '{url, redirectUri}' }, ...errors } },
  },
  '/channels/zalo/oas/{oaId}': {
    put: {
      summary: 'Connect or reconnect an OA with a refresh token (spent at once for a new pair, which is stored)',
      tags: ['channels'],
      parameters: [oaIdParam],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['refreshToken'], properties: { refreshToken: { type: 'string' }, name: { type: 'string' } } } } } },
      responses: { '200': { description: 'reconnected' }, '201': { description: 'connected' }, ...errors },
    },
  },
};
