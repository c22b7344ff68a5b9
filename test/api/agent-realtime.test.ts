import { io as ioClient, type Socket } from 'socket.io-client';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import type { AgentClientToServer, AgentServerToClient } from '../../src/realtime/agent-protocol';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';

type AgentSocket = Socket<AgentServerToClient, AgentClientToServer>;
const [database] = testDatabases();

describe('agent realtime namespace', () => {
  let gw: Gateway;
  let url: string;
  const shop = new FakeChannel('shop', 'fake');
  const other = new FakeChannel('other', 'fake2');
  const sockets: AgentSocket[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({ config: testConfig(), store, channels: [shop, other] });
    const a = await createInbox(gw.db, { channel: 'fake', accountId: 'shop', name: 'Shop', botEnabled: false });
    const b = await createInbox(gw.db, { channel: 'fake2', accountId: 'other', name: 'Other', botEnabled: false });
    for (const [key, role, inbox] of [['ha', 'agent', a.id], ['minh', 'agent', b.id], ['sup', 'supervisor', null]] as const) {
      const agent = await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name: key, role, password: 'password-123456' });
      if (inbox) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox, agent_id: agent.id }).execute();
    }
    url = await gw.listen();
    for (const key of ['ha', 'minh', 'sup']) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@anphat.vn`, password: 'password-123456' }) });
      tokens[key] = ((await res.json()) as { token: string }).token;
    }
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
  });

  const connect = (token: string): Promise<AgentSocket> =>
    new Promise((resolve, reject) => {
      const s: AgentSocket = ioClient(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      s.once('connect', () => {
        sockets.push(s);
        setTimeout(() => resolve(s), 300); // rooms are joined right after connect (a database read)
      });
      s.once('connect_error', reject);
    });

  test('an agent receives only what they may see; supervisors see everything', async () => {
    const ha = await connect(tokens.ha!);
    const minh = await connect(tokens.minh!);
    const sup = await connect(tokens.sup!);
    const got: Record<string, number[]> = { ha: [], minh: [], sup: [] };
    for (const [key, s] of [['ha', ha], ['minh', minh], ['sup', sup]] as const) s.on('message', (e) => void got[key]!.push(e.conversationId));
    const inShop = await shop.receive('khach-a', 'Cho hỏi bảo hành');
    const inOther = await other.receive('khach-b', 'Hello');
    await new Promise((r) => setTimeout(r, 300));
    expect(got.ha).toEqual([inShop.conversationId]);
    expect(got.minh).toEqual([inOther.conversationId]);
    expect(got.sup!.sort()).toEqual([inShop.conversationId, inOther.conversationId].sort());
  });

  test('a connection without a valid token is refused', async () => {
    await expect(connect('forged-token')).rejects.toMatchObject({ message: 'UNAUTHENTICATED' });
  });

  test('presence: online on connect, away when set, seen by everyone', async () => {
    const sup = await connect(tokens.sup!);
    const ids = await gw.db.selectFrom('agents').select(['id', 'email']).execute();
    const minhId = ids.find((a) => a.email === 'minh@anphat.vn')!.id;
    const minh = await connect(tokens.minh!);
    expect(gw.presence.get(minhId)).toBe('online');
    const away = new Promise<{ agentId: number; status: string }>((r) => sup.on('presence', (e) => e.status === 'away' && r(e)));
    minh.emit('presence:set', { status: 'away' });
    expect(await away).toEqual({ agentId: minhId, status: 'away' });
    expect(gw.presence.get(minhId)).toBe('away');
    expect(gw.presence.onlineAgentIds().has(minhId)).toBe(false);
  });
});

describe('waiting alerts', () => {
  test('a conversation waiting longer than the inbox setting is announced once to its agents', async () => {
    const { ManualClock } = await import('../../src/core/clock');
    const clock = new ManualClock('2026-05-04T02:00:00Z');
    const { store } = await database!.open();
    const fake = new FakeChannel('alerts', 'fake');
    const gw = await createGateway({ config: testConfig(), store, channels: [fake], clock });
    try {
      const inbox = await createInbox(gw.db, { channel: 'fake', accountId: 'alerts', name: 'Alerts', botEnabled: false, settings: { waitAlertMinutes: 10, routing: 'manual' } });
      const agent = await upsertAgent(gw.db, { email: 'wait@anphat.vn', name: 'W', role: 'agent', password: 'password-123456' });
      await gw.db.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: agent.id }).execute();
      const url = await gw.listen();
      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'wait@anphat.vn', password: 'password-123456' }) });
      const { token } = (await login.json()) as { token: string };
      const socket: AgentSocket = ioClient(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise((r) => socket.once('connect', r as () => void));
      await new Promise((r) => setTimeout(r, 300));
      const notes: { kind: string; conversationId: number }[] = [];
      socket.on('notify', (n) => void notes.push(n));
      const r = await fake.receive('khach', 'có ai không?');
      clock.advance(9 * 60_000);
      expect(await gw.waitAlerts.check()).toEqual([]);
      clock.advance(2 * 60_000);
      expect(await gw.waitAlerts.check()).toEqual([r.conversationId]);
      expect(await gw.waitAlerts.check()).toEqual([]);
      await new Promise((res) => setTimeout(res, 200));
      expect(notes).toEqual([{ kind: 'waiting', conversationId: r.conversationId, text: expect.stringContaining('10 phút') }]);
      socket.close();
    } finally {
      await gw.close();
    }
  });
});
