import { io as ioClient } from 'socket.io-client';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { freshDataDir } from '../support/databases';

const ADMIN = { email: 'admin@shop.vn', password: 'admin-password-123' };
const EVIL = 'https://evil.example';

async function startGateway(env: Record<string, string> = {}): Promise<{ gw: Gateway; url: string }> {
  const gw = await composeGateway(
    loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_ADMIN_EMAIL: ADMIN.email, OMNIGATE_ADMIN_PASSWORD: ADMIN.password, ...env }),
  );
  return { gw, url: await gw.listen() };
}

interface Login {
  token: string;
  csrfToken: string;
  setCookie: string;
  cookie: string;
}

async function login(url: string): Promise<Login> {
  const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { token: string; csrfToken: string };
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('omnigate_session='));
  expect(setCookie).toBeDefined();
  return { ...body, setCookie: setCookie!, cookie: setCookie!.split(';')[0]! };
}

const cookieAttributes = (setCookie: string) => setCookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

function connectAgent(url: string, opts: { origin?: string; cookie?: string; token?: string }) {
  return new Promise<{ ok: true } | { ok: false; code: string }>((resolve) => {
    const headers = { ...(opts.origin ? { origin: opts.origin } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) };
    const socket = ioClient(`${url}/agent`, { auth: opts.token ? { token: opts.token } : {}, transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
    socket.once('connect', () => {
      socket.close();
      resolve({ ok: true });
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ ok: false, code: err.message });
    });
  });
}

describe('agent sessions over plain http (PUBLIC_URL not set)', () => {
  let gw: Gateway;
  let url: string;
  let session: Login;

  beforeAll(async () => {
    ({ gw, url } = await startGateway());
    session = await login(url);
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('the session cookie is httpOnly, SameSite=Strict, whole-site, and not Secure (the browser would drop it over http)', () => {
    const attributes = cookieAttributes(session.setCookie);
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('max-age='))).toBe(true);
    expect(attributes).not.toContain('secure');
  });

  describe('CSRF: a cookie alone never changes anything', () => {
    const shortCode = (n: string) => `csrf-${n}`;
    const post = (code: string, headers: Record<string, string>) =>
      fetch(`${url}/api/v1/canned-responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ shortCode: shortCode(code), content: 'xin chào' }) });
    const stored = (code: string) => gw.db.selectFrom('canned_responses').select('id').where('short_code', '=', shortCode(code)).executeTakeFirst();

    test('cookie without X-CSRF-Token: 403, nothing stored', async () => {
      const res = await post('none', { cookie: session.cookie });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('X-CSRF-Token');
      expect(await stored('none')).toBeUndefined();
    });

    test('cookie with a wrong X-CSRF-Token (or another session’s): 403, nothing stored', async () => {
      const other = await login(url);
      for (const csrf of ['wrong', `${session.csrfToken}x`, other.csrfToken]) {
        const res = await post('wrong', { cookie: session.cookie, 'x-csrf-token': csrf });
        expect(res.status).toBe(403);
      }
      expect(await stored('wrong')).toBeUndefined();
    });

    test('cookie with the session’s X-CSRF-Token: it works', async () => {
      const res = await post('right', { cookie: session.cookie, 'x-csrf-token': session.csrfToken });
      expect(res.status).toBe(201);
      expect(await stored('right')).toBeDefined();
    });

    test('a delete with the cookie alone is refused and the row stays', async () => {
      const row = await stored('right');
      const res = await fetch(`${url}/api/v1/canned-responses/${row!.id}`, { method: 'DELETE', headers: { cookie: session.cookie } });
      expect(res.status).toBe(403);
      expect(await stored('right')).toBeDefined();
    });

    test('reads need no CSRF token; bearer-token clients need none at all (a browser never adds that header by itself)', async () => {
      expect((await fetch(`${url}/api/v1/canned-responses`, { headers: { cookie: session.cookie } })).status).toBe(200);
      const res = await post('bearer', { authorization: `Bearer ${session.token}` });
      expect(res.status).toBe(201);
      expect(await stored('bearer')).toBeDefined();
    });
  });

  describe('the /agent socket: our own pages only', () => {
    test('with the session cookie from another site: refused before sign-in (cross-site WebSocket hijacking)', async () => {
      expect(await connectAgent(url, { origin: EVIL, cookie: session.cookie })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
      expect(await connectAgent(url, { origin: 'null', cookie: session.cookie })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
      expect(await connectAgent(url, { origin: EVIL, token: session.token })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
    });

    test('from the gateway’s own origin with the cookie, or from no browser with a token: connected', async () => {
      expect(await connectAgent(url, { origin: url, cookie: session.cookie })).toEqual({ ok: true });
      expect(await connectAgent(url, { token: session.token })).toEqual({ ok: true });
    });

    test('the right origin without a credential is still refused (the origin check adds to sign-in, never replaces it)', async () => {
      expect(await connectAgent(url, { origin: url })).toEqual({ ok: false, code: 'UNAUTHENTICATED' });
    });
  });
});

describe('agent sessions behind https (PUBLIC_URL=https://…)', () => {
  let gw: Gateway;
  let url: string;
  const PUBLIC = 'https://care.shop.vn';

  beforeAll(async () => {
    ({ gw, url } = await startGateway({ PUBLIC_URL: PUBLIC }));
  });
  afterAll(async () => {
    await gw?.close();
  });

  test('the session cookie is also Secure', async () => {
    const attributes = cookieAttributes((await login(url)).setCookie);
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'secure', 'path=/']));
  });

  test('the /agent socket takes PUBLIC_URL’s origin only, not the address it happens to listen on', async () => {
    const { token } = await login(url);
    expect(await connectAgent(url, { origin: PUBLIC, token })).toEqual({ ok: true });
    expect(await connectAgent(url, { origin: url, token })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
    expect(await connectAgent(url, { origin: 'http://care.shop.vn', token })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
    expect(await connectAgent(url, { origin: 'https://chat.shop.vn', token })).toEqual({ ok: false, code: 'ORIGIN_NOT_ALLOWED' });
  });
});
