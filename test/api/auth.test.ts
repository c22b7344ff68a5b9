import { createGateway, type Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';

const [database] = testDatabases();

describe('agent login and sessions', () => {
  let gw: Gateway;
  let url: string;

  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({ config: testConfig(), store, channels: [] });
    await upsertAgent(gw.db, { email: 'ha@anphat.vn', name: 'Hà', role: 'agent', password: 'mật-khẩu-đúng' });
    await upsertAgent(gw.db, { email: 'lock@anphat.vn', name: 'Lock', role: 'agent', password: 'correct-password' });
    url = await gw.listen();
  });
  afterAll(async () => gw?.close());

  const login = (email: string, password: string) =>
    fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });

  test('login returns a bearer token and the agent; the token opens /auth/me', async () => {
    const res = await login('HA@anphat.vn', 'mật-khẩu-đúng');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; agent: unknown };
    expect(body.agent).toEqual({ id: expect.any(Number), email: 'ha@anphat.vn', name: 'Hà', role: 'agent' });
    expect(res.headers.get('set-cookie')).toMatch(/omnigate_session=.*HttpOnly.*SameSite=Strict/i);
    const me = await fetch(`${url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${body.token}` } });
    expect(me.status).toBe(200);
    const session = await gw.db.selectFrom('agent_sessions').select('token_hash').execute();
    expect(session.map((s) => s.token_hash)).not.toContain(body.token);
  });

  test('wrong password, missing token and bad bodies answer coded JSON errors', async () => {
    const wrong = await login('ha@anphat.vn', 'sai');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: 'GW_ERR_UNAUTHENTICATED', message: 'wrong e-mail or password' } });
    const unknown = await login('nobody@anphat.vn', 'x');
    expect(unknown.status).toBe(401);
    const none = await fetch(`${url}/api/v1/auth/me`);
    expect(none.status).toBe(401);
    const bad = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email": 5}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/email/);
    const broken = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
  });

  test('five wrong passwords lock the account, even for the right password', async () => {
    for (let i = 0; i < 5; i++) expect((await login('lock@anphat.vn', `wrong-${i}`)).status).toBe(401);
    const locked = await login('lock@anphat.vn', 'correct-password');
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('GW_ERR_RATE_LIMITED');
  });

  test('a cookie session needs the CSRF header for changes', async () => {
    const res = await login('ha@anphat.vn', 'mật-khẩu-đúng');
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie } })).status).toBe(403);
    expect((await fetch(`${url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBe(204);
    expect((await fetch(`${url}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(401);
  });
});
