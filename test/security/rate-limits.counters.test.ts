import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { MemoryRequestCounter } from '../../src/cluster/memory-request-counter';
import { RedisRequestCounter, type CounterRedis } from '../../src/cluster/redis-request-counter';
import { ConfigError } from '../../src/config/config';
import { isGatewayError } from '../../src/core/errors';
import { RATE_LIMIT_DEFAULTS, RateLimit } from '../../src/core/rate-limits';
import { createHttpApp } from '../../src/server/http-app';
import { GatewayMetrics } from '../../src/server/metrics';
import { clientAddress } from '../../src/server/rate-limiter';
import { testConfig } from '../support/test-config';

/**
 * The request limits' arithmetic on an injected clock, their configuration, the client
 * address behind proxies (TRUST_PROXY), and the Redis counter's fallback when Redis fails.
 * The doors themselves: rate-limits.doors.test.ts; across nodes: rate-limits.cluster.test.ts.
 */
describe('a fixed window per key (MemoryRequestCounter + RateLimit)', () => {
  let t = 1_000_000;
  const counter = new MemoryRequestCounter(() => t);
  const limit = new RateLimit('login_ip', { limit: 3, windowMs: 60_000 }, counter);

  test('within the limit: 0; over it: the seconds until the window that began at the first hit ends', async () => {
    expect([await limit.hit('a'), await limit.hit('a'), await limit.hit('a')]).toEqual([0, 0, 0]);
    expect(await limit.hit('a')).toBe(60);
    t += 20_500;
    expect(await limit.hit('a')).toBe(40); // 39.5 s left, rounded up: never too early
    expect(await limit.hit('b')).toBe(0); // another key is not affected
  });

  test('refused hits do not stretch the window: allowed again the moment it ends', async () => {
    t += 39_499;
    expect(await limit.hit('a')).toBe(1);
    t += 1;
    expect(await limit.hit('a')).toBe(0);
  });

  test('enforce throws a 429 carrying the wait; reset starts the key afresh; a rule of null never refuses', async () => {
    const pair = new RateLimit('login_pair', { limit: 1, windowMs: 15 * 60_000 }, counter);
    await pair.enforce('k', 'no');
    const err = await pair.enforce('k', 'too many').catch((e: unknown) => e);
    expect(isGatewayError(err) && err.code === 'GW_ERR_RATE_LIMITED' && err.status === 429).toBe(true);
    expect(err).toMatchObject({ retryAfterSeconds: 900, details: { retryAfterSeconds: 900 }, message: 'too many' });
    await pair.reset('k');
    await expect(pair.enforce('k', 'no')).resolves.toBeUndefined();
    const off = new RateLimit('webhook_ip', null, counter);
    for (let i = 0; i < 50; i++) expect(await off.hit('x')).toBe(0);
  });

  test('peek reads a window without counting; ended windows read as empty', async () => {
    await counter.hit('p', 10_000);
    expect(await counter.peek('p')).toEqual({ count: 1, resetInMs: 10_000 });
    expect(await counter.peek('p')).toEqual({ count: 1, resetInMs: 10_000 });
    t += 10_000;
    expect(await counter.peek('p')).toEqual({ count: 0, resetInMs: 0 });
  });

  test('ended windows are swept when the map grows, live ones kept', async () => {
    let now = 0;
    const c = new MemoryRequestCounter(() => now);
    for (let i = 0; i < 10_000; i++) await c.hit(`old-${i}`, 1_000);
    now = 5_000;
    await c.hit('live', 60_000);
    for (let i = 0; i < 10_000; i++) await c.hit(`new-${i}`, 60_000); // crosses the sweep threshold again
    expect((await c.peek('live')).count).toBe(1);
    expect((await c.peek('old-1')).count).toBe(0);
    expect((c as unknown as { windows: Map<string, unknown> }).windows.size).toBe(10_001);
  });
});

describe('OMNIGATE_RATE_LIMITS and TRUST_PROXY', () => {
  test('defaults apply; entries override or turn off single limits', () => {
    expect(testConfig().rateLimits).toEqual(RATE_LIMIT_DEFAULTS);
    const rules = testConfig({ OMNIGATE_RATE_LIMITS: 'login_ip=5/30s, webhook_ip=off,upload_ip=100/2h' }).rateLimits;
    expect(rules.login_ip).toEqual({ limit: 5, windowMs: 30_000 });
    expect(rules.webhook_ip).toBeNull();
    expect(rules.upload_ip).toEqual({ limit: 100, windowMs: 7_200_000 });
    expect(rules.api_token).toEqual(RATE_LIMIT_DEFAULTS.api_token);
    expect(testConfig({ OMNIGATE_RATE_LIMITS: 'api_ip=10/m' }).rateLimits.api_ip).toEqual({ limit: 10, windowMs: 60_000 });
  });

  test('unknown names and malformed rules are refused, each named', () => {
    const problems = (env: Record<string, string>) => {
      try {
        testConfig(env);
        return [];
      } catch (err) {
        return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
      }
    };
    const bad = problems({ OMNIGATE_RATE_LIMITS: 'login=1/1m,api_ip=ten/1m,api_token=0/1m,upload_ip=5/0m' });
    expect(bad).toHaveLength(4);
    expect(bad[0]).toMatch(/^OMNIGATE_RATE_LIMITS: unknown limit "login" \(known: login_ip, /);
    expect(bad[1]).toMatch(/"api_ip=ten\/1m": expected api_ip=COUNT\/WINDOW/);
    expect(problems({ TRUST_PROXY: 'true' })[0]).toMatch(/^TRUST_PROXY: true would let any client choose its address/);
    expect(problems({ TRUST_PROXY: '10.0.0.0/33, lb.internal' })[0]).toMatch(/not understood: 10\.0\.0\.0\/33, lb\.internal/);
    expect(testConfig().trustProxy).toEqual(['loopback']);
    expect(testConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(testConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(testConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
  });
});

describe('the client address behind proxies (TRUST_PROXY)', () => {
  // The test client connects from loopback: the peer is the "load balancer".
  const seen = async (trustProxy: ReturnType<typeof testConfig>['trustProxy'], xff: string) => {
    const { app, routes } = createHttpApp({ logger: pino({ level: 'silent' }), metrics: new GatewayMetrics(), readiness: async () => undefined, trustProxy });
    routes.get('/ip', (req, res) => void res.json({ express: req.ip, sockets: clientAddress(req, app.get('trust proxy fn')) }));
    return (await request(app).get('/ip').set('x-forwarded-for', xff)).body as { express: string; sockets: string };
  };

  test.each([
    ['loopback (default): the address the local proxy was given', ['loopback'], '203.0.113.7, 10.0.0.5', '10.0.0.5'],
    ['one proxy hop', 1, '203.0.113.7, 10.0.0.5', '10.0.0.5'],
    ['two hops: a CDN in front of the load balancer', 2, '203.0.113.7, 10.0.0.5', '203.0.113.7'],
    ['the load balancer subnet', ['loopback', '10.0.0.0/8'], '203.0.113.7, 10.0.0.5', '203.0.113.7'],
    ['a client writing its own X-Forwarded-For gains nothing', ['loopback', '10.0.0.0/8'], '1.1.1.1, 203.0.113.7, 10.0.0.5', '203.0.113.7'],
  ] as const)('%s', async (_what, trust, xff, client) => {
    const ip = await seen(trust as never, xff);
    expect(ip).toEqual({ express: client, sockets: client });
  });

  test('false: nobody is trusted, the peer is the client', async () => {
    const ip = await seen(false, '203.0.113.7');
    expect(ip.express).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    expect(ip.sockets).toBe(ip.express);
  });

  test('express is the one walking: the same function serves sockets', () => {
    const app = express();
    app.set('trust proxy', 1);
    const req = { headers: { 'x-forwarded-for': '198.51.100.4' }, socket: { remoteAddress: '10.1.2.3' } } as never;
    expect(clientAddress(req, app.get('trust proxy fn'))).toBe('198.51.100.4');
  });
});

describe('RedisRequestCounter when Redis fails', () => {
  const captured = () => {
    const lines: { level: number; msg: string }[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _e, cb) => void (lines.push(JSON.parse(String(chunk)) as never), cb()) }));
    return { lines, logger };
  };

  test('no answer in time: counts on this node (limits still hold), says so once, and once when Redis is back', async () => {
    let mode: 'hang' | 'fail' | 'ok' = 'hang';
    const counts = new Map<string, number>();
    const redis: CounterRedis = {
      eval: (_script, { keys }) => {
        if (mode === 'hang') return new Promise(() => {});
        if (mode === 'fail') return Promise.reject(new Error('ECONNRESET'));
        const n = (counts.get(keys[0]!) ?? 0) + 1;
        counts.set(keys[0]!, n);
        return Promise.resolve([n, 60_000]);
      },
    };
    const { lines, logger } = captured();
    const limit = new RateLimit('api_ip', { limit: 2, windowMs: 60_000 }, new RedisRequestCounter(redis, logger, 50));
    expect([await limit.hit('ip'), await limit.hit('ip')]).toEqual([0, 0]);
    mode = 'fail';
    expect(await limit.hit('ip')).toBeGreaterThan(0); // the local window already holds two
    mode = 'ok';
    expect(await limit.hit('ip')).toBe(0);
    expect(counts.get('omnigate:limit:api_ip:ip')).toBe(1);
    expect(lines.map((l) => l.msg)).toEqual(['rate limits: Redis not answering; counting per node until it is back', 'rate limits: counted across nodes through Redis again']);
  });

  test('a client that is reconnecting is not even asked: no request waits for it', async () => {
    let asked = 0;
    const redis: CounterRedis = { isReady: false, eval: () => (asked++, Promise.resolve([1, 1000])) };
    const { lines, logger } = captured();
    const limit = new RateLimit('webhook_ip', { limit: 1, windowMs: 60_000 }, new RedisRequestCounter(redis, logger));
    expect(await limit.hit('ip')).toBe(0);
    expect(await limit.hit('ip')).toBe(60);
    expect(asked).toBe(0);
    expect(lines).toHaveLength(1);
  });
});
