import { randomUUID } from 'node:crypto';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { ManualClock } from '../../src/core/clock';
import { createInbox } from '../../src/store/repos/inboxes';
import { upsertAgent } from '../../src/store/repos/agents';
import { createWidgetChannel } from '../../channels/widget';
import { createMessengerChannel } from '../../channels/messenger';
import { loadMessengerConfig } from '../../channels/messenger/config';
import { createZaloChannel } from '../../channels/zalo';
import { loadZaloConfig } from '../../channels/zalo/config';
import { botDecisionRoute } from '../../bots/webhook/decision-route';
import type { ClientToServerEvents, ServerToClientEvents } from '../../channels/widget/protocol';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { TEST_SECRETS } from '../support/test-secrets';

type VisitorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Ack = { ok: boolean; error?: { code: string; message: string; retryAfterSeconds?: number } };

const [database] = testDatabases();
const PASSWORD = TEST_SECRETS.passwordSecurity;

// Small limits so each door is reached in a few requests; the windows are the real kinds (1 m, 15 m, 1 h).
const LIMITS = [
  'login_ip=3/1m',
  'login_pair=2/15m',
  'login_email=4/1h',
  'api_token=5/1m',
  'api_ip=4/1m',
  'bot_decision_ip=3/1m',
  'webhook_ip=3/1m',
  'widget_session_ip=2/1m',
  'widget_message_visitor=3/1m',
  'widget_message_ip=5/1m',
  'widget_offline_visitor=1/15m',
  'upload_visitor=2/10m',
  'upload_ip=3/10m',
].join(',');

/**
 * Every limited door of one gateway answers 429 with a Retry-After equal to what is left of
 * its window (socket events: an ack error with retryAfterSeconds), leaves other addresses,
 * sessions and visitors alone, and lets the caller in again when the window ends. Time is the
 * gateway's injected clock; client addresses come through X-Forwarded-For from loopback, the
 * proxy the default TRUST_PROXY trusts.
 */
describe('rate limits at every door', () => {
  const clock = new ManualClock('2026-03-02T03:00:00Z');
  let gw: Gateway;
  let url: string;
  const sockets: VisitorSocket[] = [];
  let n = 0;
  const nextIp = () => `198.51.100.${++n}`;

  beforeAll(async () => {
    const { store, dataDir } = await database!.open();
    const messenger = createMessengerChannel(
      loadMessengerConfig({
        MESSENGER_APP_SECRET: TEST_SECRETS.metaAppSecret,
        MESSENGER_VERIFY_TOKEN: TEST_SECRETS.verifyToken,
        MESSENGER_PAGES: `104500000000077:${TEST_SECRETS.pageTokenSecurity}`,
        MESSENGER_GRAPH_URL: 'http://127.0.0.1:9',
      })!,
      { fetchProfiles: false },
    );
    const zalo = createZaloChannel(
      loadZaloConfig({
        ZALO_APP_ID: '4000000000000000077',
        ZALO_APP_SECRET: TEST_SECRETS.zaloAppSecret,
        ZALO_OA_ID: '5000000000000000077',
        ZALO_OA_SECRET_KEY: TEST_SECRETS.zaloOaSecretKey,
        ZALO_ACCESS_TOKEN: TEST_SECRETS.zaloAccessTokenSecurity,
        ZALO_REFRESH_TOKEN: TEST_SECRETS.zaloRefreshTokenSecurity,
        ZALO_API_URL: 'http://127.0.0.1:9',
        ZALO_OAUTH_URL: 'http://127.0.0.1:9',
      })!,
      { enrichProfiles: false, refreshCheckEveryMs: 0, clock },
    );
    gw = await createGateway({
      config: testConfig({ DATA_DIR: dataDir, OMNIGATE_RATE_LIMITS: LIMITS }),
      store,
      clock,
      channels: [createWidgetChannel(), messenger, zalo],
      mount: (g) => void g.api.router.use(botDecisionRoute({ inboxOf: async () => null, targetOf: async () => null, apply: async () => false })),
    });
    await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false, settings: {} });
    for (const email of ['an@anphat.vn', 'binh@anphat.vn', 'chi@anphat.vn']) await upsertAgent(gw.db, { email, name: email, role: 'agent', password: PASSWORD });
    url = await gw.listen();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
  });

  const post = (path: string, ip: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const login = (email: string, password: string, ip: string) => post('/api/v1/auth/login', ip, { email, password });
  const me = (ip: string, headers: Record<string, string> = {}) => fetch(`${url}/api/v1/auth/me`, { headers: { 'x-forwarded-for': ip, ...headers } });

  /** The 429 as every HTTP door gives it: Retry-After in whole seconds, the usual error body. */
  async function expectLimited(res: Response, retryAfter: number, message: RegExp): Promise<void> {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(retryAfter));
    expect(await res.json()).toEqual({ error: { code: 'GW_ERR_RATE_LIMITED', message: expect.stringMatching(message), details: { retryAfterSeconds: retryAfter } } });
  }

  async function visitor(socketIp: string): Promise<{ token: string; socket: VisitorSocket }> {
    const session = await post('/widget/api/session', nextIp(), { inbox: 'shop' });
    expect(session.status).toBe(200);
    const { token } = (await session.json()) as { token: string };
    const socket: VisitorSocket = ioClient(`${url}/widget`, { auth: { inbox: 'shop', token }, transports: ['websocket'], extraHeaders: { 'x-forwarded-for': socketIp }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return { token, socket };
  }
  const say = (socket: VisitorSocket, text: string) => new Promise<Ack>((r) => socket.emit('message:send', { clientId: randomUUID(), content: { type: 'text', text } }, (x) => r(x as Ack)));

  test('login per address: Retry-After is what is left of the window; other addresses go on; allowed again after it', async () => {
    const [a, b] = [nextIp(), nextIp()];
    for (let i = 0; i < 3; i++) expect((await login(`nobody${i}@anphat.vn`, 'wrong', a)).status).toBe(401);
    await expectLimited(await login('nobody9@anphat.vn', 'wrong', a), 60, /from this address/);
    clock.advance(45_000);
    await expectLimited(await login('nobody9@anphat.vn', 'wrong', a), 15, /from this address/);
    expect((await login('nobody9@anphat.vn', 'wrong', b)).status).toBe(401);
    clock.advance(15_000);
    expect((await login('nobody9@anphat.vn', 'wrong', a)).status).toBe(401);
  });

  test("a stranger's wrong passwords lock out the stranger's address, never the agent", async () => {
    const [stranger, home] = [nextIp(), nextIp()];
    for (let i = 0; i < 2; i++) expect((await login('an@anphat.vn', `wrong-${i}`, stranger)).status).toBe(401);
    await expectLimited(await login('an@anphat.vn', PASSWORD, stranger), 900, /failed logins from this address/); // even the right password
    expect((await login('an@anphat.vn', PASSWORD, home)).status).toBe(200);
    clock.advance(15 * 60_000);
    expect((await login('an@anphat.vn', PASSWORD, stranger)).status).toBe(200);
  });

  test("guessing from many addresses stops at the e-mail's ceiling; the agent's familiar address still gets in", async () => {
    const home = nextIp();
    expect((await login('binh@anphat.vn', PASSWORD, home)).status).toBe(200); // 1st attempt from an unfamiliar address
    for (let i = 0; i < 3; i++) expect((await login('binh@anphat.vn', `guess-${i}`, nextIp())).status).toBe(401);
    clock.advance(10 * 60_000);
    await expectLimited(await login('binh@anphat.vn', 'guess-3', nextIp()), 50 * 60, /this account from new addresses/);
    expect((await login('binh@anphat.vn', 'typo', home)).status).toBe(401); // a familiar address is not held to the ceiling
    expect((await login('binh@anphat.vn', PASSWORD, home)).status).toBe(200);
  });

  test('the API: one budget per session; calls without a valid session per address, invented tokens included', async () => {
    const ip = nextIp();
    const tokens: string[] = [];
    for (let i = 0; i < 2; i++) tokens.push(((await (await login('chi@anphat.vn', PASSWORD, ip)).json()) as { token: string }).token);
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    for (let i = 0; i < 5; i++) expect((await me(nextIp(), bearer(tokens[0]!))).status).toBe(200);
    await expectLimited(await me(nextIp(), bearer(tokens[0]!)), 60, /this session/);
    expect((await me(ip, bearer(tokens[1]!))).status).toBe(200);

    const [anon, other, inventor] = [nextIp(), nextIp(), nextIp()];
    for (let i = 0; i < 4; i++) expect((await me(anon)).status).toBe(401);
    await expectLimited(await me(anon), 60, /from this address/);
    expect((await me(other)).status).toBe(401);
    for (let i = 0; i < 4; i++) expect((await me(inventor, bearer(`made-up-${i}`))).status).toBe(401);
    await expectLimited(await me(inventor, bearer('made-up-4')), 60, /from this address/);

    clock.advance(60_000);
    expect((await me(nextIp(), bearer(tokens[0]!))).status).toBe(200);
    expect((await me(anon)).status).toBe(401);
  });

  test("external bots' late decisions, per address", async () => {
    const [bot, other] = [nextIp(), nextIp()];
    for (let i = 0; i < 3; i++) expect([400, 401]).toContain((await post('/api/v1/bot/decisions', bot, { conversationId: 1 })).status);
    await expectLimited(await post('/api/v1/bot/decisions', bot, { conversationId: 1 }), 60, /bot decisions from this address/);
    expect((await post('/api/v1/bot/decisions', other, { conversationId: 1 })).status).not.toBe(429);
  });

  test.each(['/webhooks/messenger', '/webhooks/zalo'])('%s: per sending address, before the signature is checked', async (path) => {
    const [junk, platform] = [nextIp(), nextIp()];
    for (let i = 0; i < 3; i++) expect((await post(path, junk, '{"object":"page","entry":[]}')).status).toBe(401);
    await expectLimited(await post(path, junk, '{"object":"page","entry":[]}'), 60, /webhook requests from this address/);
    expect((await post(path, platform, '{"object":"page","entry":[]}')).status).toBe(401);
  });

  test('widget: new visitors per address (Retry-After readable cross-origin); a returning visitor renews freely', async () => {
    const [site, other] = [nextIp(), nextIp()];
    const first = await post('/widget/api/session', site, { inbox: 'shop' });
    const { token } = (await first.json()) as { token: string };
    expect((await post('/widget/api/session', site, { inbox: 'shop' })).status).toBe(200);
    const refused = await post('/widget/api/session', site, { inbox: 'shop' }, { origin: 'https://shop.example' });
    expect(refused.headers.get('access-control-expose-headers')).toBe('Retry-After');
    await expectLimited(refused, 60, /new conversations from this address/);
    expect((await post('/widget/api/session', site, { inbox: 'shop', token })).status).toBe(200);
    expect((await post('/widget/api/session', other, { inbox: 'shop' })).status).toBe(200);
  });

  test('widget messages per visitor and per address: an ack error with retryAfterSeconds', async () => {
    const [cafe, home] = [nextIp(), nextIp()];
    const v1 = await visitor(cafe);
    for (let i = 0; i < 3; i++) expect(await say(v1.socket, `tin ${i}`)).toMatchObject({ ok: true });
    expect(await say(v1.socket, 'tin 3')).toEqual({ ok: false, error: { code: 'WIDGET_RATE_LIMITED', message: 'too many messages; slow down', retryAfterSeconds: 60 } });
    const v2 = await visitor(cafe); // the same address: its fifth message is the last it allows
    expect(await say(v2.socket, 'chào')).toMatchObject({ ok: true });
    expect(await say(v2.socket, 'chào nữa')).toMatchObject({ ok: false, error: { code: 'WIDGET_RATE_LIMITED', retryAfterSeconds: 60 } });
    const v3 = await visitor(home);
    expect(await say(v3.socket, 'xin chào')).toMatchObject({ ok: true });
    clock.advance(60_000);
    expect(await say(v1.socket, 'lại đây')).toMatchObject({ ok: true });
  });

  test('the offline form: once per visitor per window', async () => {
    const { socket } = await visitor(nextIp());
    const offline = () => new Promise<Ack>((r) => socket.emit('offline:submit', { name: 'Lan', message: 'Gọi lại cho tôi' }, (x) => r(x as Ack)));
    expect(await offline()).toEqual({ ok: true });
    expect(await offline()).toEqual({ ok: false, error: { code: 'WIDGET_RATE_LIMITED', message: 'too many offline messages; try again later', retryAfterSeconds: 900 } });
  });

  test('widget uploads per visitor and per address', async () => {
    const [office, elsewhere] = [nextIp(), nextIp()];
    const png = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    const upload = (token: string, ip: string) =>
      fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-forwarded-for': ip }, body: png });
    const a = await visitor(nextIp());
    const b = await visitor(nextIp());
    const c = await visitor(nextIp());
    for (let i = 0; i < 2; i++) expect((await upload(a.token, office)).status).toBe(201);
    await expectLimited(await upload(a.token, office), 600, /too many uploads; try again later/);
    await expectLimited(await upload(b.token, office), 600, /too many uploads from this address/); // the address's fourth
    expect((await upload(c.token, elsewhere)).status).toBe(201);
  });
});
