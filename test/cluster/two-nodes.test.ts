import { randomUUID } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { io as ioClient, type Socket } from 'socket.io-client';
import { createWidgetChannel } from '../../channels/widget';
import type { WidgetMessage } from '../../channels/widget/protocol';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createJobLock } from '../../src/jobs/job-lock';
import { openStore } from '../../src/store/database';
import { migrateToLatest } from '../../src/store/migrate';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import { connectVisitor, newSession, send, sync, type VisitorSocket } from '../channels/widget-harness';
import { freshDataDir, freshPostgresUrl, postgresAvailable } from '../support/databases';
import { freePort } from '../support/postgres-cluster';
import { redisServerAvailable, startRedis } from '../support/redis-server';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

/**
 * issue #9: two gateway nodes on one PostgreSQL and one Redis (Socket.IO's Redis streams
 * adapter). A visitor on node A and an agent on node B talk both ways; node A goes away,
 * the visitor reconnects to node B and misses nothing; every reply reaches the visitor
 * once although both nodes run an outbox dispatcher.
 */
const ready = postgresAvailable && redisServerAvailable();
if (!ready && process.env.CI === 'true') throw new Error('CI=true but PostgreSQL or redis-server is missing: refusing to skip the two-node test');
if (!ready) console.warn('[omnigate tests] PostgreSQL or redis-server unavailable: the two-node test is skipped');

(ready ? describe : describe.skip)('two gateway nodes with Redis and PostgreSQL', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let a: Gateway;
  let b: Gateway;
  let urlA: string;
  let urlB: string;
  const sockets: Socket[] = [];
  let databaseUrl: string;

  const node = async (databaseUrl: string, name: string) => {
    const store = await openStore({ databaseUrl, dataDir: path.join(os.tmpdir(), `omnigate-node-${name}-${randomUUID()}`) });
    const gw = await createGateway({ config: testConfig({ DATA_DIR: path.join(os.tmpdir(), `omnigate-node-${name}`), REDIS_URL: redis.url }), store, channels: [createWidgetChannel()] });
    return { gw, url: await gw.listen() };
  };

  beforeAll(async () => {
    redis = await startRedis();
    databaseUrl = await freshPostgresUrl();
    const setup = await openStore({ databaseUrl, dataDir: os.tmpdir() });
    await migrateToLatest(setup.db as never);
    await createInbox(setup.db, { channel: 'widget', accountId: 'shop', name: 'Shop', botEnabled: false });
    await upsertAgent(setup.db, { email: 'sup@anphat.vn', name: 'Giám sát', role: 'supervisor', password: 'password-123456' });
    await setup.close();
    ({ gw: a, url: urlA } = await node(databaseUrl, 'a'));
    ({ gw: b, url: urlB } = await node(databaseUrl, 'b'));
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  const agentOn = async (url: string) => {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'sup@anphat.vn', password: 'password-123456' }) });
    const { token } = (await res.json()) as { token: string };
    const socket: Socket = ioClient(`${url}/agent`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await new Promise((r) => setTimeout(r, 300)); // rooms are joined right after connect
    return { socket, token };
  };
  const reply = async (url: string, token: string, conversationId: number, text: string) => {
    const res = await fetch(`${url}/api/v1/conversations/${conversationId}/messages`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    expect(res.status).toBe(201);
  };

  test('a visitor on node A and an agent on node B talk both ways; after A goes, the visitor resumes on B without a gap or a double', async () => {
    const agent = await agentOn(urlB);
    const seenByAgent: number[] = [];
    agent.socket.on('message', (e: { conversationId: number }) => void seenByAgent.push(e.conversationId));

    const { json } = await newSession(urlA);
    const visitor: VisitorSocket = await connectVisitor(urlA, json.token);
    sockets.push(visitor as unknown as Socket);
    const gotByVisitor: WidgetMessage[] = [];
    visitor.on('message', (m) => void gotByVisitor.push(m));

    const sent = await send(visitor, 'Xin chào, shop còn hàng không?', randomUUID());
    expect(sent.ok).toBe(true);
    const conversationId = (await b.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    await waitFor(() => seenByAgent.includes(conversationId)); // stored on A, pushed to B's agent through Redis

    await reply(urlB, agent.token, conversationId, 'Dạ còn ạ');
    await waitFor(() => gotByVisitor.some((m) => m.content.type === 'text' && m.content.text === 'Dạ còn ạ'));

    // Node A goes away; the agent keeps writing meanwhile.
    await a.close();
    await reply(urlB, agent.token, conversationId, 'Anh/chị cần size nào ạ?');
    await reply(urlB, agent.token, conversationId, 'Bên em giao trong ngày');
    const again: VisitorSocket = await connectVisitor(urlB, json.token);
    sockets.push(again as unknown as Socket);
    const lastSeen = Math.max(...gotByVisitor.map((m) => m.id));
    await waitFor(async () => (await sync(again, lastSeen)).length === 2);
    const missed = await sync(again, lastSeen);
    expect(missed.map((m) => (m.content.type === 'text' ? m.content.text : ''))).toEqual(['Anh/chị cần size nào ạ?', 'Bên em giao trong ngày']);

    // Both nodes ran an outbox dispatcher: each reply was delivered once.
    const outbox = await b.db.selectFrom('messages').select(['id', 'status']).where('conversation_id', '=', conversationId).where('sender_type', '=', 'agent').execute();
    expect(outbox).toHaveLength(3);
    await waitFor(async () => (await b.db.selectFrom('messages').select('status').where('sender_type', '=', 'agent').execute()).every((m) => m.status !== 'queued'));
    const ids = gotByVisitor.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);

  test('a timed job pass runs on one node at a time (PostgreSQL advisory lock); the next pass may run anywhere', async () => {
    const other = await openStore({ databaseUrl, dataDir: os.tmpdir() });
    try {
      const locks = [createJobLock(b.store), createJobLock(other)];
      let running = 0;
      let most = 0;
      const pass = async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 200));
        running--;
        return 'done';
      };
      const results = await Promise.all([...locks, ...locks].map((once) => once('wait-alerts', pass)));
      expect(results.filter((r) => r === 'done')).toHaveLength(1);
      expect(most).toBe(1);
      // released with its transaction: the other node takes the next pass; another job is independent
      expect(await locks[1]!('wait-alerts', pass)).toBe('done');
      expect(await Promise.all([locks[0]!('auto-resolve', pass), locks[1]!('wait-alerts', pass)])).toEqual(['done', 'done']);
    } finally {
      await other.close();
    }
  });
});

describe('REDIS_URL that cannot be reached', () => {
  test('the node does not start, and says so without the URL or its password', async () => {
    const port = await freePort(); // nothing listens there
    const store = await openStore({ dataDir: await freshDataDir() });
    try {
      const started = createGateway({ config: testConfig({ DATA_DIR: os.tmpdir(), REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}` }), store, channels: [createWidgetChannel()] });
      await expect(started).rejects.toThrow(/^Redis \(REDIS_URL\) could not be reached/);
      await expect(started).rejects.not.toThrow(/s3cret-pass/);
    } finally {
      await store.close();
    }
  });
});
