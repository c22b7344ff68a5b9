import { isAmbiguous, mapGraphError, mapTransportError, type GraphFailure } from './errors';

describe('mapGraphError', () => {
  const cases: [string, GraphFailure, { code: string; retryable: boolean; message: RegExp; details?: object }][] = [
    ['190 expired token', { httpStatus: 400, code: 190, subcode: 463, message: 'Error validating access token' }, { code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', retryable: false, message: /reconnect the Page \(code 190\/463\)/, details: { needsReconnect: true } }],
    ['10/2018278 window', { httpStatus: 400, code: 10, subcode: 2018278 }, { code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false, message: /^Messenger: outside the 24-hour window.*\(code 10\/2018278\)$/ }],
    ['551/1545041 unavailable', { httpStatus: 400, code: 551, subcode: 1545041 }, { code: 'GW_ERR_RECIPIENT_UNREACHABLE', retryable: false, message: /isn't available right now.*\(code 551\/1545041\)/ }],
    ['100/2018001 unknown PSID', { httpStatus: 400, code: 100, subcode: 2018001 }, { code: 'GW_ERR_RECIPIENT_UNREACHABLE', retryable: false, message: /no such contact/ }],
    ['613 rate limit', { httpStatus: 400, code: 613 }, { code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, message: /rate limit.*\(code 613\)/ }],
    ['4 app rate limit', { httpStatus: 400, code: 4 }, { code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, message: /rate limit/ }],
    ['17 user rate limit', { httpStatus: 400, code: 17 }, { code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, message: /rate limit/ }],
    ['32 page rate limit', { httpStatus: 400, code: 32 }, { code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, message: /rate limit/ }],
    ['2 temporary', { httpStatus: 500, code: 2 }, { code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true, message: /temporary/ }],
    ['1 unknown', { httpStatus: 500, code: 1 }, { code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true, message: /temporary/ }],
    ['1/1357046 invalid JSON reply: ambiguous', { httpStatus: 500, code: 1, subcode: 1357046 }, { code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: false, message: /may have been sent/, details: { ambiguous: true } }],
    ['10 permission', { httpStatus: 403, code: 10, message: 'Application does not have permission for this action' }, { code: 'GW_ERR_FORBIDDEN', retryable: false, message: /permission.*Application does not have permission/ }],
    ['200 permission', { httpStatus: 403, code: 200 }, { code: 'GW_ERR_FORBIDDEN', retryable: false, message: /permission/ }],
    ['100 bad parameter, Meta message kept', { httpStatus: 400, code: 100, message: '(#100) Tag is deprecated' }, { code: 'GW_ERR_VALIDATION', retryable: false, message: /Tag is deprecated/ }],
    ['bare 503', { httpStatus: 503 }, { code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true, message: /\(HTTP 503\)/ }],
    ['bare 429', { httpStatus: 429 }, { code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, message: /rate limit/ }],
    ['unknown 4xx code', { httpStatus: 400, code: 12345 }, { code: 'GW_ERR_VALIDATION', retryable: false, message: /refused/ }],
  ];

  it.each(cases)('%s', (_name, failure, expected) => {
    const err = mapGraphError({ ...failure, fbtraceId: 'AbC123' }, 'send');
    expect(err.code).toBe(expected.code);
    expect(err.retryable).toBe(expected.retryable);
    expect(err.message).toMatch(expected.message);
    expect(err.details).toMatchObject({ graphCode: failure.code, fbtraceId: 'AbC123', ...(expected.details ?? {}) });
  });

  it('1/1357046 outside a send (profile read) is a plain retryable error', () => {
    const err = mapGraphError({ httpStatus: 500, code: 1, subcode: 1357046 }, 'read');
    expect([err.retryable, isAmbiguous(err)]).toEqual([true, false]);
  });
});

describe('mapTransportError', () => {
  it.each([
    ['ECONNABORTED', 'send', false, true],
    ['ETIMEDOUT', 'send', false, true],
    ['ECONNRESET', 'send', false, true],
    ['ECONNREFUSED', 'send', true, false],
    ['ENOTFOUND', 'send', true, false],
    ['ETIMEDOUT', 'action', true, false],
    ['ECONNRESET', 'read', true, false],
  ] as const)('%s during %s → retryable %s, ambiguous %s', (code, op, retryable, ambiguous) => {
    const err = mapTransportError(code, op);
    expect(err.code).toBe('GW_ERR_CHANNEL_TRANSIENT');
    expect(err.retryable).toBe(retryable);
    expect(isAmbiguous(err)).toBe(ambiguous);
  });
});
