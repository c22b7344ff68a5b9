/**
 * Issue #10, hostile input at the webhook edge: POST /webhooks/messenger and /webhooks/zalo
 * with arbitrary bytes, arbitrary JSON, deep nesting, huge strings, wrong/missing/valid
 * signatures — and real fixtures with hostile values planted at random places, SIGNED
 * correctly so the parsers and the pipeline behind them are fuzzed, not just the
 * signature check. Every answer is 2xx (accepted, maybe ignored) or 4xx, never 5xx; the
 * gateway keeps answering /healthz; and once the inbound journal has drained, the database
 * holds nothing half-written and no body is left failing in the journal for a reason that
 * is not a deliberate, coded refusal.
 *
 * Crashes: in process, Jest itself fails the running test on an unhandled rejection or an
 * uncaught exception (it takes them before any `process.on` listener a test could add), so
 * the in-process properties fail on one. The last block runs the real `omnigate start` as
 * a child process under the same kinds of input and checks it is still alive, healthy, and
 * shuts down cleanly (exit 0) — a crash there is a dead process, whatever Jest sees.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import type { Bot } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { createMessengerChannel } from '../../channels/messenger';
import { loadMessengerConfig } from '../../channels/messenger/config';
import { fixtureJson as messengerFixture, fixtureNames as messengerFixtureNames } from '../../channels/messenger/__fixtures__';
import { signWebhook } from '../../channels/messenger/simulator/webhooks';
import { startFakeGraph, type FakeGraph } from '../../channels/messenger/simulator';
import { createZaloChannel } from '../../channels/zalo';
import { loadZaloConfig } from '../../channels/zalo/config';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { computeZaloMac } from '../../channels/zalo/verify';
import { startFakeZalo, type FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { buildFollow, buildUserSendText, buildUserSubmitInfo } from '../../channels/zalo/simulator/webhooks';
import { openStore } from '../../src/store/database';
import { freshDataDir, freshPostgresUrl, postgresAvailable, testDatabases } from '../support/databases';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { testConfig } from '../support/test-config';
import { TEST_SECRETS, testSecretBox } from '../support/test-secrets';
import { waitFor } from '../support/wait';
import { dbViolations, deepNesting, FUZZ_SEED, fuzzOptions, hostileString, hostileValue, journalLeftovers, jsonBytes, looseString, pathsOf, prototypeKeys, RawJson, replaceAt } from './hostile';

const PAGE = '104500000000001';
const PAGE_TOKEN = TEST_SECRETS.pageTokenSecurity;
const APP_SECRET = TEST_SECRETS.metaAppSecret;
const META_APP_ID = '900000000000001';
const Z_APP_ID = '4300000000000000001';
const Z_APP_SECRET = TEST_SECRETS.zaloAppSecret;
const OA_ID = '579745863508352884';
const OA_SECRET = TEST_SECRETS.zaloOaSecretKey;

jest.setTimeout(120_000);

const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}`.slice(0, 2000) }], state: {} }),
};

/** Real payloads: the Messenger fixtures (a superset of /work/shared/fixtures/messenger). */
const messengerSeeds = messengerFixtureNames().map((n) => messengerFixture(n) as Record<string, unknown>);
const zaloFixtureDir = path.resolve(__dirname, '../../channels/zalo/__fixtures__');
const zaloSeeds = [
  ...fs
    .readdirSync(zaloFixtureDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(zaloFixtureDir, f), 'utf8')) as Record<string, unknown>),
  buildUserSendText({ appId: Z_APP_ID, oaId: OA_ID, userId: '8000000000000000001', text: 'xin chào' }),
  buildFollow({ appId: Z_APP_ID, oaId: OA_ID, userId: '8000000000000000002' }),
  buildUserSubmitInfo({ appId: Z_APP_ID, oaId: OA_ID, userId: '8000000000000000003', info: { name: 'Bình', phone: '0912345678' } }),
];

/** Point a Messenger fixture at our Page (so it reaches the pipeline), keeping everything else. */
function aimMessenger(body: Record<string, unknown>, salt: number): Record<string, unknown> {
  const copy = structuredClone(body) as { entry?: { id?: unknown; messaging?: Record<string, Record<string, unknown>>[] }[] };
  for (const entry of Array.isArray(copy.entry) ? copy.entry : []) {
    entry.id = PAGE;
    for (const item of Array.isArray(entry.messaging) ? entry.messaging : []) {
      const echo = (item.message as { is_echo?: unknown } | undefined)?.is_echo === true;
      if (echo && item.sender) item.sender.id = PAGE;
      if (!echo && item.recipient) item.recipient.id = PAGE;
      const msg = item.message as { mid?: unknown } | undefined;
      if (msg && typeof msg.mid === 'string') msg.mid = `${msg.mid}-${salt}`;
    }
  }
  return copy as Record<string, unknown>;
}

/** Point a Zalo fixture at our OA, with a fresh timestamp (the signature check refuses old ones). */
function aimZalo(body: Record<string, unknown>, salt: number): Record<string, unknown> {
  const copy = structuredClone(body) as Record<string, Record<string, unknown> | string | undefined>;
  const name = String(copy.event_name ?? '');
  copy.app_id = Z_APP_ID;
  copy.timestamp = String(Date.now());
  if (name.startsWith('oa_send_') && typeof copy.sender === 'object') copy.sender.id = OA_ID;
  else if (typeof copy.recipient === 'object') copy.recipient.id = OA_ID;
  if (typeof copy.message === 'object' && typeof copy.message.msg_id === 'string') copy.message.msg_id = `${copy.message.msg_id}${salt}`;
  return copy as Record<string, unknown>;
}

function signZalo(raw: Buffer, body: unknown): Record<string, string> {
  const b = (body ?? {}) as { app_id?: unknown; timestamp?: unknown };
  return { 'content-type': 'application/json', 'x-zevent-signature': `mac=${computeZaloMac(looseString(b.app_id), raw, looseString(b.timestamp), OA_SECRET)}` };
}

/** 1 to 3 hostile values planted at random places of a real payload. */
const plantedIn = (seeds: Record<string, unknown>[]) =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), hostileValue), { minLength: 1, maxLength: 3 })).map(([seed, plants]) => ({ seed, plants }));

function plant(body: Record<string, unknown>, plants: [number, unknown][]): unknown {
  let out: unknown = body;
  for (const [at, value] of plants) {
    const paths = pathsOf(out).filter((p) => p.length > 0);
    if (paths.length === 0) break;
    out = replaceAt(out, paths[at % paths.length]!, value);
  }
  return out;
}

const HEADER_NOISE = fc.record(
  {
    'content-type': fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '*/*', 'a'.repeat(300)),
    'x-hub-signature-256': fc.oneof(fc.constantFrom('sha256=', 'sha256=zz', `sha256=${'0'.repeat(64)}`, `sha1=${'0'.repeat(40)}`, 'sha256=' + 'a'.repeat(5000)), hostileString.filter(isHeaderSafe)),
    'x-hub-signature': fc.constantFrom(`sha1=${'0'.repeat(40)}`, 'sha1=', 'garbage'),
    'x-zevent-signature': fc.oneof(fc.constantFrom('mac=', `mac=${'0'.repeat(64)}`, 'mac=' + 'f'.repeat(63), 'MAC = ' + 'A'.repeat(64)), hostileString.filter(isHeaderSafe)),
  },
  { requiredKeys: [] },
);

function isHeaderSafe(s: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(s) && s.length < 8000;
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('webhooks under hostile input on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let graph: FakeGraph;
  let zalo: FakeZalo;
  const protoBefore = prototypeKeys();
  const statuses = new Map<number, number>();
  let salt = 0;

  beforeAll(async () => {
    graph = await startFakeGraph({ pages: { [PAGE]: PAGE_TOKEN } });
    zalo = await startFakeZalo({ appId: Z_APP_ID, appSecret: Z_APP_SECRET, oaId: OA_ID, oaSecretKey: OA_SECRET });
    const { store } = await database.open();
    const messenger = createMessengerChannel(
      loadMessengerConfig({ MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: TEST_SECRETS.verifyToken, MESSENGER_PAGES: `${PAGE}:${PAGE_TOKEN}`, MESSENGER_GRAPH_URL: graph.url, MESSENGER_APP_ID: META_APP_ID })!,
      { fetchProfiles: false },
    );
    const zaloChannel = createZaloChannel(
      loadZaloConfig(zalo.gatewayEnv())!,
      { enrichProfiles: false, store: new DbTokenStore(store.db, store.kind, testSecretBox()), refreshCheckEveryMs: 0 },
    );
    gw = await createGateway({ config: testConfig(), store, channels: [messenger, zaloChannel], bot: echoBot });
    await createInbox(gw.db, { channel: 'messenger', accountId: PAGE, name: 'Page', botEnabled: true });
    await createInbox(gw.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: true });
    url = await gw.listen();
  });

  afterAll(async () => {
    await gw?.close();
    await graph?.close();
    await zalo?.close();
  });

  const post = async (channel: 'messenger' | 'zalo', body: Buffer | string, headers: Record<string, string>): Promise<number> => {
    const res = await fetch(`${url}/webhooks/${channel}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    return res.status;
  };
  const healthy = async () => (await fetch(`${url}/healthz`)).status === 200;
  /** 2xx or 4xx; a 5xx fails with the request that caused it. */
  const expectHandled = (status: number, what: () => string) => {
    if (status >= 500 || status < 200) throw new Error(`answered ${status} to ${what()}`);
  };

  test('unsigned or wrongly signed bytes of any kind are refused with 4xx, and nothing is stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('messenger' as const, 'zalo' as const),
        fc.oneof(fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)), hostileValue.map(jsonBytes)),
        HEADER_NOISE,
        async (channel, body, headers) => {
          const status = await post(channel, body, headers);
          expectHandled(status, () => `${channel} ${body.subarray(0, 80).toString('hex')} ${JSON.stringify(headers).slice(0, 200)}`);
          expect(status).toBeGreaterThanOrEqual(400);
        },
      ),
      fuzzOptions(),
    );
    expect(await healthy()).toBe(true);
    expect(await gw.db.selectFrom('inbound_events').select('id').execute()).toEqual([]);
  });

  test('correctly signed arbitrary JSON, deep nesting and huge strings: 2xx or 4xx, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('messenger' as const, 'zalo' as const), fc.oneof(hostileValue, deepNesting, fc.record({ object: fc.constant('page'), entry: hostileValue })), async (channel, value) => {
        let raw: Buffer;
        let headers: Record<string, string>;
        if (channel === 'messenger') {
          raw = jsonBytes(value);
          headers = signWebhook(raw, APP_SECRET);
        } else {
          // Zalo signs over the body's own app_id and timestamp: give the object those so the parser is reached.
          const body = value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof RawJson) ? { ...value, app_id: Z_APP_ID, timestamp: String(Date.now()) } : value;
          raw = jsonBytes(body);
          headers = signZalo(raw, body);
        }
        const status = await post(channel, raw, headers);
        expectHandled(status, () => `${channel} ${raw.subarray(0, 300).toString()}`);
      }),
      fuzzOptions(),
    );
    expect(await healthy()).toBe(true);
  });

  const plantedChannels = [
    { name: 'Messenger', channel: 'messenger' as const, seeds: messengerSeeds, aim: aimMessenger, sign: (raw: Buffer) => signWebhook(raw, APP_SECRET) },
    { name: 'Zalo', channel: 'zalo' as const, seeds: zaloSeeds, aim: aimZalo, sign: signZalo },
  ];
  test.each(plantedChannels)('real $name payloads with hostile values planted anywhere, signed: 2xx or 4xx, never 5xx', async ({ channel, seeds, aim, sign }) => {
    await fc.assert(
      fc.asyncProperty(plantedIn(seeds), async ({ seed, plants }) => {
        const body = plant(aim(seed, ++salt), plants);
        const raw = jsonBytes(body);
        const status = await post(channel, raw, sign(raw, body));
        expectHandled(status, () => raw.subarray(0, 400).toString());
      }),
      fuzzOptions(),
    );
    expect(await healthy()).toBe(true);
  });

  test('hostile text in otherwise valid messages (NUL, lone surrogates, 70,000 characters, markup) is stored cleanly or refused cleanly', async () => {
    const texts = ['a\u0000b', '\u0000', 'x\ud800y', '\udfff', 'Ạ'.repeat(70_000), '<script>window.__xss=1</script>', "=cmd|' /C calc'!A0", ' ', '\uFEFF'];
    for (const [i, text] of texts.entries()) {
      const m = { object: 'page', entry: [{ id: PAGE, time: Date.now(), messaging: [{ sender: { id: `psid-text-${i}` }, recipient: { id: PAGE }, timestamp: Date.now(), message: { mid: `m-text-${i}`, text } }] }] };
      const raw = jsonBytes(m);
      expectHandled(await post('messenger', raw, signWebhook(raw, APP_SECRET)), () => `messenger text ${JSON.stringify(text.slice(0, 20))}`);
      const z = buildUserSendText({ appId: Z_APP_ID, oaId: OA_ID, userId: `80000000000000100${i}`, text, msgId: `z-text-${i}` });
      const zraw = jsonBytes(z);
      expectHandled(await post('zalo', zraw, signZalo(zraw, z)), () => `zalo text ${JSON.stringify(text.slice(0, 20))}`);
      // A contact name with the same text, through Zalo's form.
      const info = buildUserSubmitInfo({ appId: Z_APP_ID, oaId: OA_ID, userId: `80000000000000200${i}`, info: { name: text, phone: '0912345678' } });
      const iraw = jsonBytes(info);
      expectHandled(await post('zalo', iraw, signZalo(iraw, info)), () => `zalo name ${JSON.stringify(text.slice(0, 20))}`);
    }
    // What was stored is the text (NUL removed, lone surrogates replaced), as text, whole.
    const textOf = (externalId: string) =>
      waitFor(async () => (await gw.db.selectFrom('messages').select('text').where('external_id', '=', externalId).executeTakeFirst())?.text, 10_000);
    expect(await textOf('m-text-0')).toBe('ab');
    expect(await textOf('z-text-0')).toBe('ab');
    expect(await textOf('m-text-2')).toBe('x\uFFFDy');
    expect(await textOf('z-text-2')).toBe('x\uFFFDy');
    expect(await textOf('m-text-5')).toBe('<script>window.__xss=1</script>');
    expect(await textOf('m-text-6')).toBe("=cmd|' /C calc'!A0");
    const named = await waitFor(async () => (await gw.db.selectFrom('contacts').select('name').where('name', '=', 'ab').executeTakeFirst())?.name, 10_000);
    expect(named).toBe('ab');
  });

  test('hostile ids and times in otherwise valid events (huge or NUL ids, year-275760+ timestamps) are ignored or stored, never retried forever', async () => {
    const huge = randomBytes(15_000).toString('base64'); // does not compress: over the btree key limit
    const now = Date.now();
    const item = (o: Record<string, unknown>) => ({ sender: { id: 'psid-ids' }, recipient: { id: PAGE }, timestamp: now, ...o });
    const messengerItems = [
      { sender: { id: PAGE }, recipient: { id: 'psid-ids' }, timestamp: now, message: { is_echo: true, mid: huge, text: 'echo with a huge mid' } },
      { sender: { id: PAGE }, recipient: { id: 'psid-ids' }, timestamp: now, message: { is_echo: true, mid: 'echo-nul-text', text: 'a\u0000b' } },
      { sender: { id: PAGE }, recipient: { id: 'psid-ids' }, timestamp: 1e300, message: { is_echo: true, mid: 'echo-far-future', text: 'x' } },
      item({ delivery: { mids: ['\u0000', huge, 'x\ud800'], watermark: 1e300 } }),
      item({ read: { watermark: 1e300 } }),
      item({ timestamp: 1e300, message: { mid: 'm-far-future', text: 'from the far future' } }),
      { sender: { id: 'p\u0000' }, recipient: { id: PAGE }, timestamp: now, read: { watermark: now } },
      { sender: { id: huge }, recipient: { id: PAGE }, timestamp: now, delivery: { watermark: now } },
      { sender: { id: huge }, recipient: { id: PAGE }, timestamp: now, message: { mid: 'm-huge-psid', text: 'hi' } },
    ];
    for (const it of messengerItems) {
      const raw = jsonBytes({ object: 'page', entry: [{ id: PAGE, time: now, messaging: [it] }] });
      expectHandled(await post('messenger', raw, signWebhook(raw, APP_SECRET)), () => raw.subarray(0, 200).toString());
    }
    const zalo = (o: Record<string, unknown>) => ({ app_id: Z_APP_ID, timestamp: String(Date.now()), ...o });
    const zaloBodies = [
      zalo({ event_name: 'oa_send_text', sender: { id: OA_ID }, recipient: { id: '8000000000000009001' }, message: { msg_id: 'z\u0000', text: 'hi' } }),
      zalo({ event_name: `oa_send_${'x'.repeat(5000)}`, sender: { id: OA_ID }, recipient: { id: '8000000000000009001' }, message: { text: 'hi' } }),
      zalo({ event_name: 'user_seen_message', sender: { id: '8000000000000009001' }, recipient: { id: OA_ID }, message: { msg_ids: ['\u0000', huge] } }),
      zalo({ event_name: 'follow', oa_id: OA_ID, follower: { id: huge } }),
      zalo({ event_name: 'user_send_text', sender: { id: 'u\ud800' }, recipient: { id: OA_ID }, message: { msg_id: 'z-bad-user', text: 'hi' } }),
    ];
    for (const b of zaloBodies) {
      const raw = jsonBytes(b);
      expectHandled(await post('zalo', raw, signZalo(raw, b)), () => raw.subarray(0, 200).toString());
    }
    expect(await journalLeftovers(gw.db)).toEqual([]);
    expect(await dbViolations(gw.db)).toEqual([]);
    // A far-future timestamp does not become an Invalid Date: the message is stored at the time it arrived.
    const future = await waitFor(async () => gw.db.selectFrom('messages').select('sent_at').where('external_id', '=', 'm-far-future').executeTakeFirst(), 10_000);
    expect(Math.abs(future.sent_at.getTime() - now)).toBeLessThan(60_000);
  });

  test('oversized and compressed bodies: 413 (or 4xx), never 5xx, never a 10 MB inflate', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
    for (const channel of ['messenger', 'zalo'] as const) {
      expect(await post(channel, big, { 'content-type': 'application/json' })).toBe(413);
      const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024, 0x20));
      const status = await post(channel, bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect([400, 401, 413, 415]).toContain(status);
      const broken = await post(channel, Buffer.from('not gzip at all'), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      expect(broken).toBeGreaterThanOrEqual(400);
      expect(broken).toBeLessThan(500);
      const unknown = await post(channel, Buffer.from('{}'), { 'content-type': 'application/json', 'content-encoding': 'x-made-up' });
      expect(unknown).toBeGreaterThanOrEqual(400);
      expect(unknown).toBeLessThan(500);
    }
    expect(await healthy()).toBe(true);
  });

  test('after all of it: the journal drained, the database consistent, Object.prototype untouched, the gateway healthy', async () => {
    const leftovers = await journalLeftovers(gw.db);
    expect(leftovers).toEqual([]);
    expect(await dbViolations(gw.db)).toEqual([]);
    expect(prototypeKeys()).toEqual(protoBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await healthy()).toBe(true);
    // The fuzzing reached the pipeline: bodies were accepted and messages stored, not everything refused.
    const accepted = await gw.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const messages = await gw.db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).where('direction', '=', 'in').executeTakeFirstOrThrow();
    expect(Number(accepted.n)).toBeGreaterThan(50);
    expect(Number(messages.n)).toBeGreaterThan(10);
    console.info(`[fuzz-webhooks] statuses ${JSON.stringify(Object.fromEntries(statuses))}, ${accepted.n} bodies stored, ${messages.n} contact messages`);
  });
});

/**
 * The real process: `omnigate start` (on PostgreSQL when the test cluster runs, else the
 * embedded store) takes a burst of the same hostile webhooks, keeps running and answering,
 * and stops cleanly on SIGTERM; its database is consistent afterwards.
 */
describe('the real gateway process under hostile webhooks', () => {
  let graph: FakeGraph;
  let zalo: FakeZalo;
  let gateway: GatewayProcess | null = null;
  let env: Record<string, string>;

  beforeAll(async () => {
    graph = await startFakeGraph({ pages: { [PAGE]: PAGE_TOKEN } });
    zalo = await startFakeZalo({ appId: Z_APP_ID, appSecret: Z_APP_SECRET, oaId: OA_ID, oaSecretKey: OA_SECRET });
    const tokens = zalo.issueInitialTokens();
    const databaseUrl = postgresAvailable ? await freshPostgresUrl() : undefined;
    env = {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PORT: '0',
      DATA_DIR: await freshDataDir(),
      LOG_LEVEL: 'info',
      MESSENGER_APP_SECRET: APP_SECRET,
      MESSENGER_VERIFY_TOKEN: TEST_SECRETS.verifyToken,
      MESSENGER_PAGES: `${PAGE}:${PAGE_TOKEN}`,
      MESSENGER_GRAPH_URL: graph.url,
      MESSENGER_APP_ID: META_APP_ID,
      ZALO_APP_ID: Z_APP_ID,
      ZALO_APP_SECRET: Z_APP_SECRET,
      ZALO_OA_ID: OA_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: tokens.accessToken,
      ZALO_REFRESH_TOKEN: tokens.refreshToken,
      ZALO_API_URL: zalo.url,
      ZALO_OAUTH_URL: zalo.oauthUrl,
    };
  });
  afterAll(async () => {
    await gateway?.kill();
    await graph?.close();
    await zalo?.close();
  });

  test('stays up, answers 2xx/4xx only, exits 0 on SIGTERM, leaves a consistent database', async () => {
    gateway = await startGatewayProcess(env);
    const url = gateway.url;
    const requests = fc.sample(
      fc.oneof(
        plantedIn(messengerSeeds).map(({ seed, plants }) => ({ channel: 'messenger' as const, body: plant(aimMessenger(seed, 0), plants), sign: true })),
        plantedIn(zaloSeeds).map(({ seed, plants }) => ({ channel: 'zalo' as const, body: plant(aimZalo(seed, 0), plants), sign: true })),
        fc.record({ channel: fc.constantFrom('messenger' as const, 'zalo' as const), body: fc.oneof(hostileValue, deepNesting), sign: fc.boolean() }),
      ),
      { numRuns: 150, seed: FUZZ_SEED },
    );
    const statuses: number[] = [];
    for (const r of requests) {
      const raw = jsonBytes(r.body);
      const headers = !r.sign ? { 'content-type': 'application/json' } : r.channel === 'messenger' ? signWebhook(raw, APP_SECRET) : signZalo(raw, r.body);
      const res = await fetch(`${url}/webhooks/${r.channel}`, { method: 'POST', headers, body: new Uint8Array(raw) });
      await res.arrayBuffer();
      statuses.push(res.status);
      expect(gateway.run.child.exitCode).toBeNull();
    }
    expect(statuses.filter((s) => s >= 500 || s < 200)).toEqual([]);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(10);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    // A clean stop finishes what was stored (the journal drains) and exits 0.
    await gateway.stop();
    expect(gateway.run.child.exitCode).toBe(0);
    gateway = null;
    const store = await openStore({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR! });
    try {
      expect(await journalLeftovers(store.db, 2000)).toEqual([]);
      expect(await dbViolations(store.db)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
