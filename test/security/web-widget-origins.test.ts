import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { io as ioClient } from 'socket.io-client';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { freshDataDir } from '../support/databases';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const ADMIN = { email: 'admin@shop.vn', password: 'admin-password-123' };
const SHOP = 'https://shop.vn';
const EVIL = 'https://evil.example';

/**
 * The widget's sites, end to end on the production composition: CORS answers, session,
 * uploads and the /widget socket all follow the inbox's `allowedOrigins`; a broken list
 * refuses everyone; the admin API refuses to store one.
 */
describe('widget origins: only the inbox’s sites, closed when in doubt', () => {
  let gw: Gateway;
  let url: string;
  let dataDir: string;
  let shopId: number;
  let adminToken: string;

  beforeAll(async () => {
    dataDir = await freshDataDir();
    gw = await composeGateway(loadSettings({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_ADMIN_EMAIL: ADMIN.email, OMNIGATE_ADMIN_PASSWORD: ADMIN.password }));
    // Inboxes created by the app itself (e.g. for configured channels) must not open CORS for everyone in this test.
    await gw.db.deleteFrom('inboxes').where('channel', '=', 'widget').execute();
    shopId = (await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false, settings: { allowedOrigins: [SHOP, 'https://*.shop.vn'] } })).id;
    await createInbox(gw.db, { channel: 'widget', accountId: 'other', name: 'Other', botEnabled: false, settings: { allowedOrigins: ['https://other.vn'] } });
    url = await gw.listen();
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    adminToken = ((await login.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await gw?.close();
  });

  const preflight = (origin: string, what = 'session') =>
    fetch(`${url}/widget/api/${what}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });
  const session = (origin: string | undefined, inbox = 'shop') =>
    fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) }, body: JSON.stringify({ inbox }) });
  const upload = (token: string, origin: string | undefined) =>
    fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png', 'x-filename': 'a.png', ...(origin ? { origin } : {}) }, body: new Uint8Array(PNG) });
  const tokenFor = async (inbox = 'shop') => ((await (await session(undefined, inbox)).json()) as { token: string }).token;
  const storedFiles = () => (fs.existsSync(path.join(dataDir, 'uploads')) ? fs.readdirSync(path.join(dataDir, 'uploads'), { recursive: true }).length : 0);
  const connect = (token: string, origin: string | undefined, inbox = 'shop') =>
    new Promise<{ ok: true } | { ok: false; code: string; message: string }>((resolve) => {
      const socket = ioClient(`${url}/widget`, { auth: { inbox, token }, transports: ['websocket'], reconnection: false, forceNew: true, ...(origin ? { extraHeaders: { origin } } : {}) });
      socket.once('connect', () => {
        socket.close();
        resolve({ ok: true });
      });
      socket.once('connect_error', (err: Error & { data?: { message?: string } }) => {
        socket.close();
        resolve({ ok: false, code: err.message, message: err.data?.message ?? '' });
      });
    });
  const setStoredSettings = (settings: Record<string, unknown>) =>
    gw.db.updateTable('inboxes').set({ settings: sql`${JSON.stringify(settings)}::jsonb` as never }).where('id', '=', shopId).execute();

  test('preflight: answered for a site some inbox allows (wildcard included), silent for any other', async () => {
    for (const origin of [SHOP, 'https://www.shop.vn', 'https://other.vn']) {
      const res = await preflight(origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      expect(res.headers.get('vary')).toMatch(/origin/i);
    }
    for (const origin of [EVIL, 'http://shop.vn', 'https://shop.vn.evil.example', 'null']) {
      const res = await preflight(origin, 'uploads');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-methods')).toBeNull();
    }
  });

  test('session: a listed site gets it and may read it; another site — even one another inbox allows — is refused unreadably', async () => {
    const ok = await session('https://www.shop.vn');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://www.shop.vn');
    expect(((await ok.json()) as { token?: string }).token).toEqual(expect.any(String));

    for (const origin of [EVIL, 'https://other.vn', 'null']) {
      const refused = await session(origin);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(await refused.json()).toEqual({ error: { code: 'WIDGET_ORIGIN_NOT_ALLOWED', message: 'this site may not embed this inbox' } });
    }
  });

  test('no Origin (not a browser) is served, without any CORS header', async () => {
    const res = await session(undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('uploads: refused from another site before anything is stored; a listed site may upload', async () => {
    const token = await tokenFor();
    const before = storedFiles();
    const refused = await upload(token, EVIL);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('WIDGET_ORIGIN_NOT_ALLOWED');
    expect(storedFiles()).toBe(before);

    const ok = await upload(token, SHOP);
    expect(ok.status).toBe(201);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(storedFiles()).toBeGreaterThan(before);
  });

  test('an expired or forged token is still told so readably on a listed site (the widget renews on 401)', async () => {
    const res = await upload('not-a-token', SHOP);
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  test('/widget socket: a valid token from another site is refused; from a listed site or no browser it connects', async () => {
    const token = await tokenFor();
    expect(await connect(token, EVIL)).toEqual({ ok: false, code: 'WIDGET_ORIGIN_NOT_ALLOWED', message: 'this site may not embed this inbox' });
    expect(await connect(token, 'https://other.vn')).toMatchObject({ ok: false, code: 'WIDGET_ORIGIN_NOT_ALLOWED' });
    expect(await connect(token, 'https://m.shop.vn')).toEqual({ ok: true });
    expect(await connect(token, undefined)).toEqual({ ok: true });
  });

  test('the admin API refuses a malformed list (create and update) and stores nothing; a good one is stored', async () => {
    const api = (method: string, p: string, body: unknown) =>
      fetch(`${url}/api/v1${p}`, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const bad = await api('PATCH', `/inboxes/${shopId}`, { settings: { allowedOrigins: ['https://shop.vn/', '*'] } });
    expect(bad.status).toBe(400);
    const message = ((await bad.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('allowedOrigins.0: "https://shop.vn/" is not written as an origin: use "https://shop.vn"');
    expect(message).toContain('allowedOrigins.1:');
    const stored = await gw.db.selectFrom('inboxes').select('settings').where('id', '=', shopId).executeTakeFirstOrThrow();
    expect(stored.settings.allowedOrigins).toEqual([SHOP, 'https://*.shop.vn']);

    for (const allowedOrigins of ['https://shop.vn', null, ['https://*']]) {
      const created = await api('POST', '/inboxes', { channel: 'widget', accountId: 'broken', name: 'Broken', settings: { allowedOrigins } });
      expect(created.status).toBe(400);
    }
    expect(await gw.db.selectFrom('inboxes').select('id').where('account_id', '=', 'broken').executeTakeFirst()).toBeUndefined();

    const good = await api('PATCH', `/inboxes/${shopId}`, { settings: { allowedOrigins: [SHOP, 'https://*.shop.vn', 'http://localhost:8080'] } });
    expect(good.status).toBe(200);
    expect((await session('http://localhost:8080')).status).toBe(200);
  });

  test('a malformed list already stored fails closed: session, upload, socket and preflight all refuse, with the reason', async () => {
    const token = await tokenFor();
    try {
      await setStoredSettings({ allowedOrigins: 'https://shop.vn' });
      for (const origin of [SHOP, EVIL, undefined]) {
        const res = await session(origin);
        expect(res.status).toBe(403);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('WIDGET_SETTINGS_INVALID');
        expect(body.error.message).toContain('allowedOrigins');
      }
      expect((await upload(token, SHOP)).status).toBe(403);
      expect(await connect(token, SHOP)).toMatchObject({ ok: false, code: 'WIDGET_SETTINGS_INVALID' });
      expect(await connect(token, undefined)).toMatchObject({ ok: false, code: 'WIDGET_SETTINGS_INVALID' });
      expect((await preflight(SHOP)).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await setStoredSettings({ allowedOrigins: [SHOP, 'https://*.shop.vn'] });
    }
  });

  test('an inbox with no list (any site) opens preflights for everyone, but never another inbox’s session', async () => {
    const open = await createInbox(gw.db, { channel: 'widget', accountId: 'open', name: 'Open', botEnabled: false, settings: {} });
    try {
      expect((await preflight(EVIL)).headers.get('access-control-allow-origin')).toBe(EVIL);
      const openSession = await session(EVIL, 'open');
      expect(openSession.status).toBe(200);
      expect(openSession.headers.get('access-control-allow-origin')).toBe(EVIL);
      const shopSession = await session(EVIL, 'shop');
      expect(shopSession.status).toBe(403);
      expect(shopSession.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await gw.db.deleteFrom('inboxes').where('id', '=', open.id).execute();
    }
  });
});
