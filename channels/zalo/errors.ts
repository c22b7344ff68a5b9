import { GatewayError, type ErrorCode } from '../../src/core/errors';

/**
 * Zalo error codes → the gateway's catalogue (P13). Zalo answers HTTP 200 with `error < 0`,
 * so callers must always look at `body.error` (see oa-api.ts).
 * ref: https://developers.zalo.me/docs/official-account/phu-luc/ma-loi (copied in ThinklabsDev/zalo_sdk zalo_oa_exception.py)
 * ref: channels.md §2.9 (table) and §3.7 (retry classes)
 *
 * Classes:
 * - retryable: −32 (rate limit), −100 (attachment_id expired: re-upload, then retry), network, HTTP 5xx;
 * - token: −216 invalid / −220 expired → the sender refreshes ONCE and retries ONCE (`isTokenRejected`);
 * - reconnect: −14014 / −14020 on refresh (refresh token invalid / expired) → `details.needsReconnect`;
 * - permanent: window (−230, −232, −234) and recipient (−213, −217, −218, −227, −244) errors, never retried;
 * - account setup/billing (−204 … −321): permanent, the admin has to act.
 * Unknown negative codes are treated as transient: the outbox retries a few times, then fails visibly.
 */

interface Rule {
  code: ErrorCode;
  reason: string;
  extra?: Record<string, unknown>;
}

const RULES: Record<number, Rule> = {
  [-32]: { code: 'GW_ERR_CHANNEL_RATE_LIMITED', reason: 'rate limit reached for the app or OA; retry later' },
  [-100]: { code: 'GW_ERR_CHANNEL_TRANSIENT', reason: 'the attachment_id has expired; re-upload the file', extra: { reupload: true } },
  [-201]: { code: 'GW_ERR_VALIDATION', reason: 'invalid parameter in the request' },
  [-204]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'the OA is disabled' },
  [-205]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'the OA does not exist' },
  [-209]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'this API is not supported for the app' },
  [-211]: { code: 'GW_ERR_FORBIDDEN', reason: 'the OA is out of message quota', extra: { quota: true } },
  [-212]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'this API is not registered for the app' },
  [-213]: { code: 'GW_ERR_RECIPIENT_UNREACHABLE', reason: 'the user is not a follower of the OA' },
  [-216]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the access token is invalid', extra: { tokenRejected: true } },
  [-217]: { code: 'GW_ERR_RECIPIENT_UNREACHABLE', reason: 'the user has blocked messages from the OA' },
  [-218]: { code: 'GW_ERR_RECIPIENT_UNREACHABLE', reason: 'the user has reached the limit of messages they can receive' },
  [-220]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the access token has expired or was removed', extra: { tokenRejected: true } },
  [-221]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'the OA must be verified to use this API' },
  [-224]: { code: 'GW_ERR_FORBIDDEN', reason: 'the OA tier must be upgraded for this', extra: { quota: true } },
  [-227]: { code: 'GW_ERR_RECIPIENT_UNREACHABLE', reason: 'the user is banned or has been inactive for more than 45 days' },
  [-230]: { code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', reason: 'the user has not interacted with the OA in 7 days' },
  [-232]: { code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', reason: "the user's interaction has expired" },
  [-233]: { code: 'GW_ERR_VALIDATION', reason: 'this message type is not valid here' },
  [-234]: { code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', reason: 'this message type cannot be sent at night (22:00–06:00)' },
  [-235]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'this API is not allowed for this OA type' },
  [-240]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'the v2 message API has been shut down; use v3' },
  [-242]: { code: 'GW_ERR_CONFIG_INVALID', reason: 'invalid appsecret_proof' },
  [-244]: { code: 'GW_ERR_RECIPIENT_UNREACHABLE', reason: 'the user has restricted this type of message' },
  [-320]: { code: 'GW_ERR_FORBIDDEN', reason: 'the OA has no Zalo Cloud Account for paid messages', extra: { quota: true } },
  [-321]: { code: 'GW_ERR_FORBIDDEN', reason: 'the Zalo Cloud Account has no funds for paid messages', extra: { quota: true } },
  // OAuth v4 (token endpoint). ref: channels.md §2.7 [I11][S6]
  [-14014]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the refresh token is invalid (already used or revoked); reconnect the OA', extra: { needsReconnect: true } },
  [-14020]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the refresh token has expired; reconnect the OA', extra: { needsReconnect: true } },
  [-14019]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the authorization code is invalid; reconnect the OA', extra: { needsReconnect: true } },
  [-14005]: { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', reason: 'the authorization code has expired; reconnect the OA', extra: { needsReconnect: true } },
};

/** "−230": the typographic minus used in reasons shown to agents. */
function show(code: number): string {
  return code < 0 ? `−${-code}` : String(code);
}

/** A GatewayError for a Zalo `error` code; `apiMessage` is Zalo's own text, kept in details (never secrets). */
export function zaloError(zaloCode: number, apiMessage?: string): GatewayError {
  const rule = RULES[zaloCode];
  const details = { channel: 'zalo', zaloCode, zaloMessage: apiMessage ?? null, ...(rule?.extra ?? {}) };
  if (!rule) {
    return new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo: unexpected error ${show(zaloCode)}${apiMessage ? ` "${apiMessage}"` : ''}`, details);
  }
  return new GatewayError(rule.code, `Zalo: ${rule.reason} (${show(zaloCode)})`, details);
}

/** Network failure or HTTP status without a Zalo body: 5xx/timeouts retry, 401/403 mean the token, 429 the rate. */
export function zaloHttpError(status: number | null, what: string): GatewayError {
  const details = { channel: 'zalo', httpStatus: status };
  if (status === null) return new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo: ${what} failed (network error or timeout)`, details);
  if (status === 429) return new GatewayError('GW_ERR_CHANNEL_RATE_LIMITED', `Zalo: ${what} was rate limited (HTTP 429)`, details);
  if (status >= 500) return new GatewayError('GW_ERR_CHANNEL_TRANSIENT', `Zalo: ${what} failed with HTTP ${status}`, details);
  if (status === 401 || status === 403) return new GatewayError('GW_ERR_CHANNEL_AUTH_EXPIRED', `Zalo: ${what} was refused (HTTP ${status})`, { ...details, tokenRejected: true });
  return new GatewayError('GW_ERR_CONFIG_INVALID', `Zalo: ${what} answered HTTP ${status} (check ZALO_API_URL / ZALO_OAUTH_URL)`, details);
}

/** −216 / −220: the access token was refused; worth one refresh and one retry. */
export function isTokenRejected(err: unknown): boolean {
  return detailsOf(err).tokenRejected === true;
}

/** The refresh token is gone: only a new OAuth consent (reconnect) helps. */
export function needsReconnect(err: unknown): boolean {
  return detailsOf(err).needsReconnect === true;
}

/** The Zalo code carried by a GatewayError from this folder, if any. */
export function zaloCodeOf(err: unknown): number | null {
  const code = detailsOf(err).zaloCode;
  return typeof code === 'number' ? code : null;
}

function detailsOf(err: unknown): Record<string, unknown> {
  if (!(err instanceof GatewayError) || typeof err.details !== 'object' || err.details === null) return {};
  return err.details as Record<string, unknown>;
}
