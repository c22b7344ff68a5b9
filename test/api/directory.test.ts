import { createGateway, type Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';

const [database] = testDatabases();

describe('agents, teams, inboxes, canned responses, contacts API', () => {
  let gw: Gateway;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({ config: testConfig(), store, channels: [] });
    for (const [key, role] of [['admin', 'admin'], ['agent', 'agent'], ['sup', 'supervisor']] as const) {
      await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name: key, role, password: 'password-123456' });
    }
    url = await gw.listen();
    for (const key of ['admin', 'agent', 'sup']) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@anphat.vn`, password: 'password-123456' }) });
      tokens[key] = ((await res.json()) as { token: string }).token;
    }
  });
  afterAll(async () => gw?.close());

  const call = async (who: string | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> & { items?: Record<string, unknown>[]; error?: { code: string; message: string } } };
  };

  test('admins create teams, inboxes and canned responses; agents may read but not change', async () => {
    const team = await call('admin', 'POST', '/teams', { name: 'Kinh doanh' });
    expect(team.status).toBe(201);
    expect((await call('admin', 'POST', '/teams', { name: 'Kinh doanh' })).status).toBe(400);
    expect((await call('agent', 'POST', '/teams', { name: 'Hacker' })).status).toBe(403);
    expect((await call('sup', 'POST', '/teams', { name: 'Sup team' })).status).toBe(403);
    expect((await call(null, 'GET', '/teams')).status).toBe(401);

    const inbox = await call('admin', 'POST', '/inboxes', { channel: 'widget', accountId: 'web-2', name: 'Website 2', teamId: team.json.id, settings: { routing: 'least_busy', identitySecret: 'super-secret-value-123' } });
    expect(inbox.status).toBe(201);
    expect(inbox.json.settings).toEqual({ routing: 'least_busy', identitySecret: '[set]' });
    expect((await call('admin', 'POST', '/inboxes', { channel: 'widget', accountId: 'web-2', name: 'dup' })).status).toBe(400);
    expect((await call('admin', 'POST', '/inboxes', { channel: 'telegram', accountId: 'x', name: 'x' })).status).toBe(400);
    expect((await call('agent', 'GET', '/inboxes')).json.items).toEqual([]); // not a member
    expect((await call('sup', 'GET', '/inboxes')).json.items).toHaveLength(1);
    const patched = await call('admin', 'PATCH', `/inboxes/${inbox.json.id}`, { botEnabled: false, settings: { greeting: 'Chào bạn' } });
    expect(patched.json).toMatchObject({ botEnabled: false, settings: { routing: 'least_busy', greeting: 'Chào bạn', identitySecret: '[set]' } });

    const canned = await call('admin', 'POST', '/canned-responses', { shortCode: 'chao', content: 'Dạ em chào anh/chị ạ' });
    expect(canned.status).toBe(201);
    expect((await call('agent', 'GET', '/canned-responses')).json.items).toEqual([{ id: canned.json.id, shortCode: 'chao', content: 'Dạ em chào anh/chị ạ' }]);
    expect((await call('admin', 'POST', '/canned-responses', { shortCode: 'có khoảng trắng', content: 'x' })).status).toBe(400);
    expect((await call('admin', 'DELETE', `/canned-responses/${canned.json.id}`)).status).toBe(204);
    expect((await call('admin', 'DELETE', `/canned-responses/${canned.json.id}`)).status).toBe(404);
  });

  test('admins manage agents; passwords are never returned; nobody deletes themselves', async () => {
    const created = await call('admin', 'POST', '/agents', { email: 'New@AnPhat.vn', name: 'Mới', role: 'agent', password: 'password-999999', maxConversations: 3 });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: expect.any(Number), email: 'new@anphat.vn', name: 'Mới', role: 'agent', maxConversations: 3 });
    expect((await call('admin', 'POST', '/agents', { email: 'x@anphat.vn', name: 'x', role: 'agent', password: 'short' })).status).toBe(400);
    const list = await call('agent', 'GET', '/agents');
    expect(JSON.stringify(list.json)).not.toMatch(/password|scrypt/);
    expect(list.json.items!.find((a) => a.email === 'new@anphat.vn')).toMatchObject({ presence: 'offline' });
    expect((await call('agent', 'PATCH', `/agents/${created.json.id}`, { role: 'admin' })).status).toBe(403);
    expect((await call('admin', 'PATCH', `/agents/${created.json.id}`, { role: 'supervisor' })).json).toMatchObject({ role: 'supervisor' });
    const me = list.json.items!.find((a) => a.email === 'admin@anphat.vn')!;
    expect((await call('admin', 'DELETE', `/agents/${me.id}`)).status).toBe(400);
    expect((await call('admin', 'DELETE', `/agents/${created.json.id}`)).status).toBe(204);
  });

  test('a contact is 404 to an agent who cannot see any of its conversations', async () => {
    const c = await gw.db.insertInto('contacts').values({ name: 'Lan', attributes: '{}', updated_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    expect((await call('agent', 'GET', `/contacts/${c.id}`)).status).toBe(404);
    expect((await call('sup', 'GET', `/contacts/${c.id}`)).json).toMatchObject({ name: 'Lan', conversations: [], identities: [] });
  });
});
