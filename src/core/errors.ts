/**
 * The gateway's error catalogue. Every error that crosses a boundary (HTTP, socket,
 * CLI, channel send) is a GatewayError with one of these codes, so callers branch on
 * `code`/`retryable`, never on message text.
 */
export const ERROR_CATALOG = {
  GW_ERR_CONFIG_INVALID: { status: 500, retryable: false },
  GW_ERR_VALIDATION: { status: 400, retryable: false },
  GW_ERR_CONTENT_UNSUPPORTED: { status: 400, retryable: false },
  GW_ERR_CONTENT_TOO_LARGE: { status: 413, retryable: false },
  GW_ERR_UNKNOWN_INBOX: { status: 404, retryable: false },
  GW_ERR_NOT_FOUND: { status: 404, retryable: false },
  GW_ERR_INVALID_TRANSITION: { status: 409, retryable: false },
  /** Something with this name, e-mail or key exists already. */
  GW_ERR_CONFLICT: { status: 409, retryable: false },
  GW_ERR_SIGNATURE_INVALID: { status: 401, retryable: false },
  GW_ERR_UNAUTHENTICATED: { status: 401, retryable: false },
  GW_ERR_FORBIDDEN: { status: 403, retryable: false },
  GW_ERR_RATE_LIMITED: { status: 429, retryable: true },
  GW_ERR_DATA_DIR_LOCKED: { status: 503, retryable: false },
  /** The database could not take the request (a webhook not stored is answered with this, so the platform retries). */
  GW_ERR_UNAVAILABLE: { status: 503, retryable: true },
  GW_ERR_CHANNEL_AUTH_EXPIRED: { status: 502, retryable: false },
  GW_ERR_CHANNEL_RATE_LIMITED: { status: 502, retryable: true },
  GW_ERR_CHANNEL_TRANSIENT: { status: 502, retryable: true },
  GW_ERR_MESSAGING_WINDOW_CLOSED: { status: 409, retryable: false },
  GW_ERR_RECIPIENT_UNREACHABLE: { status: 502, retryable: false },
  GW_ERR_INTERNAL: { status: 500, retryable: true },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** Structured detail safe to show to the caller (never secrets). */
  readonly details: unknown;
  /** When the caller may try again, in whole seconds; HTTP answers carry it as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, details?: unknown, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.retryable = ERROR_CATALOG[code].retryable;
    this.details = details;
    this.retryAfterSeconds = options.retryAfterSeconds === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterSeconds));
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** A 429: over a request limit, allowed again in `retryAfterSeconds` (also in the body's details). */
export function rateLimitedError(message: string, retryAfterSeconds: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new GatewayError('GW_ERR_RATE_LIMITED', message, { retryAfterSeconds: seconds }, { retryAfterSeconds: seconds });
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}
