import { createHmac } from 'node:crypto';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { mapGraphError, mapTransportError, MessengerError, type GraphOperation } from './errors';
import type { GraphErrorBody, RawProfile, SenderAction, SenderActionBody, SendApiBody, SendApiResponse } from './types';

/**
 * A thin Graph API client: four calls, no retries (the outbox retries), errors already
 * mapped to coded GatewayErrors. Tokens travel only in the `Authorization: Bearer` header,
 * never in URLs (which end up in proxy and access logs); nothing here logs.
 * // ref: https://developers.facebook.com/docs/messenger-platform/reference/send-api
 */
export interface GraphApi {
  sendMessage(pageToken: string, body: SendApiBody): Promise<{ recipientId: string | null; messageId: string }>;
  senderAction(pageToken: string, psid: string, action: SenderAction): Promise<void>;
  /** // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/identity/user-profile */
  getProfile(pageToken: string, psid: string): Promise<RawProfile>;
  /**
   * Which Page a Page access token belongs to (`GET /me` answered as the Page), used to
   * check a token before it is stored.
   * // ref: https://developers.facebook.com/docs/pages-api/overview (Page access tokens; /me is the Page)
   */
  whoAmI(pageToken: string): Promise<{ id: string; name: string | null }>;
}

export interface GraphApiOptions {
  graphUrl: string;
  apiVersion: string;
  /** When set, every call carries `appsecret_proof` (needed if the app "requires app secret"). */
  appSecret?: string;
  /** Per-request timeout for sends and actions (ms). */
  timeoutMs?: number;
  /** Shorter timeout for profile reads, which must never hold anything up (ms). */
  profileTimeoutMs?: number;
  /** Injected for tests; by default a fresh axios instance. */
  http?: AxiosInstance;
}

export function createGraphApi(opts: GraphApiOptions): GraphApi {
  const http = opts.http ?? axios.create();
  const baseURL = `${opts.graphUrl.replace(/\/+$/, '')}/${opts.apiVersion}`;

  async function call<T>(op: GraphOperation, pageToken: string, method: 'GET' | 'POST', url: string, extra: { data?: unknown; params?: Record<string, string>; timeout?: number }): Promise<T> {
    const params: Record<string, string> = { ...extra.params };
    // ref: https://developers.facebook.com/docs/graph-api/securing-requests — proof = HMAC-SHA256(app secret, token)
    if (opts.appSecret) params.appsecret_proof = createHmac('sha256', opts.appSecret).update(pageToken).digest('hex');
    let res: AxiosResponse<unknown>;
    try {
      res = await http.request({
        baseURL,
        url,
        method,
        params,
        data: extra.data,
        headers: { Authorization: `Bearer ${pageToken}`, ...(extra.data ? { 'Content-Type': 'application/json' } : {}) },
        timeout: extra.timeout ?? opts.timeoutMs ?? 15_000,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
        validateStatus: () => true,
        maxRedirects: 0,
      });
    } catch (err) {
      // The axios error holds the request config, and so the token: it is dropped here on purpose.
      throw mapTransportError((err as { code?: string } | null)?.code, op);
    }
    const error = (res.data as GraphErrorBody | null)?.error;
    if (res.status >= 400 || (error && typeof error === 'object')) {
      throw mapGraphError({ httpStatus: res.status, code: error?.code, subcode: error?.error_subcode, message: error?.message, fbtraceId: error?.fbtrace_id }, op);
    }
    return res.data as T;
  }

  return {
    async whoAmI(pageToken) {
      const data = await call<{ id?: unknown; name?: unknown } | null>('read', pageToken, 'GET', '/me', { params: { fields: 'id,name' }, timeout: opts.profileTimeoutMs ?? 5_000 });
      if (!data || typeof data.id !== 'string') throw new MessengerError('GW_ERR_CHANNEL_TRANSIENT', 'Messenger: Meta did not say which Page this token belongs to', {}, true);
      return { id: data.id, name: typeof data.name === 'string' ? data.name : null };
    },

    async sendMessage(pageToken, body) {
      const data = await call<SendApiResponse | null>('send', pageToken, 'POST', '/me/messages', { data: body });
      if (!data || typeof data.message_id !== 'string') {
        // 2xx without a message id: Meta took the request, we can't tell what happened.
        throw new MessengerError('GW_ERR_CHANNEL_TRANSIENT', 'Messenger: Meta accepted the message without returning its id — check the conversation before resending', { ambiguous: true }, false);
      }
      return { recipientId: typeof data.recipient_id === 'string' ? data.recipient_id : null, messageId: data.message_id };
    },

    async senderAction(pageToken, psid, action) {
      const body: SenderActionBody = { recipient: { id: psid }, sender_action: action };
      await call<unknown>('action', pageToken, 'POST', '/me/messages', { data: body });
    },

    async getProfile(pageToken, psid) {
      const data = await call<RawProfile | null>('read', pageToken, 'GET', `/${encodeURIComponent(psid)}`, {
        params: { fields: 'first_name,last_name,profile_pic' },
        timeout: opts.profileTimeoutMs ?? 5_000,
      });
      return data && typeof data === 'object' ? data : {};
    },
  };
}
