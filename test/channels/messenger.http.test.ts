import { signedWebhook, signWebhook, textItem, echoOfSent, envelope, metaJson } from '../../channels/messenger/simulator';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { APP_ID, messengerWorld, PAGE, SECRET, TOKEN, type MessengerWorld } from './messenger-harness';
import { openJson } from '../../src/secrets/sealed-json';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('Messenger through HTTP on %s', (_kind, database) => {
  let world: MessengerWorld;
  let gw: MessengerWorld['gw'];
  let url: string;
  let graph: MessengerWorld['graph'];

  beforeEach(async () => {
    world = await messengerWorld(database);
    ({ gw, url, graph } = world);
  });
  afterEach(async () => {
    await world?.close();
  });

  const post = (body: string, headers: Record<string, string>) => world.post(body, headers);
  const count = async (table: 'messages' | 'conversations') => (await gw.db.selectFrom(table).selectAll().execute()).length;

  test("a signed text webhook is stored and the bot's answer reaches the Send API", async () => {
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000001', text: 'Cho hỏi giá tủ lạnh', mid: 'm_1' })], SECRET);
    expect((await post(body, headers)).status).toBe(200);
    const sent = await waitFor(() => graph.sentMessages()[0]);
    expect(sent.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(sent.query)).not.toContain(TOKEN);
    expect(sent.body).toMatchObject({ recipient: { id: '2400000000000001' }, messaging_type: 'RESPONSE', message: { text: 'Bot: Cho hỏi giá tủ lạnh' } });
    const msgs = await gw.db.selectFrom('messages').select(['direction', 'text', 'status', 'external_id']).orderBy('id').execute();
    expect(msgs[0]).toMatchObject({ direction: 'in', text: 'Cho hỏi giá tủ lạnh', external_id: 'm_1' });
    await waitFor(async () => (await gw.db.selectFrom('messages').select('status').where('direction', '=', 'out').executeTakeFirst())?.status === 'sent' || undefined);

    // the echo of our own send confirms delivery and adds nothing
    const echo = echoOfSent(sent, APP_ID)!;
    const signedEcho = signedWebhook(PAGE, [echo], SECRET);
    expect((await post(signedEcho.body, signedEcho.headers)).status).toBe(200);
    await waitFor(async () => (await gw.db.selectFrom('messages').select('status').where('direction', '=', 'out').executeTakeFirst())?.status === 'delivered' || undefined);
    expect(await count('messages')).toBe(2);
  });

  test('the same webhook delivered 20 times concurrently stores one message', async () => {
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000002', text: 'alo', mid: 'm_dup' })], SECRET);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(body, headers).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => graph.sentMessages()[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await gw.db.selectFrom('messages').selectAll().where('direction', '=', 'in').execute()).length).toBe(1);
    expect(graph.sentMessages()).toHaveLength(1);
  });

  test('wrong signatures, malformed bodies and foreign objects store nothing and the process keeps running', async () => {
    const { body } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000003', text: 'x', mid: 'm_bad' })], SECRET);
    expect((await post(body, { 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) })).status).toBe(401);
    expect((await post(body, {})).status).toBe(401);
    const reserialized = JSON.stringify(JSON.parse(body));
    const wrong = signedWebhook(PAGE, [], 'not-the-secret');
    expect((await post(reserialized, wrong.headers)).status).toBe(401);
    const notPage = '{"object":"instagram","entry":[]}';
    const signedNotPage = signedWebhook(PAGE, [], SECRET);
    expect([400, 401]).toContain((await post(notPage, signedNotPage.headers)).status);
    const hugeBody = 'x'.repeat(5 * 1024 * 1024);
    const huge = await fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: signWebhook(hugeBody, SECRET), body: hugeBody });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('GW_ERR_CONTENT_TOO_LARGE');
    const notJson = '{"object":"page","entry":[';
    expect((await post(notJson, signWebhook(notJson, SECRET))).status).toBe(400);
    expect(await count('messages')).toBe(0);
    expect(await gw.db.selectFrom('inbound_events').selectAll().execute()).toEqual([]);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  test('613 is retried and delivered once; 551 fails visibly; an agent 25 h later without Human Agent is refused before any call', async () => {
    graph.failNext(1, { code: 613 });
    const first = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000004', text: 'một', mid: 'm_613' })], SECRET);
    const refusedAt = Date.now();
    await post(first.body, first.headers);
    await waitFor(() => graph.sentMessages()[0], 25_000);
    expect(graph.sentMessages()).toHaveLength(1);
    expect(Date.now() - refusedAt).toBeGreaterThan(9_000); // the Page's 10 s back-off after 613 was honoured

    graph.failNext(1, { code: 551, subcode: 1545041 });
    const second = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000005', text: 'hai', mid: 'm_551' })], SECRET);
    await post(second.body, second.headers);
    const failed = await waitFor(async () => (await gw.db.selectFrom('messages').select(['status', 'error', 'conversation_id']).where('status', '=', 'failed').executeTakeFirst()) ?? undefined);
    expect(failed.error).toMatch(/551|isn.t available/);

    const token = await world.adminToken();
    const agent = await gw.db.selectFrom('agents').select('id').where('email', '=', 'ha@anphat.vn').executeTakeFirstOrThrow();
    const viaApi = await fetch(`${url}/api/v1/conversations/${failed.conversation_id}/messages`, { headers: { authorization: `Bearer ${token}` } });
    const items = ((await viaApi.json()) as { items: { status: string; error: string | null }[] }).items;
    expect(items.find((m) => m.status === 'failed')?.error).toMatch(/551|isn.t available/);

    const conv = (await gw.db.selectFrom('conversations').select('id').where('id', '!=', failed.conversation_id).executeTakeFirstOrThrow()).id;
    await gw.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 25 * 3_600_000) }).where('id', '=', conv).execute();
    const detail = (await (await fetch(`${url}/api/v1/conversations/${conv}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { replyWindow: { canReply: boolean; note: string } };
    expect(detail.replyWindow).toMatchObject({ canReply: false, note: expect.stringMatching(/Human Agent/) });
    const callsBefore = graph.calls.length;
    await gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ em trả lời muộn' }, sender: { type: 'agent', id: agent.id } });
    const refused = await waitFor(async () => (await gw.db.selectFrom('messages').select(['status', 'error']).where('conversation_id', '=', conv).where('sender_type', '=', 'agent').executeTakeFirst())?.status === 'failed' || undefined);
    expect(refused).toBe(true);
    const row = await gw.db.selectFrom('messages').select('error').where('conversation_id', '=', conv).where('sender_type', '=', 'agent').executeTakeFirstOrThrow();
    expect(row.error).toMatch(/24-hour|window/i);
    expect(graph.calls.length).toBe(callsBefore);
    }, 60_000);

  test('a batch of two entries stores both messages, in order', async () => {
    const first = envelope(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000006', text: 'tin một', mid: 'm_b1', timestamp: 1_763_000_000_000 })]) as { entry: object[] };
    const second = envelope(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000006', text: 'tin hai', mid: 'm_b2', timestamp: 1_763_000_001_000 })]) as { entry: object[] };
    const body = metaJson({ object: 'page', entry: [...first.entry, ...second.entry] });
    expect((await post(body, signWebhook(body, SECRET))).status).toBe(200);
    const rows = await waitFor(async () => {
      const r = await gw.db.selectFrom('messages').select(['id', 'text', 'external_id']).where('direction', '=', 'in').orderBy('id').execute();
      return r.length === 2 ? r : undefined;
    });
    expect(rows.map((r) => r.external_id)).toEqual(['m_b1', 'm_b2']);
    expect(await count('conversations')).toBe(1);
  });

  test('unknown event kinds are acknowledged and recorded, nothing else is stored', async () => {
    const item = { sender: { id: '2400000000000007' }, recipient: { id: PAGE }, timestamp: Date.now(), brand_new_feature: { x: 1 } };
    const { body, headers } = signedWebhook(PAGE, [item], SECRET);
    expect((await post(body, headers)).status).toBe(200);
    const journal = await waitFor(async () => (await gw.db.selectFrom('inbound_events').selectAll().where('status', '=', 'done').executeTakeFirst()) ?? undefined);
    expect(journal.body).toBe(body);
    expect(await count('messages')).toBe(0);
    expect(await count('conversations')).toBe(0);
  });

  test('a standby message (another app owns the thread) is stored but never answered', async () => {
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000008', text: 'Tôi đang chat với trang', mid: 'm_standby' })], SECRET, { standby: true });
    expect((await post(body, headers)).status).toBe(200);
    await waitFor(async () => (await gw.db.selectFrom('messages').select('id').where('external_id', '=', 'm_standby').executeTakeFirst()) ?? undefined);
    await waitFor(async () => (await gw.db.selectFrom('inbound_events').select('status').executeTakeFirst())?.status === 'done' || undefined);
    await gw.dispatcher.idle();
    expect(graph.sentMessages()).toEqual([]);
    expect(await gw.db.selectFrom('messages').select('id').where('direction', '=', 'out').execute()).toEqual([]);
  });

  test('a 190 marks the Page as needing reconnection; an admin reconnects it through the API with a new token', async () => {
    graph.failNext(1, { code: 190, subcode: 460 });
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000009', text: 'alo', mid: 'm_190' })], SECRET);
    await post(body, headers);
    const failed = await waitFor(async () => (await gw.db.selectFrom('messages').select(['error']).where('status', '=', 'failed').executeTakeFirst()) ?? undefined);
    expect(failed.error).toMatch(/reconnect the Page/);
    const token = await world.adminToken();
    const api = (path: string, init: RequestInit = {}) => fetch(`${url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });
    const inboxes = (await (await api('/inboxes')).json()) as { items: { accountId: string; connection: { ok: boolean; problem: string | null } }[] };
    expect(inboxes.items.find((i) => i.accountId === PAGE)?.connection).toMatchObject({ ok: false, problem: expect.stringMatching(/reconnect/) });

    // A token for another Page is refused, and so is one Meta does not know.
    graph.addPage('104500000000002', 'EAAGotherpagetoken0000002');
    const wrongPage = await api(`/channels/messenger/pages/${PAGE}`, { method: 'PUT', body: JSON.stringify({ accessToken: 'EAAGotherpagetoken0000002' }) });
    expect(wrongPage.status).toBe(400);
    expect(((await wrongPage.json()) as { error: { message: string } }).error.message).toMatch(/belongs to Page 104500000000002/);
    const unknown = await api(`/channels/messenger/pages/${PAGE}`, { method: 'PUT', body: JSON.stringify({ accessToken: 'EAAGnotatokenmetaknows00' }) });
    expect(unknown.status).toBe(400);

    graph.addPage(PAGE, 'EAAGfreshpagetoken0000001', 'An Phát Điện Máy');
    const reconnected = await api(`/channels/messenger/pages/${PAGE}`, { method: 'PUT', body: JSON.stringify({ accessToken: 'EAAGfreshpagetoken0000001' }) });
    expect(reconnected.status).toBe(200);
    const shown = (await reconnected.json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ pageId: PAGE, source: 'admin', connection: { ok: true } });
    expect(JSON.stringify(shown)).not.toContain('EAAGfreshpagetoken0000001');
    const list = await (await api('/channels/messenger/pages')).text();
    expect(list).not.toContain('EAAGfreshpagetoken0000001');
    expect(list).not.toContain(TOKEN);

    const second = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000009', text: 'còn đó không', mid: 'm_after' })], SECRET);
    await post(second.body, second.headers);
    const sent = await waitFor(() => graph.sentMessages().find((c) => (c.body as { message?: { text?: string } }).message?.text === 'Bot: còn đó không'));
    expect(sent.headers.authorization).toBe('Bearer EAAGfreshpagetoken0000001');
  });

  test('a new Page added through the admin API gets its inbox, and its webhooks are answered with its token', async () => {
    const NEW_PAGE = '104500000000003';
    graph.addPage(NEW_PAGE, 'EAAGnewpagetoken00000003', 'Trang mới');
    const token = await world.adminToken();
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const added = await fetch(`${url}/api/v1/channels/messenger/pages/${NEW_PAGE}`, { method: 'PUT', headers, body: JSON.stringify({ accessToken: 'EAAGnewpagetoken00000003' }) });
    expect(added.status).toBe(201);
    const inbox = await gw.db.selectFrom('inboxes').selectAll().where('account_id', '=', NEW_PAGE).executeTakeFirstOrThrow();
    expect(inbox).toMatchObject({ channel: 'messenger', name: 'Trang mới' });
    const stored = await gw.db.selectFrom('channel_credentials').select('data').where('account_id', '=', NEW_PAGE).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.data)).not.toContain('EAAGnewpagetoken00000003'); // sealed at rest
    expect(openJson(gw.secrets, stored.data)).toMatchObject({ accessToken: 'EAAGnewpagetoken00000003' });

    const { body, headers: signed } = signedWebhook(NEW_PAGE, [textItem({ pageId: NEW_PAGE, psid: '2400000000000010', text: 'xin chào', mid: 'm_new' })], SECRET);
    await post(body, signed);
    const sent = await waitFor(() => graph.sentMessages()[0]);
    expect(sent).toMatchObject({ pageId: NEW_PAGE, headers: { authorization: 'Bearer EAAGnewpagetoken00000003' } });

    expect((await fetch(`${url}/api/v1/channels/messenger/pages/${PAGE}`, { method: 'DELETE', headers })).status).toBe(409);
    expect((await fetch(`${url}/api/v1/channels/messenger/pages/${NEW_PAGE}`, { method: 'DELETE', headers })).status).toBe(204);
    expect((await fetch(`${url}/api/v1/channels/messenger/pages/${NEW_PAGE}`, { method: 'DELETE', headers })).status).toBe(404);
    expect((await fetch(`${url}/api/v1/channels/messenger/pages/abc`, { method: 'PUT', headers, body: '{}' })).status).toBe(400);
  });
});

describe.each(testDatabases().map((d) => [d.kind, d] as const))('Messenger webhooks survive a crash on %s', (_kind, database) => {
  test('a webhook stored but never processed (the process died after the 200) is processed at the next start', async () => {
    const { store } = await database.open();
    const { body } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000011', text: 'tin nhắn trước khi sập', mid: 'm_crash' })], SECRET);
    // Exactly what `accept` leaves behind when the process is killed before processing.
    await store.db.insertInto('inbound_events').values({ channel: 'messenger', body, received_at: new Date(Date.now() - 60_000), lease_until: new Date(Date.now() - 30_000), attempts: 1 }).execute();
    const world = await messengerWorld(database, { store, journal: { recoverAfterMs: 10_000, sweepEveryMs: 100 } });
    try {
      const sent = await waitFor(() => world.graph.sentMessages()[0]);
      expect(sent.body).toMatchObject({ recipient: { id: '2400000000000011' }, message: { text: 'Bot: tin nhắn trước khi sập' } });
      const row = await world.gw.db.selectFrom('inbound_events').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'done', attempts: 2 });
    } finally {
      await world.close();
    }
  });
});

describe('Messenger contact profiles', () => {
  const [database] = testDatabases();
  test('the name and picture are fetched after the first message and stored on the contact, without delaying the bot', async () => {
    const world = await messengerWorld(database!, { fetchProfiles: true, users: { '2400000000000012': { first_name: 'Lan', last_name: 'Nguyễn', profile_pic: 'https://cdn.example.com/lan.jpg' } } });
    try {
      const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000012', text: 'hello', mid: 'm_profile' })], SECRET);
      await world.post(body, headers);
      await waitFor(() => world.graph.sentMessages()[0]);
      const contact = await waitFor(async () => (await world.gw.db.selectFrom('contacts').selectAll().where('name', 'is not', null).executeTakeFirst()) ?? undefined);
      expect(contact).toMatchObject({ name: 'Lan Nguyễn', avatar_url: 'https://cdn.example.com/lan.jpg' });
      expect(world.graph.calls.filter((c) => c.method === 'GET' && c.path.endsWith('/2400000000000012'))).toHaveLength(1);
    } finally {
      await world.close();
    }
  });
});
