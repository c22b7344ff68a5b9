import { GatewayError } from '../../src/core/errors';
import { isTokenRejected, zaloCodeOf } from './errors';
import type { AccessTokenSource } from './tokens';

/**
 * Run one Zalo call with the current access token. On −216 / −220 (token refused): exactly
 * ONE refresh (shared with concurrent callers, see TokenManager) and ONE retry. A refusal of
 * the fresh token means the OA revoked the app: reconnect.
 * ref: channels.md §3.8; Chatwoot's fork refreshed only on −216, so −220 went unhandled [Z10]
 */
export async function withAccessToken<T>(tokens: AccessTokenSource, call: (accessToken: string) => Promise<T>): Promise<T> {
  const token = await tokens.accessToken();
  try {
    return await call(token);
  } catch (err) {
    if (!isTokenRejected(err)) throw err;
    const fresh = await tokens.refreshAfterRejection(token);
    try {
      return await call(fresh);
    } catch (again) {
      if (!isTokenRejected(again)) throw again;
      const code = zaloCodeOf(again);
      throw new GatewayError(
        'GW_ERR_CHANNEL_AUTH_EXPIRED',
        `Zalo refused a freshly refreshed access token${code === null ? '' : ` (${code})`}; the OA may have revoked the app — reconnect it`,
        { channel: 'zalo', zaloCode: code, needsReconnect: true },
      );
    }
  }
}
