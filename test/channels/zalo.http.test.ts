import type { Bot } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { createZaloChannel } from '../../channels/zalo';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { testSecretBox } from '../support/test-secrets';
import { loadZaloConfig } from '../../channels/zalo/config';
import { startFakeZalo, type FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { buildFollow, buildUserSubmitInfo, signedWebhookRequest } from '../../channels/zalo/simulator/webhooks';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from './widget-harness';

const APP_ID = '4300000000000000001';
const APP_SECRET = 'zalo-app-secret-0001';
const OA_ID = '579745863508352884';
const OA_SECRET = 'zalo-oa-secret-key-0001';

const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}` }], state: {} }),
};

describe.each(testDatabases().map((d) => [d.kind, d] as const))('Zalo OA through HTTP on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let zalo: FakeZalo;
  let tokenStore: DbTokenStore;

  beforeEach(async () => {
    zalo = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, oaId: OA_ID, oaSecretKey: OA_SECRET });
    const config = loadZaloConfig(zalo.gatewayEnv())!;
    const { store } = await database.open();
    tokenStore = new DbTokenStore(store.db, store.kind, testSecretBox());
    gw = await createGateway({ config: testConfig(), store, channels: [createZaloChannel(config, { enrichProfiles: false, store: tokenStore })], bot: echoBot });
    await createInbox(gw.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: true });
    url = await gw.listen();
  });
  afterEach(async () => {
    await gw?.close();
    await zalo?.close();
  });

  const post = (rawBody: string, headers: Record<string, string>) => fetch(`${url}/webhooks/zalo`, { method: 'POST', headers, body: rawBody });

  test("a signed user_send_text is stored and the bot's answer reaches message/cs as a reply", async () => {
    const hook = zalo.userSendsText('8000000000000000001', 'bảo hành bao lâu?');
    expect((await post(hook.rawBody, hook.headers)).status).toBe(200);
    const sent = await waitFor(() => zalo.sent[0]);
    expect(sent.message).toMatchObject({ text: 'Bot: bảo hành bao lâu?' });
    expect(sent.recipient).toEqual({ message_id: hook.msgId });
    const call = zalo.calls.find((c) => c.path.endsWith('/oa/message/cs'))!;
    expect(call.headers.accessToken).toBeTruthy();
    const stored = await gw.db.selectFrom('messages').select(['direction', 'text', 'external_id']).orderBy('id').execute();
    expect(stored[0]).toEqual({ direction: 'in', text: 'bảo hành bao lâu?', external_id: hook.msgId });
  });

  test('duplicates delivered concurrently store one message; bad signatures and stale timestamps store nothing', async () => {
    const hook = zalo.userSendsText('8000000000000000002', 'alo shop');
    const statuses = await Promise.all(Array.from({ length: 10 }, () => post(hook.rawBody, hook.headers).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await waitFor(() => zalo.sent[0]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await gw.db.selectFrom('messages').selectAll().where('direction', '=', 'in').execute()).length).toBe(1);

    const other = zalo.userSendsText('8000000000000000003', 'giả mạo');
    expect((await post(other.rawBody, { ...other.headers, 'x-zevent-signature': 'mac=' + 'a'.repeat(64) })).status).toBe(401);
    const stale = zalo.userSendsText('8000000000000000003', 'cũ', { timestamp: Date.now() - 10 * 60_000 });
    expect((await post(stale.rawBody, stale.headers)).status).toBe(401);
    expect((await post('{not json', { 'content-type': 'application/json' })).status).toBeGreaterThanOrEqual(400);
    expect((await gw.db.selectFrom('messages').selectAll().where('direction', '=', 'in').execute()).length).toBe(1);
  });

  test('a follow creates the contact; user_submit_info fills its phone', async () => {
    const follow = signedWebhookRequest(buildFollow({ appId: APP_ID, oaId: OA_ID, userId: '8000000000000000009' }), OA_SECRET);
    expect((await post(follow.rawBody, follow.headers)).status).toBe(200);
    const contact = await waitFor(async () => (await gw.db.selectFrom('contacts').selectAll().executeTakeFirst()) ?? undefined);
    expect(contact.attributes).toEqual({ zaloFollower: true });
    const info = signedWebhookRequest(buildUserSubmitInfo({ appId: APP_ID, oaId: OA_ID, userId: '8000000000000000009', info: { name: 'Trần Văn Bình', phone: '0912345678' } }), OA_SECRET);
    expect((await post(info.rawBody, info.headers)).status).toBe(200);
    const filled = await waitFor(async () => (await gw.db.selectFrom('contacts').selectAll().where('phone', 'is not', null).executeTakeFirst()) ?? undefined);
    expect(filled).toMatchObject({ name: 'Trần Văn Bình', phone: '0912345678' });
    expect((await gw.db.selectFrom('contacts').selectAll().execute()).length).toBe(1);
  });

  test('−230 and −213 are visible failures; −32 is retried; a send 8 days late is refused before any call', async () => {
    zalo.setUserError('8000000000000000004', -230);
    const a = zalo.userSendsText('8000000000000000004', 'một');
    await post(a.rawBody, a.headers);
    const failed = await waitFor(async () => (await gw.db.selectFrom('messages').select(['error']).where('status', '=', 'failed').executeTakeFirst()) ?? undefined);
    expect(failed.error).toMatch(/-230|−230|7 days/);
    zalo.setUserError('8000000000000000006', -213);
    const c = zalo.userSendsText('8000000000000000006', 'ba');
    await post(c.rawBody, c.headers);
    const notFollower = await waitFor(async () => (await gw.db.selectFrom('messages').select(['error']).where('status', '=', 'failed').where('error', 'like', '%213%').executeTakeFirst()) ?? undefined);
    expect(notFollower.error).toMatch(/follow/i);

    zalo.failNext(1, -32, { path: '/v3.0/oa/message/cs' });
    const b = zalo.userSendsText('8000000000000000005', 'hai');
    const refusedAt = Date.now();
    await post(b.rawBody, b.headers);
    await waitFor(() => zalo.sent.find((m) => m.userId === '8000000000000000005'), 25_000);
    expect(Date.now() - refusedAt).toBeGreaterThan(9_000); // the OA's 10 s back-off after −32 was honoured

    const conv = await gw.db.selectFrom('conversations as c').innerJoin('contact_identities as ci', 'ci.contact_id', 'c.contact_id').select('c.id').where('ci.external_id', '=', '8000000000000000005').executeTakeFirstOrThrow();
    await gw.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 8 * 24 * 3_600_000) }).where('id', '=', conv.id).execute();
    const callsBefore = zalo.calls.length;
    await gw.outbound.post(conv.id, { content: { type: 'text', text: 'trả lời muộn' }, sender: { type: 'system' } });
    const late = await waitFor(async () => {
      const m = await gw.db.selectFrom('messages').select(['status', 'error']).where('conversation_id', '=', conv.id).where('sender_type', '=', 'system').executeTakeFirst();
      return m?.status === 'failed' ? m : undefined;
    });
    expect(late.error).toMatch(/7 days|7 ngày/i);
    expect(zalo.calls.length).toBe(callsBefore);
    }, 60_000);

  test('tokens expiring during a burst of 50 replies: one refresh, each reply delivered once, the rotated pair persisted', async () => {
    const hook = zalo.userSendsText('8000000000000000007', 'cần tư vấn');
    await post(hook.rawBody, hook.headers);
    await waitFor(() => zalo.sent.find((m) => m.userId === '8000000000000000007'));
    const before = await tokenStore.load(OA_ID);
    const conv = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    const refreshesBefore = zalo.refreshCount;
    zalo.expireAccessTokens();
    for (let i = 1; i <= 50; i++) await gw.outbound.post(conv, { content: { type: 'text', text: `tin ${i}` }, sender: { type: 'system' } });
    await waitFor(() => (zalo.sent.filter((m) => /^tin \d+$/.test(String(m.message.text))).length === 50 ? true : undefined), 20_000);
    const texts = zalo.sent.map((m) => String(m.message.text)).filter((t) => /^tin \d+$/.test(t));
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `tin ${i + 1}`));
    expect(zalo.refreshCount - refreshesBefore).toBe(1);
    const after = await tokenStore.load(OA_ID);
    expect(after?.refreshToken).toBeTruthy();
    expect(after?.refreshToken).not.toBe(before?.refreshToken ?? 'seed');
    // a restarted gateway reads the rotated pair from the database, not the stale env seed
    const reread = await new DbTokenStore(gw.db, gw.store.kind, gw.secrets).load(OA_ID);
    expect(reread).toEqual(after);
  });
});
