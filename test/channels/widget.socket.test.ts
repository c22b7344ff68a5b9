import { randomUUID } from 'node:crypto';
import { openStore } from '../../src/store/database';
import type { Gateway } from '../../src/server/gateway';
import type { WidgetMessage } from '../../channels/widget/protocol';
import { issueToken } from '../../channels/widget/visitor-token';
import { sharedSecret } from '../../src/store/repos/settings';
import { freshDataDir, testDatabases } from '../support/databases';
import { connectVisitor, newSession, openVisitor, send, startWidgetGateway, sync, waitFor, type VisitorSocket } from './widget-harness';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('widget sockets on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  const sockets: VisitorSocket[] = [];

  beforeEach(async () => {
    const { store, dataDir } = await database.open();
    ({ gw, url } = await startWidgetGateway(store, { dataDir }));
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await gw?.close();
  });

  const visitor = () => openVisitor(url, sockets);

  test("a visitor's message is stored once and acknowledged with its id, even when resent", async () => {
    const { socket } = await visitor();
    const clientId = randomUUID();
    const first = await send(socket, 'Xin chào shop', clientId);
    const again = await send(socket, 'Xin chào shop', clientId);
    expect(first.ok).toBe(true);
    expect(first.message?.id).toBeGreaterThan(0);
    expect(first.message?.clientId).toBe(clientId);
    expect(again.message?.id).toBe(first.message?.id);
    const rows = await gw.db.selectFrom('messages').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.text).toBe('Xin chào shop');
  });

  test("a visitor never sees another visitor's conversation, whatever ids they guess", async () => {
    const a = await visitor();
    const b = await visitor();
    const received: WidgetMessage[] = [];
    b.socket.on('message', (m) => void received.push(m));
    const sent = await send(a.socket, 'bí mật của A', randomUUID());
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    await gw.outbound.post(convId, { content: { type: 'text', text: 'trả lời cho A' }, sender: { type: 'system' } });
    await gw.dispatcher.idle();
    // B tries to read from the beginning and with A's message id; the protocol has no conversation id to forge
    expect(await sync(b.socket, 0)).toEqual([]);
    expect(await sync(b.socket, sent.message!.id - 1)).toEqual([]);
    await new Promise<void>((resolve) => b.socket.emit('history:sync', { afterId: 0, conversationId: convId } as never, () => resolve()));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
    expect((await sync(a.socket, 0)).map((m) => m.content)).toEqual([
      { type: 'text', text: 'bí mật của A' },
      { type: 'text', text: 'trả lời cho A' },
    ]);
  });

  test('a forged or expired visitor token is refused at connect with a clear error', async () => {
    const { json } = await newSession(url);
    const forged = `${json.token.split('.')[0]}.${'A'.repeat(43)}`;
    await expect(connectVisitor(url, forged)).rejects.toMatchObject({ message: 'WIDGET_INVALID_TOKEN', data: { message: expect.stringMatching(/invalid or expired/) } });
    const secret = await sharedSecret(gw.db, gw.secrets, 'widget-visitor-tokens');
    const expired = issueToken(secret, 'shop', 'visitor-x', Date.now() - 400 * 24 * 3600 * 1000);
    await expect(connectVisitor(url, expired)).rejects.toMatchObject({ message: 'WIDGET_INVALID_TOKEN' });
    const otherInbox = issueToken(secret, 'another-inbox', 'visitor-y');
    await expect(connectVisitor(url, otherInbox, 'shop')).rejects.toMatchObject({ message: 'WIDGET_INVALID_TOKEN' });
    const session = await newSession(url, { inbox: 'shop', token: forged });
    expect(session.status).toBe(401);
  });

  test('agent messages sent while the visitor was away arrive after reconnect, in order, without duplicates', async () => {
    const { socket, token } = await visitor();
    const first = await send(socket, 'có ai không?', randomUUID());
    const seen = await sync(socket, 0);
    const lastId = seen.at(-1)!.id;
    socket.close();
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    for (let i = 1; i <= 5; i++) await gw.outbound.post(convId, { content: { type: 'text', text: `trả lời ${i}` }, sender: { type: 'system' } });
    await gw.dispatcher.idle();
    const back = await connectVisitor(url, token);
    sockets.push(back);
    const live: WidgetMessage[] = [];
    back.on('message', (m) => void live.push(m));
    const missed = await sync(back, lastId);
    expect(missed.map((m) => (m.content as { text: string }).text)).toEqual(['trả lời 1', 'trả lời 2', 'trả lời 3', 'trả lời 4', 'trả lời 5']);
    const ids = missed.map((m) => m.id);
    expect(new Set(ids).size).toBe(5);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(ids[0]).toBeGreaterThan(first.message!.id);
    expect(live).toEqual([]);
  });

  test('live replies reach every open tab of the visitor', async () => {
    const { socket, token } = await visitor();
    const tab2 = await connectVisitor(url, token);
    sockets.push(tab2);
    await send(socket, 'alo', randomUUID());
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    const got1 = new Promise<WidgetMessage>((r) => socket.once('message', r));
    const got2 = new Promise<WidgetMessage>((r) => tab2.once('message', r));
    await gw.outbound.post(convId, { content: { type: 'text', text: 'dạ em nghe' }, sender: { type: 'system' } });
    expect((await got1).content).toEqual({ type: 'text', text: 'dạ em nghe' });
    expect((await got2).content).toEqual({ type: 'text', text: 'dạ em nghe' });
  });

  test('bad socket payloads get a clear error and store nothing', async () => {
    const { socket } = await visitor();
    const bad = [
      { clientId: 'x', content: { type: 'text', text: 'hi' } },
      { clientId: randomUUID(), content: { type: 'text', text: '' } },
      { clientId: randomUUID(), content: { type: 'text', text: 'a'.repeat(2001) } },
      { clientId: randomUUID(), content: { type: 'hologram' } },
      { clientId: randomUUID(), content: { type: 'upload', uploadId: randomUUID() } },
      null,
    ];
    for (const payload of bad) {
      const r = await new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => socket.emit('message:send', payload as never, (x) => resolve(x as never)));
      expect(r.ok).toBe(false);
      expect(r.error?.message).toBeTruthy();
    }
    expect(await gw.db.selectFrom('messages').selectAll().execute()).toEqual([]);
    expect(await gw.db.selectFrom('conversations').selectAll().execute()).toEqual([]);
  });
});

describe('widget across a server restart (embedded store)', () => {
  test('a restart in the middle loses nothing: history and queued replies survive', async () => {
    const dataDir = await freshDataDir();
    let { gw, url } = await startWidgetGateway(await openStore({ dataDir }), { dataDir });
    const port = Number(new URL(url).port);
    const { json } = await newSession(url);
    let socket = await connectVisitor(url, json.token);
    await send(socket, 'trước khi khởi động lại', randomUUID());
    const convId = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    // queue a reply and stop before the dispatcher can act on it
    await gw.dispatcher.stop();
    await gw.outbound.post(convId, { content: { type: 'text', text: 'trả lời trong lúc khởi động lại' }, sender: { type: 'system' } });
    socket.close();
    await gw.close();

    ({ gw, url } = await startWidgetGateway(await openStore({ dataDir }), { dataDir, port }));
    try {
      socket = await connectVisitor(url, json.token);
      const history = await waitFor(async () => {
        const h = await sync(socket, 0);
        return h.length === 2 ? h : undefined;
      });
      expect(history.map((m) => (m.content as { text: string }).text)).toEqual(['trước khi khởi động lại', 'trả lời trong lúc khởi động lại']);
      await waitFor(async () => (await gw.db.selectFrom('outbox').select('status').executeTakeFirst())?.status === 'sent' || undefined);
      await send(socket, 'sau khi khởi động lại', randomUUID());
      expect((await sync(socket, 0)).length).toBe(3);
    } finally {
      socket.close();
      await gw.close();
    }
  });
});
