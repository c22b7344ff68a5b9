import type http from 'node:http';
import { FakeOaState, describe, type Envelope, type FakeSentMessage, type FakeZaloUser } from './fake-oa-api';
import { FakeTokenState } from './fake-oauth';
import { bodyOf, header, listen, readBody, reply } from './http-helpers';
import { buildUserSendText, newZaloMessageId, signedWebhookRequest, type ZaloWebhookBody } from './webhooks';

/**
 * A local stand-in for Zalo: the OA Open API (`url`) and the OAuth v4 server (`oauthUrl`), two
 * REAL HTTP servers on 127.0.0.1 with ephemeral ports, speaking Zalo's formats — errors inside
 * HTTP 200 bodies, the `access_token` header, single-use refresh tokens. Used by the tests here,
 * by gateway tests and by `omnigate simulate zalo`. It records every call and can be told to fail.
 */

export interface StartFakeZaloOptions {
  appId: string;
  appSecret: string;
  oaId: string;
  /** Needed only for `userSendsText` (signing webhooks). */
  oaSecretKey?: string;
  /** Default 90000 s, like Zalo. */
  accessTokenTtlMs?: number;
  /** Default 90 days. */
  refreshTokenTtlMs?: number;
  /** Clock of the fake (ms); default Date.now. */
  now?: () => number;
  invalidateOldAccessTokenOnRefresh?: boolean;
  users?: Record<string, FakeZaloUser>;
}

/** A Zalo error code answered inside HTTP 200, an HTTP 500, or a dropped connection. */
export type FailureMode = number | 'http500' | 'drop';

export interface RecordedCall {
  server: 'api' | 'oauth';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: { accessToken?: string; secretKey?: string; contentType?: string };
  /** JSON or form body as an object; uploads as `{ bytes }`. */
  body: unknown;
  answer: unknown;
}

export interface FakeZalo {
  url: string;
  oauthUrl: string;
  calls: RecordedCall[];
  /** Every message accepted, in order; `kind` tells customer-care (`cs`) from `promotion`. */
  sent: FakeSentMessage[];
  /** The accepted messages of one kind. */
  sentOf(kind: FakeSentMessage['kind']): FakeSentMessage[];
  /** `grant_type=refresh_token` requests received (attempts, successful or not). */
  readonly refreshCount: number;
  /** The next `n` calls (to `path`, if given; after letting `after` of them through) fail with `failure`. */
  failNext(n: number, failure: FailureMode, opts?: { path?: string; after?: number }): void;
  setUser(userId: string, user: FakeZaloUser): void;
  /** Every send (CS or promotion) to this user fails with `code` (e.g. −230, −213); null clears it. */
  setUserError(userId: string, code: number | null): void;
  /** Current access tokens answer −220 (expired). */
  expireAccessTokens(): void;
  /** Current access tokens answer −216 (invalid). */
  invalidateAccessTokens(): void;
  /** The OA revoked the app: every token dies. */
  revokeAll(): void;
  issueInitialTokens(): { accessToken: string; refreshToken: string; expiresIn: string };
  /** The environment a gateway needs to serve this fake's OA (`loadZaloConfig`), with a freshly issued token pair. */
  gatewayEnv(): Record<string, string>;
  createAuthorizationCode(codeChallenge: string): string;
  /** Makes `recipient.message_id = msgId` resolve to this user. */
  registerInboundMessage(msgId: string, userId: string): void;
  /** A signed `user_send_text` webhook from this user (its msg_id is registered). */
  userSendsText(userId: string, text: string, opts?: { timestamp?: number }): { body: ZaloWebhookBody; rawBody: string; headers: Record<string, string>; msgId: string };
  close(): Promise<void>;
}

interface Failure {
  remaining: number;
  pass: number;
  failure: FailureMode;
  path?: string;
}

export async function startFakeZalo(options: StartFakeZaloOptions): Promise<FakeZalo> {
  const now = options.now ?? Date.now;
  const tokens = new FakeTokenState({
    appId: options.appId,
    appSecret: options.appSecret,
    accessTokenTtlMs: options.accessTokenTtlMs ?? 90_000_000,
    refreshTokenTtlMs: options.refreshTokenTtlMs ?? 90 * 86_400_000,
    now,
    invalidateOldAccessTokenOnRefresh: options.invalidateOldAccessTokenOnRefresh ?? false,
  });
  const oa = new FakeOaState(now);
  for (const [id, user] of Object.entries(options.users ?? {})) oa.users.set(id, user);
  const calls: RecordedCall[] = [];
  const failures: Failure[] = [];

  const takeFailure = (path: string): FailureMode | null => {
    const f = failures.find((x) => x.remaining > 0 && (!x.path || x.path === path));
    if (!f) return null;
    if (f.pass > 0) {
      f.pass -= 1;
      return null;
    }
    f.remaining -= 1;
    if (f.remaining === 0) failures.splice(failures.indexOf(f), 1);
    return f.failure;
  };

  const handle = (server: 'api' | 'oauth') => async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake.zalo');
    const raw = await readBody(req);
    const contentType = header(req, 'content-type');
    const call: RecordedCall = {
      server,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { accessToken: header(req, 'access_token'), secretKey: header(req, 'secret_key'), contentType },
      body: bodyOf(raw, contentType),
      answer: null,
    };
    calls.push(call);
    const failure = takeFailure(url.pathname);
    if (failure === 'drop') {
      req.socket.destroy();
      return;
    }
    if (failure === 'http500') return reply(res, call, 500, { error: -1, message: 'Internal Server Error' });
    if (typeof failure === 'number') {
      const answer = server === 'oauth' ? { error: failure, error_name: describe(failure) } : { error: failure, message: describe(failure) };
      return reply(res, call, 200, answer);
    }
    if (server === 'oauth') {
      if (req.method !== 'POST' || url.pathname !== '/v4/oa/access_token') return reply(res, call, 404, { error: 404, message: 'empty api or invalid api' });
      const form = contentType?.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(raw.toString('utf8')) : new URLSearchParams();
      return reply(res, call, 200, tokens.tokenEndpoint(call.headers.secretKey, form));
    }
    return reply(res, call, 200, apiAnswer(req.method ?? 'GET', url, raw, call));
  };

  const apiAnswer = (method: string, url: URL, raw: Buffer, call: RecordedCall): Envelope | { error: number; message: string } => {
    const route = `${method} ${url.pathname}`;
    const known = ['POST /v3.0/oa/message/cs', 'POST /v3.0/oa/message/promotion', 'POST /v2.0/oa/upload/image', 'POST /v2.0/oa/upload/file', 'GET /v3.0/oa/user/detail'];
    if (!known.includes(route)) return { error: 404, message: 'empty api or invalid api' };
    const tokenCheck = tokens.checkAccessToken(call.headers.accessToken);
    if (tokenCheck !== 'ok') return { error: tokenCheck, message: describe(tokenCheck) };
    if (route === 'POST /v3.0/oa/message/cs') return oa.sendCs(call.body);
    if (route === 'POST /v3.0/oa/message/promotion') return oa.sendPromotion(call.body);
    if (route === 'GET /v3.0/oa/user/detail') return oa.userDetail(url.searchParams.get('data') ?? undefined);
    const multipart = call.headers.contentType?.startsWith('multipart/form-data') && /name="file"/.test(raw.toString('latin1'));
    return oa.upload(url.pathname.endsWith('/image') ? 'image' : 'file', multipart ? raw.length : 0);
  };

  const api = await listen(handle('api'));
  const oauth = await listen(handle('oauth'));

  return {
    url: api.url,
    oauthUrl: oauth.url,
    calls,
    sent: oa.sent,
    sentOf: (kind) => oa.sent.filter((m) => m.kind === kind),
    get refreshCount() {
      return tokens.refreshCount;
    },
    failNext: (n, failure, opts) => void failures.push({ remaining: n, pass: opts?.after ?? 0, failure, path: opts?.path }),
    setUser: (id, user) => void oa.users.set(id, user),
    setUserError: (id, code) => void (code === null ? oa.userErrors.delete(id) : oa.userErrors.set(id, code)),
    expireAccessTokens: () => tokens.expireAccessTokens(),
    invalidateAccessTokens: () => tokens.invalidateAccessTokens(),
    revokeAll: () => tokens.revokeAll(),
    issueInitialTokens: () => tokens.issue(),
    gatewayEnv() {
      if (!options.oaSecretKey) throw new Error('startFakeZalo: pass oaSecretKey to serve webhooks');
      const pair = tokens.issue();
      return {
        ZALO_APP_ID: options.appId,
        ZALO_APP_SECRET: options.appSecret,
        ZALO_OA_ID: options.oaId,
        ZALO_OA_SECRET_KEY: options.oaSecretKey,
        ZALO_ACCESS_TOKEN: pair.accessToken,
        ZALO_REFRESH_TOKEN: pair.refreshToken,
        ZALO_API_URL: api.url,
        ZALO_OAUTH_URL: oauth.url,
      };
    },
    createAuthorizationCode: (challenge) => tokens.createAuthorizationCode(challenge),
    registerInboundMessage: (msgId, userId) => void oa.inbound.set(msgId, userId),
    userSendsText(userId, text, opts) {
      if (!options.oaSecretKey) throw new Error('startFakeZalo: pass oaSecretKey to sign webhooks');
      const msgId = newZaloMessageId();
      oa.inbound.set(msgId, userId);
      const body = buildUserSendText({ appId: options.appId, oaId: options.oaId, userId, text, msgId, timestamp: opts?.timestamp ?? now() });
      return { body, msgId, ...signedWebhookRequest(body, options.oaSecretKey) };
    },
    close: async () => {
      await Promise.all([api.close(), oauth.close()]);
    },
  };
}
