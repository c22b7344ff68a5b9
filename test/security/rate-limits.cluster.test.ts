import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { connectRedis, type RedisClient } from '../../src/cluster/redis-client';
import { RedisRequestCounter } from '../../src/cluster/redis-request-counter';
import { RateLimit } from '../../src/core/rate-limits';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { createWidgetChannel } from '../../channels/widget';
import { testDatabases } from '../support/databases';
import { redisServerAvailable, startRedis } from '../support/redis-server';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

const ready = redisServerAvailable();
if (!ready && process.env.CI === 'true') throw new Error('CI=true but redis-server is missing: refusing to skip the shared rate limit test');
if (!ready) console.warn('[omnigate tests] redis-server unavailable: the shared rate limit test is skipped');

const [database] = testDatabases();

/**
 * Request limits counted across nodes: two counters on two connections to one real
 * redis-server, then two whole gateways sharing it (each with its own database: Redis is all
 * they share), then Redis gone under them.
 */
(ready ? describe : describe.skip)('request limits across nodes, one Redis', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let clients: RedisClient[] = [];
  const gateways: Gateway[] = [];
  const logged: { level: number; msg: string }[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    const quiet = pino({ level: 'silent' });
    clients = [await connectRedis(redis.url, quiet), await connectRedis(redis.url, quiet)];
  });
  let stopped = false;
  afterAll(async () => {
    // Socket.IO's streams adapter only lets go of its blocked stream reader once Redis answers
    // again (the process would not exit otherwise): Redis comes back on its port first.
    const back = stopped ? spawn('redis-server', ['--port', new URL(redis.url).port, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }) : null;
    if (back) await waitFor(() => clients[0]!.isReady || undefined, 10_000);
    for (const gw of gateways) await gw.close();
    for (const c of clients) await c.destroy();
    back?.kill('SIGTERM');
    await redis?.stop();
  }, 60_000);

  const limitOn = (client: RedisClient, windowMs: number, limit: number) => new RateLimit('api_ip', { limit, windowMs }, new RedisRequestCounter(client));

  test("hits on node A count on node B; the wait is Redis's own expiry; other keys and a reset are seen by both", async () => {
    const [a, b] = [limitOn(clients[0]!, 60_000, 3), limitOn(clients[1]!, 60_000, 3)];
    const key = randomUUID();
    expect([await a.hit(key), await b.hit(key), await a.hit(key)]).toEqual([0, 0, 0]);
    const onB = await b.hit(key);
    expect(onB).toBeGreaterThanOrEqual(59);
    expect(onB).toBeLessThanOrEqual(60);
    expect(await a.hit(key)).toBeGreaterThanOrEqual(59);
    const ttl = await clients[0]!.pTTL(`omnigate:limit:api_ip:${key}`);
    expect(ttl).toBeGreaterThan(50_000); // the key goes with its window
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await b.hit(randomUUID())).toBe(0);
    await a.reset(key);
    expect(await b.hit(key)).toBe(0);
  });

  test("a window ends on Redis's clock, for every node", async () => {
    const [a, b] = [limitOn(clients[0]!, 300, 1), limitOn(clients[1]!, 300, 1)];
    const key = randomUUID();
    expect(await a.hit(key)).toBe(0);
    expect(await b.hit(key)).toBe(1);
    await waitFor(async () => (await b.hit(key)) === 0, 3_000); // refused hits never stretch the window
  });

  test('two gateways on one Redis: what one address spends on node A holds on node B', async () => {
    const capture = new Writable({ write: (chunk, _e, cb) => void (logged.push(JSON.parse(String(chunk)) as never), cb()) });
    for (const logger of [pino({ level: 'warn' }, capture), pino({ level: 'silent' })]) {
      const { store, dataDir } = await database!.open();
      const config = testConfig({ DATA_DIR: dataDir, REDIS_URL: redis.url, OMNIGATE_RATE_LIMITS: 'login_ip=2/1m,widget_session_ip=1/1m' });
      const gw = await createGateway({ config, store, logger, channels: [createWidgetChannel()] });
      gateways.push(gw);
      await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false, settings: {} });
    }
    const [urlA, urlB] = await Promise.all(gateways.map((g) => g.listen()));
    const post = (base: string, path: string, body: unknown, ip: string) =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify(body) });
    const login = (base: string, ip: string) => post(base, '/api/v1/auth/login', { email: 'nobody@anphat.vn', password: 'wrong' }, ip);

    expect((await login(urlA!, '203.0.113.10')).status).toBe(401);
    expect((await login(urlB!, '203.0.113.10')).status).toBe(401);
    const refused = await login(urlA!, '203.0.113.10');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect((await login(urlB!, '203.0.113.10')).status).toBe(429);
    expect((await login(urlB!, '203.0.113.11')).status).toBe(401);

    expect((await post(urlB!, '/widget/api/session', { inbox: 'shop' }, '203.0.113.12')).status).toBe(200);
    expect((await post(urlA!, '/widget/api/session', { inbox: 'shop' }, '203.0.113.12')).status).toBe(429);
    expect(logged).toEqual([]);
  }, 60_000);

  test('Redis gone: each node counts on its own at once, says so once, and answers every request', async () => {
    await redis.stop();
    stopped = true;
    const [urlA] = gateways.map((g) => g.publicUrl());
    const login = (ip: string) => fetch(`${urlA}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email: 'nobody@anphat.vn', password: 'wrong' }) });
    // node-redis notices the closed socket and reconnects; until then a call may wait up to a second.
    await waitFor(() => clients[0]!.isReady === false || undefined, 5_000);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await login('203.0.113.20')).status);
    expect(statuses).toEqual([401, 401, 429]); // login_ip=2/1m, counted by node A alone
    expect((await login('203.0.113.21')).status).toBe(401);
    expect(logged.filter((l) => l.msg === 'rate limits: Redis not answering; counting per node until it is back')).toHaveLength(1);
  });
});
