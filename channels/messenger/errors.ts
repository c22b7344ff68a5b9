import { ERROR_CATALOG, GatewayError, type ErrorCode } from '../../src/core/errors';

/**
 * Graph API failures → the gateway's coded errors. The message is what an agent sees on a
 * failed message, so it says what happened and what to do, with Meta's code/subcode.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/error-codes
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/overview/rate-limiting
 */

/**
 * A GatewayError whose `retryable` can differ from the catalog's default for its code.
 * Used for the one case the catalog can't express yet: an AMBIGUOUS send (timeout, Meta
 * 1/1357046) — the message may have gone out, so a blind retry could send it twice.
 * Those carry `details.ambiguous: true` and `retryable: false`: the caller should mark the
 * message `unknown` and reconcile through the echo (our `metadata` marker) before any
 * resend. (Proposal: a GW_ERR_CHANNEL_AMBIGUOUS catalog code would make this explicit.)
 */
export class MessengerError extends GatewayError {
  override readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details: MessengerErrorDetails, retryable?: boolean) {
    super(code, message, details);
    this.retryable = retryable ?? ERROR_CATALOG[code].retryable;
  }
}

export interface MessengerErrorDetails {
  /** Meta's error code and subcode, when Meta answered. */
  graphCode?: number;
  graphSubcode?: number;
  /** Quote this to Meta support. */
  fbtraceId?: string;
  httpStatus?: number;
  /** The send may have succeeded: set status `unknown`, reconcile through the echo. */
  ambiguous?: boolean;
  /** The Page token is dead: the channel needs a new token (MESSENGER_PAGES). */
  needsReconnect?: boolean;
  /** A multi-part send stopped after some parts went out (send.ts). */
  partial?: { sentParts: number; totalParts: number; externalIds: string[] };
  [key: string]: unknown;
}

export function isAmbiguous(err: unknown): boolean {
  return err instanceof GatewayError && (err.details as MessengerErrorDetails | undefined)?.ambiguous === true;
}

export interface GraphFailure {
  httpStatus: number;
  code?: number;
  subcode?: number;
  message?: string;
  fbtraceId?: string;
}

/** `send`: a lost answer may hide a sent message. `read`/`action`: safe to repeat. */
export type GraphOperation = 'send' | 'read' | 'action';

/** Meta answered with an error (HTTP ≥ 400, or an `error` body). */
export function mapGraphError(f: GraphFailure, op: GraphOperation): MessengerError {
  const { code, subcode } = f;
  const tag = code === undefined ? `HTTP ${f.httpStatus}` : `code ${code}${subcode ? `/${subcode}` : ''}`;
  const meta = f.message ? `: ${f.message.slice(0, 300)}` : '';
  const details: MessengerErrorDetails = { graphCode: code, graphSubcode: subcode, fbtraceId: f.fbtraceId, httpStatus: f.httpStatus };
  const err = (c: ErrorCode, text: string, extra: Partial<MessengerErrorDetails> = {}, retryable?: boolean) =>
    new MessengerError(c, `Messenger: ${text} (${tag})`, { ...details, ...extra }, retryable);

  if (code === 190) return err('GW_ERR_CHANNEL_AUTH_EXPIRED', 'the Page access token is invalid, expired or revoked — reconnect the Page', { needsReconnect: true });
  if (code === 10 && subcode === 2018278) return err('GW_ERR_MESSAGING_WINDOW_CLOSED', 'outside the 24-hour window, the contact must write first');
  if (code === 551 || subcode === 1545041) return err('GW_ERR_RECIPIENT_UNREACHABLE', "this person isn't available right now (blocked the Page or turned off messages)");
  // 100/2018001 "No matching user found": the PSID does not belong to this Page (error-codes page above).
  if (code === 100 && subcode === 2018001) return err('GW_ERR_RECIPIENT_UNREACHABLE', 'no such contact on this Page');
  if (code === 4 || code === 17 || code === 32 || code === 613) return err('GW_ERR_CHANNEL_RATE_LIMITED', 'Meta rate limit reached, will retry later');
  if (code === 1 && subcode === 1357046 && op === 'send') {
    return err('GW_ERR_CHANNEL_TRANSIENT', 'Meta returned an invalid reply — the message may have been sent; check the conversation before resending', { ambiguous: true }, false);
  }
  if (code === 1 || code === 2 || code === 1200) return err('GW_ERR_CHANNEL_TRANSIENT', `temporary Meta error, will retry${meta}`);
  if (code === 10 || (code !== undefined && code >= 200 && code <= 299) || code === 368) {
    return err('GW_ERR_FORBIDDEN', `the app lacks the permission for this (check pages_messaging / Human Agent / Page role)${meta}`);
  }
  if (code === 100) return err('GW_ERR_VALIDATION', `Meta rejected the request${meta}`);
  if (f.httpStatus === 429) return err('GW_ERR_CHANNEL_RATE_LIMITED', 'Meta rate limit reached, will retry later');
  if (f.httpStatus >= 500) return err('GW_ERR_CHANNEL_TRANSIENT', `Meta server error, will retry${meta}`);
  return err('GW_ERR_VALIDATION', `Meta refused the request${meta}`);
}

/**
 * No answer from Meta. Refused/unresolvable connections never reached Meta: retry. A
 * timeout or a connection cut mid-request on a SEND is ambiguous (see MessengerError).
 */
export function mapTransportError(errorCode: string | undefined, op: GraphOperation): MessengerError {
  const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL'].includes(errorCode ?? '');
  const what = errorCode ?? 'network error';
  if (neverSent || op !== 'send') {
    return new MessengerError('GW_ERR_CHANNEL_TRANSIENT', `Messenger: could not reach Meta (${what}), will retry`, { transport: what });
  }
  const timedOut = errorCode === 'ECONNABORTED' || errorCode === 'ETIMEDOUT';
  return new MessengerError(
    'GW_ERR_CHANNEL_TRANSIENT',
    `Messenger: ${timedOut ? 'no answer from Meta in time' : `connection to Meta lost (${what})`} — the message may have been sent; check the conversation before resending`,
    { transport: what, ambiguous: true },
    false,
  );
}
