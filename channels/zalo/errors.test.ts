import { GatewayError } from '../../src/core/errors';
import { isTokenRejected, needsReconnect, zaloCodeOf, zaloError, zaloHttpError } from './errors';

describe('Zalo error codes → GatewayError', () => {
  it.each<[number, string, boolean, string]>([
    [-32, 'GW_ERR_CHANNEL_RATE_LIMITED', true, 'Zalo: rate limit reached for the app or OA; retry later (−32)'],
    [-100, 'GW_ERR_CHANNEL_TRANSIENT', true, 'Zalo: the attachment_id has expired; re-upload the file (−100)'],
    [-213, 'GW_ERR_RECIPIENT_UNREACHABLE', false, 'Zalo: the user is not a follower of the OA (−213)'],
    [-217, 'GW_ERR_RECIPIENT_UNREACHABLE', false, 'Zalo: the user has blocked messages from the OA (−217)'],
    [-227, 'GW_ERR_RECIPIENT_UNREACHABLE', false, 'Zalo: the user is banned or has been inactive for more than 45 days (−227)'],
    [-230, 'GW_ERR_MESSAGING_WINDOW_CLOSED', false, 'Zalo: the user has not interacted with the OA in 7 days (−230)'],
    [-232, 'GW_ERR_MESSAGING_WINDOW_CLOSED', false, "Zalo: the user's interaction has expired (−232)"],
    [-234, 'GW_ERR_MESSAGING_WINDOW_CLOSED', false, 'Zalo: this message type cannot be sent at night (22:00–06:00) (−234)'],
    [-244, 'GW_ERR_RECIPIENT_UNREACHABLE', false, 'Zalo: the user has restricted this type of message (−244)'],
    [-216, 'GW_ERR_CHANNEL_AUTH_EXPIRED', false, 'Zalo: the access token is invalid (−216)'],
    [-220, 'GW_ERR_CHANNEL_AUTH_EXPIRED', false, 'Zalo: the access token has expired or was removed (−220)'],
    [-14014, 'GW_ERR_CHANNEL_AUTH_EXPIRED', false, 'Zalo: the refresh token is invalid (already used or revoked); reconnect the OA (−14014)'],
    [-14020, 'GW_ERR_CHANNEL_AUTH_EXPIRED', false, 'Zalo: the refresh token has expired; reconnect the OA (−14020)'],
    [-211, 'GW_ERR_FORBIDDEN', false, 'Zalo: the OA is out of message quota (−211)'],
    [-240, 'GW_ERR_CONFIG_INVALID', false, 'Zalo: the v2 message API has been shut down; use v3 (−240)'],
    [-201, 'GW_ERR_VALIDATION', false, 'Zalo: invalid parameter in the request (−201)'],
    [-999, 'GW_ERR_CHANNEL_TRANSIENT', true, 'Zalo: unexpected error −999 "boom"'],
  ])('%i → %s', (code, gatewayCode, retryable, message) => {
    const err = zaloError(code, code === -999 ? 'boom' : 'Zalo text');
    expect(err).toBeInstanceOf(GatewayError);
    expect({ code: err.code, retryable: err.retryable, message: err.message }).toEqual({ code: gatewayCode, retryable, message });
    expect(zaloCodeOf(err)).toBe(code);
  });

  it('marks −216/−220 as "refresh once and retry", −14014/−14020 as "reconnect"', () => {
    expect([-216, -220].map((c) => isTokenRejected(zaloError(c)))).toEqual([true, true]);
    expect([-216, -220].map((c) => needsReconnect(zaloError(c)))).toEqual([false, false]);
    expect([-14014, -14020].map((c) => needsReconnect(zaloError(c)))).toEqual([true, true]);
    expect([-14014, -230, -32].map((c) => isTokenRejected(zaloError(c)))).toEqual([false, false, false]);
    expect(zaloError(-100).details).toMatchObject({ reupload: true });
  });

  it.each<[number | null, string, boolean]>([
    [null, 'GW_ERR_CHANNEL_TRANSIENT', true],
    [500, 'GW_ERR_CHANNEL_TRANSIENT', true],
    [503, 'GW_ERR_CHANNEL_TRANSIENT', true],
    [429, 'GW_ERR_CHANNEL_RATE_LIMITED', true],
    [401, 'GW_ERR_CHANNEL_AUTH_EXPIRED', false],
    [404, 'GW_ERR_CONFIG_INVALID', false],
  ])('HTTP %p → %s', (status, code, retryable) => {
    const err = zaloHttpError(status, 'send message');
    expect({ code: err.code, retryable: err.retryable }).toEqual({ code, retryable });
  });
});
