import { WIDGET_API, type SessionRequest, type SessionResponse } from '../../../channels/widget/protocol';

/** A non-2xx answer of the widget HTTP API, with the server's error code when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds to wait before retrying (429 Retry-After). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText;
  try {
    const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
  } catch {
    // not JSON: keep the status
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new ApiError(res.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

/** POST {base}/widget/api/session → a (new or renewed) visitor token and the inbox's settings. */
export async function requestSession(base: string, body: SessionRequest): Promise<SessionResponse> {
  const res = await fetch(`${base}${WIDGET_API}/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
  if (!res.ok) throw await failure(res);
  const data = (await res.json()) as SessionResponse;
  if (typeof data?.token !== 'string' || typeof data.visitorId !== 'string' || typeof data.inbox !== 'object') throw new ApiError(502, 'WIDGET_BAD_SESSION', 'unexpected session answer');
  return data;
}

export interface UploadResult {
  uploadId: string;
  url: string;
}

/** POST {base}/widget/api/uploads with the raw file as body; the server checks type and size again. */
export async function uploadFile(base: string, token: string, file: File): Promise<UploadResult> {
  const res = await fetch(`${base}${WIDGET_API}/uploads`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': file.type || 'application/octet-stream',
      'X-Filename': encodeURIComponent(file.name),
    },
    body: file,
    credentials: 'omit',
  });
  if (!res.ok) throw await failure(res);
  const data = (await res.json()) as UploadResult;
  if (typeof data?.uploadId !== 'string') throw new ApiError(502, 'WIDGET_BAD_UPLOAD', 'unexpected upload answer');
  return data;
}
