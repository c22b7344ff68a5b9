/**
 * The REST client. The bearer token lives in memory only (never in storage); across
 * reloads the httpOnly session cookie authenticates and `GET /auth/me` hands back the
 * CSRF token, which goes on every non-GET request.
 */
import type { AgentView } from './types';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** The server has no such route (an endpoint this server version does not have yet). */
  get missingRoute(): boolean {
    return this.status === 404 && /no such route/i.test(this.message);
  }
}

let bearer: string | null = null;
let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setSession(token: string | null, csrf: string | null): void {
  bearer = token;
  csrfToken = csrf;
}

export function bearerToken(): string | null {
  return bearer;
}

/** Called when a request answers 401 (the session expired or was revoked). */
export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  /** Send this text as the body instead of JSON. */
  rawBody?: string;
  contentType?: string;
  /** Do not treat a 401 as a lost session (login, me). */
  quiet401?: boolean;
}

/** POST a file as the raw body (attachments); the server decides its type from the bytes. */
export async function uploadFile<T>(path: string, file: Blob, name: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': file.type || 'application/octet-stream', 'x-filename': encodeURIComponent(name) };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(API_BASE + path, { method: 'POST', headers, body: file, credentials: 'same-origin', cache: 'no-store' });
  const json = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'GW_ERR_HTTP', json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: string | undefined;
  if (options.rawBody !== undefined) {
    payload = options.rawBody;
    headers['content-type'] = options.contentType ?? 'text/plain';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  } else if (method !== 'GET') {
    payload = '{}';
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'GW_ERR_NETWORK', 'network');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    const e = new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `HTTP ${res.status}`);
    if (res.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw e;
  }
  return json as T;
}

export const get = <T>(path: string) => request<T>('GET', path);
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options);
export const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, body);
export const del = (path: string) => request<void>('DELETE', path);

export interface LoginResult {
  token: string;
  agent: AgentView;
  csrfToken: string;
}

export async function login(email: string, password: string): Promise<LoginResult> {
  const r = await request<LoginResult>('POST', '/auth/login', { email, password }, { quiet401: true });
  setSession(r.token, r.csrfToken);
  return r;
}

export async function me(): Promise<AgentView | null> {
  try {
    const r = await request<{ agent: AgentView; csrfToken: string }>('GET', '/auth/me', undefined, { quiet401: true });
    csrfToken = r.csrfToken;
    return r.agent;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return null;
    throw err;
  }
}

export async function logout(): Promise<void> {
  try {
    await request('POST', '/auth/logout', undefined, { quiet401: true });
  } finally {
    setSession(null, null);
  }
}

/** Query string from the defined values. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
