import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { GatewayError } from '../../src/core/errors';
import { zaloError, zaloHttpError } from './errors';
import type { ZaloCsRequest, ZaloEnvelope, ZaloPromotionRequest, ZaloSendData, ZaloUserDetailData } from './types';

/**
 * Thin client for the Zalo OA Open API. Only HTTP and envelope checks — no tokens logic,
 * no retries (send.ts and the outbox own those).
 *
 * Quirks:
 * - Auth is the header `access_token: <token>` on every call: not Bearer, not a query parameter.
 *   ref: https://github.com/zaloplatform/zalo-php-sdk/blob/6bacb1b/src/ZaloClient.php ; ZaloDotNetSDK 7289f09
 * - Errors come back as HTTP 200 with `error < 0`: ALWAYS check `body.error`, never only the status.
 *   ref: https://github.com/zaloplatform/zalo-php-sdk/blob/6bacb1b/src/ZaloResponse.php (isError: error < 0)
 * - CS messages are v3 (`/v3.0/oa/message/cs`); uploads are still v2 (`/v2.0/oa/upload/image|file`).
 *   A bare `/v3.0/oa/message` is a 404 and v2 `oa/message` answers −240. ref: channels.md §2.5
 */

export interface UploadInput {
  data: Buffer;
  filename: string;
  mimeType: string;
}

export interface ZaloApi {
  /** POST /v3.0/oa/message/cs → Zalo's `message_id` (the echo and receipts carry it). */
  sendCs(accessToken: string, body: ZaloCsRequest): Promise<{ messageId: string; userId: string }>;
  /**
   * POST /v3.0/oa/message/promotion → `message_id`. Followers only (−213), 06:00–22:00 Vietnam
   * time (−234), one a day per user. ref: zalo-java-sdk src/test/java/v3/SendPromotionMessage.java
   */
  sendPromotion(accessToken: string, body: ZaloPromotionRequest): Promise<{ messageId: string; userId: string }>;
  /** POST /v2.0/oa/upload/image (jpg/png ≤ 1 MB) → `attachment_id`. */
  uploadImage(accessToken: string, file: UploadInput): Promise<string>;
  /** POST /v2.0/oa/upload/file (PDF/DOC/DOCX/CSV ≤ 5 MB) → `token` for `attachment.type = "file"`. */
  uploadFile(accessToken: string, file: UploadInput): Promise<string>;
  /** GET /v3.0/oa/user/detail?data={"user_id":…}. ref: chatwoot app/services/zalo_oa/client.rb */
  userDetail(accessToken: string, userId: string): Promise<ZaloUserDetailData>;
}

export interface ZaloApiOptions {
  /** e.g. https://openapi.zalo.me (no trailing slash) */
  baseUrl: string;
  timeoutMs?: number;
  /** Injected for tests; by default a fresh axios instance. */
  http?: AxiosInstance;
}

export function createZaloApi({ baseUrl, timeoutMs = 15_000, http = axios.create() }: ZaloApiOptions): ZaloApi {
  const call = async <T>(what: string, config: AxiosRequestConfig): Promise<T> => {
    let res: AxiosResponse<unknown>;
    try {
      res = await http.request({ baseURL: baseUrl, timeout: timeoutMs, ...config, validateStatus: () => true });
    } catch {
      // The axios error holds the request config (and so the token): it is dropped on purpose.
      throw zaloHttpError(null, what);
    }
    return unwrap<T>(what, res);
  };

  const upload = async (what: string, path: string, token: string, file: UploadInput, field: 'attachment_id' | 'token') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(file.data)], { type: file.mimeType }), file.filename);
    const data = await call<Record<string, unknown>>(what, { method: 'POST', url: path, headers: { access_token: token }, data: form });
    const value = data[field];
    if (typeof value !== 'string' || !value) throw unexpected(what, `no data.${field}`);
    return value;
  };

  const sendMessage = async (what: string, url: string, accessToken: string, body: unknown) => {
    const data = await call<ZaloSendData>(what, { method: 'POST', url, headers: { access_token: accessToken, 'Content-Type': 'application/json' }, data: body });
    const messageId = idOf(data?.message_id);
    if (!messageId) throw unexpected(what, 'no data.message_id');
    return { messageId, userId: idOf(data.user_id) ?? '' };
  };

  return {
    sendCs: (accessToken, body) => sendMessage('send message', '/v3.0/oa/message/cs', accessToken, body),
    sendPromotion: (accessToken, body) => sendMessage('send promotion', '/v3.0/oa/message/promotion', accessToken, body),
    uploadImage: (token, file) => upload('upload image', '/v2.0/oa/upload/image', token, file, 'attachment_id'),
    uploadFile: (token, file) => upload('upload file', '/v2.0/oa/upload/file', token, file, 'token'),
    async userDetail(accessToken, userId) {
      return call<ZaloUserDetailData>('user detail', {
        method: 'GET',
        url: '/v3.0/oa/user/detail',
        headers: { access_token: accessToken },
        params: { data: JSON.stringify({ user_id: userId }) },
      });
    },
  };
}

/** Envelope first (even on HTTP 200), then the HTTP status. */
function unwrap<T>(what: string, res: AxiosResponse<unknown>): T {
  const body = res.data as Partial<ZaloEnvelope<T>> | null;
  const code = body && typeof body === 'object' ? Number(body.error) : NaN;
  if (Number.isFinite(code)) {
    if (code < 0) throw zaloError(code, typeof body?.message === 'string' ? body.message : undefined);
    if (code > 0) throw zaloHttpError(code, what); // e.g. {error: 404, message: "empty api"} for a wrong path
    if (res.status >= 400) throw zaloHttpError(res.status, what);
    return (body?.data ?? {}) as T;
  }
  if (res.status >= 400) throw zaloHttpError(res.status, what);
  throw unexpected(what, 'the answer is not a Zalo JSON envelope');
}

function unexpected(what: string, detail: string): GatewayError {
  return new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo: unexpected answer to ${what} (${detail})`, { channel: 'zalo' });
}

function idOf(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined;
}
