import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import { seedDemo } from '../../app/demo-seed';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { freshDataDir } from '../support/databases';

describe('FAQ knowledge base over the API', () => {
  let gw: Gateway;
  let url: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', LOG_LEVEL: 'silent' }));
    await seedDemo(gw.db);
    await upsertAgent(gw.db, { email: 'admin@anphat.vn', name: 'Admin', role: 'admin', password: 'password-123456' });
    url = await gw.listen();
    for (const email of ['admin@anphat.vn', 'agent@demo.omnigate.local']) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: email.startsWith('admin') ? 'password-123456' : 'demo-agent-2026' }) });
      tokens[email.split('@')[0]!] = ((await res.json()) as { token: string }).token;
    }
  });
  afterAll(async () => gw?.close());

  const call = async (who: string, method: string, path: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${tokens[who]}`, ...(body !== undefined ? { 'content-type': type } : {}) }, body });
    const text = await res.text();
    let json: Record<string, unknown> & { items?: Record<string, unknown>[]; error?: { code: string; message: string } } = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = { raw: text };
    }
    return { status: res.status, json, text, headers: res.headers };
  };

  test('the demo FAQ is listed; admins add, edit and delete entries; agents cannot', async () => {
    const list = await call('agent', 'GET', '/faq');
    expect(list.json.items!.length).toBeGreaterThanOrEqual(20);
    const created = await call('admin', 'POST', '/faq', JSON.stringify({ id: 'may-suoi', question: 'Có bán máy sưởi không?', variants: ['máy sưởi dầu'], answer: 'Có ạ.', lang: 'vi' }));
    expect(created.status).toBe(201);
    expect((await call('agent', 'POST', '/faq', JSON.stringify({ question: 'x', answer: 'y' }))).status).toBe(403);
    expect((await call('admin', 'POST', '/faq', JSON.stringify({ question: '', answer: 'y' }))).status).toBe(400);
    const patched = await call('admin', 'PATCH', '/faq/may-suoi', JSON.stringify({ answer: 'Có, máy sưởi dầu 2.490.000 ₫.' }));
    expect(patched.json).toMatchObject({ id: 'may-suoi', answer: 'Có, máy sưởi dầu 2.490.000 ₫.', variants: ['máy sưởi dầu'] });
    expect((await call('admin', 'DELETE', '/faq/may-suoi')).status).toBe(204);
    expect((await call('admin', 'DELETE', '/faq/may-suoi')).status).toBe(404);
  });

  test('a malformed CSV import names the line and imports nothing', async () => {
    const before = (await call('agent', 'GET', '/faq')).json.items!.length;
    const csv = 'id,question,variants,answer,lang\nok-1,Câu hỏi một,biến thể a|biến thể b,Trả lời một,vi\nbad-2,,x,Trả lời hai,vi\n';
    const res = await call('admin', 'POST', '/faq/import', csv, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json.error!.message).toMatch(/line 3/);
    expect((await call('agent', 'GET', '/faq')).json.items!.length).toBe(before);
    const badJson = await call('admin', 'POST', '/faq/import', JSON.stringify([{ id: 'j1', question: 'q', answer: 'a', lang: 'vi', variants: [] }, { id: 'j2', question: 'q2', lang: 'xx' }]));
    expect(badJson.status).toBe(400);
    expect(badJson.json.error!.message).toMatch(/entry 2/);
    expect((await call('agent', 'GET', '/faq')).json.items!.length).toBe(before);
  });

  test.each([['abc', /inbox/], ['-1', /inbox/], ['999999', /no inbox 999999/]])('an import for inbox "%s" is refused and imports nothing', async (inbox, message) => {
    const before = (await call('admin', 'GET', '/faq')).json.items!.length;
    const csv = 'id,question,variants,answer,lang\nx-1,Câu hỏi,,Trả lời,vi\n';
    const res = await call('admin', 'POST', `/faq/import?inbox=${inbox}`, csv, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json.error!.message).toMatch(message);
    expect((await call('admin', 'GET', '/faq')).json.items!.length).toBe(before);
  });

  test('a good import is answered by the bot at once; export neutralises spreadsheet formulas', async () => {
    const csv = 'id,question,variants,answer,lang\nformula,Công thức?,,"=cmd|\' /C calc\'!A0",vi\n';
    const res = await call('admin', 'POST', '/faq/import', csv, 'text/csv');
    expect(res.json).toEqual({ imported: 1 });
    const exported = await call('agent', 'GET', '/faq/export?format=csv');
    expect(exported.headers.get('content-disposition')).toMatch(/faq\.csv/);
    expect(exported.text).toContain("'=cmd|");
    expect(exported.text).not.toMatch(/,=cmd/);
    const json = await call('agent', 'GET', '/faq/export?format=json');
    expect(JSON.parse(json.text).find((e: { id: string }) => e.id === 'formula').answer).toBe("=cmd|' /C calc'!A0");
  });

  test("the bot's unanswered questions are listed for supervisors and admins", async () => {
    expect((await call('agent', 'GET', '/faq/unanswered')).status).toBe(403);
    expect((await call('admin', 'GET', '/faq/unanswered')).json).toEqual({ items: [] });
  });
});
