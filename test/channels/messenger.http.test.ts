import type { Bot } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { upsertAgent } from '../../src/store/repos/agents';
import { createMessengerChannel } from '../../channels/messenger';
import { loadMessengerConfig } from '../../channels/messenger/config';
import { startFakeGraph, signedWebhook, textItem, echoOfSent, type FakeGraph } from '../../channels/messenger/simulator';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from './widget-harness';

const PAGE = '104500000000001';
const TOKEN = 'EAAGpagetoken0001';
const SECRET = 'messenger-app-secret-0001';
const APP_ID = '900000000000001';

const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}` }], state: {} }),
};

describe.each(testDatabases().map((d) => [d.kind, d] as const))('Messenger through HTTP on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let graph: FakeGraph;

  beforeEach(async () => {
    graph = await startFakeGraph({ pages: { [PAGE]: TOKEN } });
    const messenger = loadMessengerConfig({
      MESSENGER_APP_SECRET: SECRET,
      MESSENGER_VERIFY_TOKEN: 'verify-token-0001',
      MESSENGER_PAGES: `${PAGE}:${TOKEN}`,
      MESSENGER_GRAPH_URL: graph.url,
      MESSENGER_APP_ID: APP_ID,
    })!;
    const { store } = await database.open();
    gw = await createGateway({ config: testConfig(), store, channels: [createMessengerChannel(messenger, { fetchProfiles: false })], bot: echoBot });
    await createInbox(gw.db, { channel: 'messenger', accountId: PAGE, name: 'Page', botEnabled: true });
    url = await gw.listen();
  });
  afterEach(async () => {
    await gw?.close();
    await graph?.close();
  });

  const post = (body: string, headers: Record<string, string>) => fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
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
    const huge = await fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(5 * 1024 * 1024) }).then((r) => r.status, () => 413);
    expect(huge).toBeGreaterThanOrEqual(400);
    expect(await count('messages')).toBe(0);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  test('613 is retried and delivered once; 551 fails visibly; an agent 25 h later without Human Agent is refused before any call', async () => {
    graph.failNext(1, { code: 613 });
    const first = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000004', text: 'một', mid: 'm_613' })], SECRET);
    await post(first.body, first.headers);
    await waitFor(() => graph.sentMessages()[0], 10_000);
    expect(graph.sentMessages()).toHaveLength(1);

    graph.failNext(1, { code: 551, subcode: 1545041 });
    const second = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: '2400000000000005', text: 'hai', mid: 'm_551' })], SECRET);
    await post(second.body, second.headers);
    const failed = await waitFor(async () => (await gw.db.selectFrom('messages').select(['status', 'error', 'conversation_id']).where('status', '=', 'failed').executeTakeFirst()) ?? undefined);
    expect(failed.error).toMatch(/551|isn.t available/);

    const agent = await upsertAgent(gw.db, { email: 'ha@anphat.vn', name: 'Hà', role: 'admin', password: 'password-123456' });
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ha@anphat.vn', password: 'password-123456' }) });
    const { token } = (await login.json()) as { token: string };
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
  });
});
