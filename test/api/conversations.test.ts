import { createGateway, type Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('conversations API on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let shop: FakeChannel;
  let other: FakeChannel;
  const tokens: Record<string, string> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const { store } = await database.open();
    shop = new FakeChannel('shop-account', 'fake');
    other = new FakeChannel('other-account', 'fake2');
    gw = await createGateway({ config: testConfig(), store, channels: [shop, other] });
    const shopInbox = await createInbox(gw.db, { channel: 'fake', accountId: 'shop-account', name: 'Shop', botEnabled: false });
    await createInbox(gw.db, { channel: 'fake2', accountId: 'other-account', name: 'Other', botEnabled: false });
    const team = await gw.db.insertInto('teams').values({ name: 'Kỹ thuật' }).returning('id').executeTakeFirstOrThrow();
    ids.team = team.id;
    for (const [key, role] of [['agent', 'agent'], ['outsider', 'agent'], ['sup', 'supervisor']] as const) {
      const a = await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name: key, role, password: 'password-123456' });
      ids[key] = a.id;
    }
    await gw.db.insertInto('inbox_members').values({ inbox_id: shopInbox.id, agent_id: ids.agent! }).execute();
    url = await gw.listen();
    for (const key of ['agent', 'outsider', 'sup']) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@anphat.vn`, password: 'password-123456' }) });
      tokens[key] = ((await res.json()) as { token: string }).token;
    }
    ids.conv = (await shop.receive('khach-1', 'Máy lạnh nhà tôi không lạnh')).conversationId!;
    ids.otherConv = (await other.receive('khach-2', 'hello')).conversationId!;
  });
  afterAll(async () => gw?.close());

  const call = async (who: string | null, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: res.status === 204 ? ({} as never) : ((await res.json()) as Record<string, unknown> & { items?: Record<string, unknown>[]; error?: { code: string; message: string } }) };
  };

  test('an agent lists only the conversations of their inboxes, with unread counts', async () => {
    const mine = await call('agent', 'GET', '/conversations?status=pending');
    expect(mine.status).toBe(200);
    expect(mine.json.items).toEqual([
      { id: ids.conv, inboxId: expect.any(Number), channel: 'fake', status: 'pending', contact: { id: expect.any(Number), name: null }, assigneeId: null, teamId: null, lastMessageAt: expect.any(String), unread: 1 },
    ]);
    const all = await call('sup', 'GET', '/conversations');
    expect(all.json.items!.map((c) => c.id).sort()).toEqual([ids.conv, ids.otherConv].sort());
    expect((await call('outsider', 'GET', '/conversations')).json.items).toEqual([]);
    expect((await call(null, 'GET', '/conversations')).status).toBe(401);
    expect((await call('agent', 'GET', '/conversations?status=closed')).status).toBe(400);
  });

  test("another inbox's conversation is 404, not 403, for every route", async () => {
    for (const [method, path, body] of [
      ['GET', `/conversations/${ids.otherConv}`, undefined],
      ['GET', `/conversations/${ids.otherConv}/messages`, undefined],
      ['POST', `/conversations/${ids.otherConv}/messages`, { text: 'x' }],
      ['POST', `/conversations/${ids.otherConv}/resolve`, {}],
      ['GET', '/conversations/999999', undefined],
    ] as const) {
      const r = await call('agent', method, path, body);
      expect([r.status, r.json?.error?.code]).toEqual([404, 'GW_ERR_NOT_FOUND']);
    }
  });

  test('reply, private note, assign, transfer, snooze, resolve, reopen', async () => {
    const reply = await call('agent', 'POST', `/conversations/${ids.conv}/messages`, { text: 'Dạ anh cho em xin địa chỉ ạ' });
    expect(reply.status).toBe(201);
    expect(reply.json).toMatchObject({ direction: 'out', senderType: 'agent', private: false, status: 'pending' });
    const note = await call('agent', 'POST', `/conversations/${ids.conv}/messages`, { text: 'khách VIP', private: true });
    expect(note.json).toMatchObject({ private: true, status: 'stored' });
    await gw.dispatcher.idle();
    expect(shop.sentTo('khach-1').map((m) => m.content)).toEqual([{ type: 'text', text: 'Dạ anh cho em xin địa chỉ ạ' }]);

    const assigned = await call('agent', 'POST', `/conversations/${ids.conv}/assign`, { agentId: ids.agent });
    expect(assigned.json).toMatchObject({ status: 'open', assigneeId: ids.agent });
    const transferred = await call('sup', 'POST', `/conversations/${ids.conv}/assign`, { teamId: ids.team, agentId: null, note: 'chuyển kỹ thuật' });
    expect(transferred.json).toMatchObject({ status: 'pending', assigneeId: null, teamId: ids.team });
    const log = await gw.db.selectFrom('conversation_events').select(['type', 'data']).where('conversation_id', '=', ids.conv!).where('type', '=', 'conversation.transferred').execute();
    expect(log).toHaveLength(1);
    expect(log[0]!.data).toMatchObject({ fromAgentId: ids.agent, toTeamId: ids.team, note: 'chuyển kỹ thuật' });

    await call('agent', 'POST', `/conversations/${ids.conv}/assign`, { agentId: ids.agent });
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/snooze`, { until: '2020-01-01' })).status).toBe(400);
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/snooze`, { until: new Date(Date.now() + 3_600_000).toISOString() })).json).toMatchObject({ status: 'snoozed' });
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/resolve`, {})).json).toMatchObject({ status: 'resolved' });
    const again = await call('agent', 'POST', `/conversations/${ids.conv}/resolve`, {});
    expect([again.status, again.json?.error?.code]).toEqual([409, 'GW_ERR_INVALID_TRANSITION']);
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/reopen`, {})).json).toMatchObject({ status: 'open', reopenCount: 1 });

    const messages = await call('agent', 'GET', `/conversations/${ids.conv}/messages`);
    expect(messages.json.items!.map((m) => [m.direction, m.senderType, m.private])).toEqual([
      ['in', 'contact', false],
      ['out', 'agent', false],
      ['out', 'agent', true],
      ['out', 'system', false], // the CSAT survey asked at resolution (src/surveys/)
    ]);
    const read = await call('agent', 'POST', `/conversations/${ids.conv}/read`, { lastReadId: messages.json.items!.at(-1)!.id });
    expect(read.status).toBe(204);
    expect((await call('agent', 'GET', '/conversations')).json.items!.find((c) => c.id === ids.conv)!.unread).toBe(0);
  });

  test('bad bodies answer 400 with a clear message', async () => {
    const empty = await call('agent', 'POST', `/conversations/${ids.conv}/messages`, { text: '' });
    expect(empty.status).toBe(400);
    expect(empty.json.error!.message).toMatch(/text/);
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/assign`, {})).status).toBe(400);
    expect((await call('agent', 'POST', `/conversations/${ids.conv}/assign`, { agentId: 424242 })).status).toBe(400);
    expect((await call('agent', 'GET', '/conversations/abc')).status).toBe(400);
  });

  test('an agent sends an image; it goes out through the channel and the API shows a signed link', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const res = await fetch(`${url}/api/v1/conversations/${ids.conv}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${tokens.agent}`, 'content-type': 'image/png', 'x-filename': 'anh.png' }, body: new Uint8Array(png) });
    expect(res.status).toBe(201);
    const msg = (await res.json()) as { content: { type: string; url: string } };
    expect(msg.content.type).toBe('image');
    expect(msg.content.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/uploads\/[0-9a-f-]{36}\?exp=\d+&sig=/);
    expect(Buffer.from(await (await fetch(msg.content.url)).arrayBuffer())).toEqual(png);
    await gw.dispatcher.idle();
    expect(shop.sentTo('khach-1').at(-1)!.content).toMatchObject({ type: 'image', url: expect.stringMatching(/^upload:\/\//) });
    const bad = await fetch(`${url}/api/v1/conversations/${ids.conv}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${tokens.agent}` }, body: '<html>' });
    expect(bad.status).toBe(400);
  });
});
