import { Writable } from 'node:stream';
import { createLogger, redactSecrets } from '../../src/server/logger';
import { GatewayError } from '../../src/core/errors';
import { TEST_SECRETS } from '../support/test-secrets';

const S = TEST_SECRETS;

/** A gateway logger writing into memory; returns the parsed lines. */
function memoryLogger(level = 'trace') {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger(level, sink);
  return { logger, text: () => lines.join(''), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log redaction', () => {
  test('secret-named fields are redacted at any depth, in arrays too, and the rest is kept', () => {
    const { logger, text, records } = memoryLogger();
    logger.info(
      {
        conversationId: 7,
        channel: { messenger: { pages: [{ pageId: '1', accessToken: S.pageTokenSecurity }] } },
        zalo: { oaSecretKey: S.zaloOaSecretKey, tokens: { refresh_token: S.zaloRefreshTokenSecurity } },
        inbox: { settings: { identitySecret: S.identitySecretSecurity, bot: { type: 'webhook', url: 'https://bot.example.vn', secret: S.botSecretSecurity } } },
        a: { b: { c: { d: { e: { verifyToken: S.verifyToken } } } } },
        session: { csrfToken: 'csrf-abc-123456', csrf_token: 'csrf-abc-123456', codeVerifier: 'pkce-verifier-123456' },
        config: { secretKey: S.secretKey, databaseUrl: 'postgres://u:pw-123456@db/og', redisUrl: 'redis://:s3cret-pass@cache:6379' },
        headers: { Authorization: `Bearer ${S.pageTokenSecurity}`, cookie: 'og_session=abcdef123456' },
      },
      'state',
    );
    const out = text();
    for (const secret of [S.pageTokenSecurity, S.zaloOaSecretKey, S.zaloRefreshTokenSecurity, S.identitySecretSecurity, S.botSecretSecurity, S.verifyToken, S.secretKey, 'csrf-abc-123456', 'pkce-verifier-123456', 'pw-123456', S.redisPassword, 'abcdef123456']) {
      expect(out).not.toContain(secret);
    }
    const [r] = records();
    expect(r).toMatchObject({
      conversationId: 7,
      msg: 'state',
      channel: { messenger: { pages: [{ pageId: '1', accessToken: '[redacted]' }] } },
      zalo: { oaSecretKey: '[redacted]', tokens: '[redacted]' },
      inbox: { settings: { identitySecret: '[redacted]', bot: { type: 'webhook', url: 'https://bot.example.vn', secret: '[redacted]' } } },
      session: { csrfToken: '[redacted]', csrf_token: '[redacted]', codeVerifier: '[redacted]' },
      headers: { Authorization: '[redacted]', cookie: '[redacted]' },
    });
  });

  test('credentials inside text go too: URL parameters, JSON members, Bearer, URL passwords', () => {
    const { logger, text, records } = memoryLogger();
    logger.warn({ url: `https://graph.facebook.com/v24.0/me?access_token=${S.pageTokenSecurity}&appsecret_proof=abc123def456` }, 'graph call failed');
    logger.error(`zalo said {"refresh_token": "${S.zaloRefreshTokenSecurity}", "error": -14014}`);
    logger.info('calling %s with %s', 'https://bot.example.vn/hook?x=1', `Bearer ${S.botSecretSecurity}`);
    logger.info({ target: `https://admin:${S.passwordSecurity}@bot.example.vn/hook` }, 'bot target');
    const out = text();
    for (const secret of [S.pageTokenSecurity, 'abc123def456', S.zaloRefreshTokenSecurity, S.botSecretSecurity, S.passwordSecurity]) expect(out).not.toContain(secret);
    expect(out).toContain('https://graph.facebook.com/v24.0/me?access_token=[redacted]');
    expect(records()[1]!.msg).toBe('zalo said {"refresh_token": "[redacted]", "error": -14014}');
    expect(out).toContain('https://admin:[redacted]@bot.example.vn/hook');
  });

  test('errors keep their class, message and code; their secrets do not survive', () => {
    const { logger, text, records } = memoryLogger();
    const cause = Object.assign(new Error(`POST https://openapi.zalo.me/v3.0/oa/message?access_token=${S.zaloAccessTokenSecurity} failed`), {
      config: { headers: { access_token: S.zaloAccessTokenSecurity }, data: { secret_key: S.zaloOaSecretKey } },
    });
    const err = new GatewayError('GW_ERR_CHANNEL_TRANSIENT', 'zalo did not answer', { attempt: 2, accessToken: S.zaloAccessTokenSecurity });
    Object.defineProperty(err, 'cause', { value: cause, enumerable: false });
    logger.error({ err }, 'send failed');
    logger.error(cause);
    const out = text();
    expect(out).not.toContain(S.zaloAccessTokenSecurity);
    expect(out).not.toContain(S.zaloOaSecretKey);
    const [first, second] = records();
    expect(first).toMatchObject({ msg: 'send failed', err: { type: 'GatewayError', message: expect.stringMatching(/^zalo did not answer/), code: 'GW_ERR_CHANNEL_TRANSIENT', details: { attempt: 2, accessToken: '[redacted]' } } });
    expect((first!.err as { stack: string }).stack).toContain('GatewayError: zalo did not answer');
    expect(second).toMatchObject({ err: { type: 'Error', config: { headers: { access_token: '[redacted]' }, data: { secret_key: '[redacted]' } } } });
  });

  test('child loggers cannot bind a secret either', () => {
    const { logger, text, records } = memoryLogger();
    logger.child({ channel: 'zalo', oaSecretKey: S.zaloOaSecretKey }).info({ oaId: '42' }, 'child');
    expect(text()).not.toContain(S.zaloOaSecretKey);
    expect(records()[0]).toMatchObject({ channel: 'zalo', oaSecretKey: '[redacted]', oaId: '42' });
  });

  test('objects without secrets are passed through untouched (no copy), deep ones are cut', () => {
    const plain = { conversationId: 1, nested: { list: [1, 2, { text: 'xin chào' }] } };
    expect(redactSecrets(plain)).toBe(plain);
    let deep: Record<string, unknown> = { password: S.password };
    for (let i = 0; i < 20; i++) deep = { next: deep };
    expect(JSON.stringify(redactSecrets(deep))).not.toContain(S.password);
  });
});
