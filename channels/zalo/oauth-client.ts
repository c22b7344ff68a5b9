import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { GatewayError } from '../../src/core/errors';
import { zaloError, zaloHttpError } from './errors';
import type { TokenPair } from './token-store';
import type { ZaloTokenResponseRaw } from './types';

/**
 * OAuth v4 token endpoint for Official Accounts: `POST {oauthUrl}/v4/oa/access_token`,
 * `application/x-www-form-urlencoded`, the App Secret in the `secret_key` HEADER (not the body).
 * ref: https://github.com/zaloplatform/zalo-java-sdk/blob/d869903/src/test/java/GetAccessTokenByRefreshToken.java
 * ref: chatwoot app/services/zalo_oa/client.rb (`secret_key` header) — its auth_client.rb puts the secret in the body: don't.
 *
 * Response: `{"access_token","refresh_token","expires_in":"90000"}` — `expires_in` is a STRING of seconds.
 * Errors carry `error` + `error_name`/`error_description`, often with HTTP 200. A body without
 * `access_token` is NEVER a success: ChatbotX once saved `undefined` over a working token. ref: [I11]
 */

export interface OAuthClientOptions {
  oauthUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  http?: AxiosInstance;
}

/** Used when `expires_in` is missing or unreadable: short, so we refresh early rather than late. */
const FALLBACK_LIFETIME_S = 3600;

/** Spend `refreshToken` (single-use) for a new pair. */
export function refreshTokenPair(opts: OAuthClientOptions, refreshToken: string, now: Date): Promise<TokenPair> {
  return requestTokens(opts, { refresh_token: refreshToken, grant_type: 'refresh_token' }, now, 'refresh');
}

/** First connection: the `code` from the consent callback plus the PKCE verifier (see oauth-link.ts). */
export function exchangeAuthorizationCode(opts: OAuthClientOptions, code: string, codeVerifier: string, now: Date): Promise<TokenPair> {
  return requestTokens(opts, { code, code_verifier: codeVerifier, grant_type: 'authorization_code' }, now, 'code exchange');
}

async function requestTokens(opts: OAuthClientOptions, fields: Record<string, string>, now: Date, what: string): Promise<TokenPair> {
  const http = opts.http ?? axios;
  let res: AxiosResponse<unknown>;
  try {
    res = await http.request({
      method: 'POST',
      url: `${opts.oauthUrl}/v4/oa/access_token`,
      headers: { secret_key: opts.appSecret, 'Content-Type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({ app_id: opts.appId, ...fields }).toString(),
      timeout: opts.timeoutMs ?? 15_000,
      validateStatus: () => true,
    });
  } catch {
    // Lost answer: Zalo may have spent the refresh token already. Nothing to save; the next try tells (−14014 → reconnect).
    throw zaloHttpError(null, `OAuth ${what}`);
  }
  return readTokenResponse(res.status, res.data, now, what);
}

/** Exported for tests: the whole success/failure decision for a token answer. */
export function readTokenResponse(status: number, data: unknown, now: Date, what = 'refresh'): TokenPair {
  const body = (data && typeof data === 'object' ? data : {}) as ZaloTokenResponseRaw;
  const access = body.access_token;
  const refresh = body.refresh_token;
  if (typeof access === 'string' && access && typeof refresh === 'string' && refresh) {
    const seconds = Number(body.expires_in);
    const lifetime = Number.isFinite(seconds) && seconds > 0 ? seconds : FALLBACK_LIFETIME_S;
    return { accessToken: access, refreshToken: refresh, expiresAt: new Date(now.getTime() + lifetime * 1000), issuedAt: new Date(now) };
  }
  const code = Number(body.error);
  const name = [body.error_name, body.error_description, body.message].find((v): v is string => typeof v === 'string' && v !== '');
  if (Number.isFinite(code) && code < 0) {
    const mapped = zaloError(code, name);
    if (mapped.code === 'GW_ERR_CHANNEL_AUTH_EXPIRED' || mapped.code === 'GW_ERR_CHANNEL_RATE_LIMITED') throw mapped;
    // An OAuth code we do not know (wrong secret_key, wrong app_id …): not retryable, but the refresh token may still be good.
    throw new GatewayError('GW_ERR_CHANNEL_AUTH_EXPIRED', `Zalo OAuth ${what} refused: ${name ?? 'no reason given'} (${code})`, {
      channel: 'zalo',
      zaloCode: code,
      needsReconnect: false,
    });
  }
  if (status >= 400) throw zaloHttpError(status, `OAuth ${what}`);
  throw new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo OAuth ${what}: answer without access_token/refresh_token; nothing was saved`, { channel: 'zalo' });
}
