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
const PASSWORD = 'socket-access-123';

/**
 * The agents' live connections follow access as the API does (issue #10): what a socket
 * receives changes the moment an admin changes a role or an inbox's members, and a
 * signed-out or re-passworded session loses its connection — without the agent
 * reconnecting. "Did not receive" is read after a barrier: a presence change that every
 * socket receives after whatever was pushed before it.
 */
describe('agent sockets follow access changes', () => {
  let gw: Gateway;
  let url: string;
  const shop = new FakeChannel('shop', 'fake');
  const other = new FakeChannel('other', 'fake2');
  const sockets: AgentSocket[] = [];
  const ids: Record<string, number> = {};
  const tokens: Record<string, string> = {};
  let inboxA = 0;
  let inboxB = 0;

  beforeAll(async () => {
    const { store } = await database!.open();
    gw = await createGateway({ config: testConfig(), store, channels: [shop, other] });
    inboxA = (await createInbox(gw.db, { channel: 'fake', accountId: 'shop', name: 'Shop', botEnabled: false })).id;
    inboxB = (await createInbox(gw.db, { channel: 'fake2', accountId: 'other', name: 'Other', botEnabled: false })).id;
    for (const [key, role, inbox] of [['lan', 'agent', inboxA], ['minh', 'agent', inboxB], ['thu', 'supervisor', null], ['admin', 'admin', null]] as const) {
      ids[key] = (await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name: key, role, password: PASSWORD })).id;
      if (inbox) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox, agent_id: ids[key]! }).execute();
    }
    url = await gw.listen();
    for (const key of ['lan', 'minh', 'thu', 'admin']) tokens[key] = await login(key);
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await gw?.close();
  });

  async function login(key: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${key}@anphat.vn`, password: PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) };
  };

  interface Watched {
    socket: AgentSocket;
    got: number[];
    presence: number;
    disconnected: Promise<string>;
  }

  async function connect(token: string): Promise<Watched> {
    const socket: AgentSocket = ioClient(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    const w: Watched = { socket, got: [], presence: 0, disconnected: new Promise((resolve) => socket.once('disconnect', resolve)) };
    socket.on('message', (e) => void w.got.push(e.conversationId));
    socket.on('presence', () => void w.presence++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await barrier([w]); // its rooms are joined (a database read) before the barrier's event reaches it
    return w;
  }

  let barrierSocket: Watched | null = null;
  let away = false;
  /** Every push made before this call has reached these sockets once it returns. */
  async function barrier(watched: Watched[]): Promise<void> {
    barrierSocket ??= await connectBarrier();
    const before = watched.map((w) => w.presence);
    away = !away;
    barrierSocket.socket.emit('presence:set', { status: away ? 'away' : 'online' });
    const deadline = Date.now() + 5000;
    while (watched.some((w, i) => w.presence === before[i])) {
      if (Date.now() > deadline) throw new Error('barrier event not received');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  async function connectBarrier(): Promise<Watched> {
    const socket: AgentSocket = ioClient(`${url}/agent`, { auth: { token: tokens.admin }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await new Promise((r) => setTimeout(r, 200)); // its own presence ("online") goes out first
    return { socket, got: [], presence: 0, disconnected: new Promise(() => undefined) };
  }

  test('removed from an inbox, an agent stops receiving it; added, another starts — on the open connection', async () => {
    const lan = await connect(tokens.lan!);
    const minh = await connect(tokens.minh!);
    const first = (await shop.receive('khach-1', 'Cho hỏi giá')).conversationId!;
    await barrier([lan, minh]);
    expect(lan.got).toEqual([first]);
    expect(minh.got).toEqual([]);

    expect((await api(tokens.admin!, 'PATCH', `/inboxes/${inboxA}`, { memberIds: [ids.minh] })).status).toBe(200);
    await barrier([lan, minh]);
    const second = (await shop.receive('khach-2', 'Còn hàng không?')).conversationId!;
    await barrier([lan, minh]);
    expect(lan.got).toEqual([first]);
    expect(minh.got).toEqual([second]);
    expect(lan.socket.connected).toBe(true);
  });

  test('a supervisor demoted to agent stops receiving every inbox at once', async () => {
    const thu = await connect(tokens.thu!);
    const before = (await other.receive('khach-3', 'hello')).conversationId!;
    await barrier([thu]);
    expect(thu.got).toEqual([before]);
    expect((await api(tokens.admin!, 'PATCH', `/agents/${ids.thu}`, { role: 'agent' })).status).toBe(200);
    await barrier([thu]);
    await other.receive('khach-3', 'are you there?');
    await shop.receive('khach-4', 'alo');
    await barrier([thu]);
    expect(thu.got).toEqual([before]);
    // The API agrees: the same session no longer lists those conversations.
    const list = await api(tokens.thu!, 'GET', '/conversations');
    expect(list.json!.items).toEqual([]);
  });

  test('signing out closes the connections of that session only', async () => {
    const other = await login('minh');
    const leaving = await connect(other);
    const staying = await connect(tokens.minh!);
    expect((await api(other, 'POST', '/auth/logout')).status).toBe(204);
    expect(await leaving.disconnected).toBe('io server disconnect');
    await barrier([staying]);
    expect(staying.socket.connected).toBe(true);
  });

  test('a new password closes every connection of the agent, and its old tokens stop working', async () => {
    const lan = await connect(tokens.lan!);
    expect((await api(tokens.admin!, 'PATCH', `/agents/${ids.lan}`, { password: 'a-new-password-456' })).status).toBe(200);
    expect(await lan.disconnected).toBe('io server disconnect');
    expect((await api(tokens.lan!, 'GET', '/auth/me')).status).toBe(401);
  });

  test('a deleted agent is disconnected', async () => {
    const token = await login('minh');
    const minh = await connect(token);
    expect((await api(tokens.admin!, 'DELETE', `/agents/${ids.minh}`)).status).toBe(204);
    expect(await minh.disconnected).toBe('io server disconnect');
  });

  test('a conversation can only be assigned to someone who may see it', async () => {
    const conv = (await other.receive('khach-5', 'xin chào')).conversationId!;
    const outsider = await upsertAgent(gw.db, { email: 'ngoai@anphat.vn', name: 'ngoài', role: 'agent', password: PASSWORD });
    const refused = await api(tokens.admin!, 'POST', `/conversations/${conv}/assign`, { agentId: outsider.id });
    expect(refused.status).toBe(400);
    expect((refused.json!.error as { message: string }).message).toMatch(/not a member/);
    expect((await gw.db.selectFrom('conversations').select('assignee_id').where('id', '=', conv).executeTakeFirstOrThrow()).assignee_id).toBeNull();
    expect((await api(tokens.admin!, 'POST', `/conversations/${conv}/assign`, { agentId: ids.admin })).status).toBe(200);
  });
});
