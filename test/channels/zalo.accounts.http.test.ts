import type { Bot } from '../../src/core/bot';
import { HOUR, ManualClock } from '../../src/core/clock';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { upsertAgent } from '../../src/store/repos/agents';
import { createZaloChannel, type ZaloChannel } from '../../channels/zalo';
import { zaloAdminRoutes } from '../../channels/zalo/admin-routes';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { testSecretBox } from '../support/test-secrets';
import { loadZaloConfig } from '../../channels/zalo/config';
import { startFakeZalo, type FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { buildUserSendText, newZaloMessageId, signedWebhookRequest } from '../../channels/zalo/simulator/webhooks';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

const APP_ID = '4300000000000000001';
const APP_SECRET = 'zalo-app-secret-0001';
const OA_ID = '579745863508352884';
const OA2 = '579745863508352999';
const OA_SECRET = 'zalo-oa-secret-key-0001';

const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}` }], state: {} }),
};

/** Several OAs, token upkeep and reconnection: the gateway with the Zalo admin routes, against the fake Zalo. */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('Zalo OAs and their tokens on %s', (_kind, database) => {
  let gw: Gateway;
  let url: string;
  let zalo: FakeZalo;
  let clock: ManualClock;
  let channel: ZaloChannel;
  let tokenStore: DbTokenStore;
  let adminToken: string;

  beforeEach(async () => {
    clock = new ManualClock(new Date());
    zalo = await startFakeZalo({ appId: APP_ID, appSecret: APP_SECRET, oaId: OA_ID, oaSecretKey: OA_SECRET, now: () => clock.now().getTime() });
    const seed = zalo.issueInitialTokens();
    const config = loadZaloConfig({
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_OA_ID: OA_ID,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_REFRESH_TOKEN: seed.refreshToken,
      ZALO_API_URL: zalo.url,
      ZALO_OAUTH_URL: zalo.oauthUrl,
    })!;
    const { store, dataDir } = await database.open();
    tokenStore = new DbTokenStore(store.db, store.kind, testSecretBox());
    await createInbox(store.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: true });
    channel = createZaloChannel(config, { enrichProfiles: false, store: tokenStore, clock, refreshCheckEveryMs: 0 });
    gw = await createGateway({
      config: testConfig({ DATA_DIR: dataDir }),
      store,
      channels: [channel],
      bot: echoBot,
      mount: (g) => {
        const routes = zaloAdminRoutes({ db: g.db, api: g.api, channel, publicUrl: () => g.publicUrl(), secrets: g.secrets });
        g.api.router.use(routes.api);
        g.routes.use(routes.callback);
      },
    });
    url = await gw.listen();
    await upsertAgent(gw.db, { email: 'admin@anphat.vn', name: 'Quản trị', role: 'admin', password: 'password-123456' });
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@anphat.vn', password: 'password-123456' }) });
    adminToken = ((await login.json()) as { token: string }).token;
  });
  afterEach(async () => {
    await gw?.close();
    await zalo?.close();
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${url}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers } });
  const connectionOf = async (oaId: string) =>
    ((await (await api('/inboxes')).json()) as { items: { accountId: string; connection: { ok: boolean; problem: string | null } }[] }).items.find((i) => i.accountId === oaId)?.connection;
  const webhook = (body: Record<string, unknown>) => {
    const { rawBody, headers } = signedWebhookRequest(body, OA_SECRET);
    return fetch(`${url}/webhooks/zalo`, { method: 'POST', headers, body: rawBody });
  };

  test('tokens are refreshed ahead of expiry without any message being sent, and the new pair is stored first', async () => {
    await channel.refreshDueTokens(); // the env seed has an unknown age: spent and stored at once
    const first = await tokenStore.load(OA_ID);
    expect(first?.refreshToken).toBeTruthy();
    const refreshes = zalo.refreshCount;
    clock.advance(6 * HOUR);
    await channel.refreshDueTokens();
    expect(zalo.refreshCount).toBe(refreshes); // fresh: nothing to do
    clock.advance(7 * HOUR); // 13 h into a 25 h token
    await channel.refreshDueTokens();
    expect(zalo.refreshCount).toBe(refreshes + 1);
    const second = await tokenStore.load(OA_ID);
    expect(second?.refreshToken).not.toBe(first?.refreshToken);
    expect(second!.expiresAt.getTime()).toBeGreaterThan(clock.now().getTime() + 24 * HOUR);
    expect((await connectionOf(OA_ID))?.ok).toBe(true);
  });

  test('a refused refresh token marks the OA as needing reconnection; an admin reconnects it with a new refresh token', async () => {
    await channel.refreshDueTokens();
    zalo.revokeAll();
    clock.advance(13 * HOUR);
    await channel.refreshDueTokens();
    expect(await connectionOf(OA_ID)).toMatchObject({ ok: false, problem: expect.stringMatching(/reconnect the OA/) });
    const refreshes = zalo.refreshCount;
    await channel.refreshDueTokens(); // the dead refresh token is not tried again
    expect(zalo.refreshCount).toBe(refreshes);

    const bad = await api(`/channels/zalo/oas/${OA_ID}`, { method: 'PUT', body: JSON.stringify({ refreshToken: 'not-a-real-refresh-token' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/Zalo did not accept/);

    const fresh = zalo.issueInitialTokens();
    const ok = await api(`/channels/zalo/oas/${OA_ID}`, { method: 'PUT', body: JSON.stringify({ refreshToken: fresh.refreshToken }) });
    expect(ok.status).toBe(200);
    const shown = await ok.text();
    expect(shown).not.toContain(fresh.refreshToken);
    expect(await connectionOf(OA_ID)).toEqual({ ok: true, problem: null, since: null });

    const hook = zalo.userSendsText('8000000000000000101', 'còn hàng không?', { timestamp: clock.now().getTime() });
    const res = await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody });
    expect(res.status).toBe(200);
    expect((await waitFor(() => zalo.sent[0])).message).toMatchObject({ text: 'Bot: còn hàng không?' });
  });

  test('permission_revoked marks the OA as needing reconnection, visibly', async () => {
    const res = await webhook({ app_id: APP_ID, oa_id: OA_ID, event_name: 'permission_revoked', timestamp: String(clock.now().getTime()) });
    expect(res.status).toBe(200);
    const connection = await waitFor(async () => {
      const c = await connectionOf(OA_ID);
      return c?.ok === false ? c : undefined;
    });
    expect(connection.problem).toMatch(/revoked/);
  });

  test('a second OA connected through the consent link gets its inbox and is answered with its own token', async () => {
    const consent = await api('/channels/zalo/consent', { method: 'POST', body: '{}' });
    expect(consent.status).toBe(201);
    const { url: link, redirectUri } = (await consent.json()) as { url: string; redirectUri: string };
    expect(redirectUri).toBe(`${url}/zalo/oauth/callback`);
    const params = new URL(link).searchParams;
    expect(params.get('app_id')).toBe(APP_ID);
    // The admin approves on Zalo's page; Zalo sends their browser back with a code.
    const code = zalo.createAuthorizationCode(params.get('code_challenge')!);
    const callback = `${url}/zalo/oauth/callback?code=${encodeURIComponent(code)}&oa_id=${OA2}&state=${params.get('state')}`;
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Zalo OA connected');
    expect((await fetch(callback)).status).toBe(400); // the state is single-use

    const inbox = await gw.db.selectFrom('inboxes').selectAll().where('account_id', '=', OA2).executeTakeFirstOrThrow();
    expect(inbox.channel).toBe('zalo');
    const pair = await tokenStore.load(OA2);
    const listed = (await (await api('/channels/zalo/oas')).json()) as { items: { oaId: string; source: string }[] };
    expect(listed.items.map((i) => [i.oaId, i.source])).toEqual(expect.arrayContaining([[OA_ID, 'environment'], [OA2, 'admin']]));

    const msgId = newZaloMessageId();
    zalo.registerInboundMessage(msgId, '8000000000000000202');
    const res = await webhook(buildUserSendText({ appId: APP_ID, oaId: OA2, userId: '8000000000000000202', text: 'xin chào OA hai', msgId, timestamp: clock.now().getTime() }));
    expect(res.status).toBe(200);
    const sent = await waitFor(() => zalo.sent.find((m) => m.message.text === 'Bot: xin chào OA hai'));
    expect(sent.userId).toBe('8000000000000000202');
    const call = zalo.calls.filter((c) => c.path.endsWith('/oa/message/cs')).at(-1)!;
    expect(call.headers.accessToken).toBe(pair!.accessToken);
    const conv = await gw.db.selectFrom('conversations').select('inbox_id').executeTakeFirstOrThrow();
    expect(conv.inbox_id).toBe(inbox.id);
  });

  test("an agent's attached image reaches Zalo as a signed link to the gateway that the platform can fetch", async () => {
    const hook = zalo.userSendsText('8000000000000000404', 'gửi ảnh giúp mình', { timestamp: clock.now().getTime() });
    await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody });
    await waitFor(() => zalo.sent[0]);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const upload = await gw.uploads.save(png, 'bao-gia.png', 'agent:1');
    const conv = (await gw.db.selectFrom('conversations').select('id').executeTakeFirstOrThrow()).id;
    await gw.outbound.post(conv, { content: { type: 'image', url: `upload://${upload.id}` }, sender: { type: 'system' } });
    const image = await waitFor(() => zalo.sent.find((m) => JSON.stringify(m.message).includes('/uploads/')));
    const link = JSON.stringify(image.message).match(/"url":"([^"]+)"/)![1]!;
    expect(link.startsWith(`${url}/uploads/${upload.id}`)).toBe(true);
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(png);
  });

  test('events for an OA this gateway does not serve are acknowledged and ignored; a bad callback is refused', async () => {
    const res = await webhook(buildUserSendText({ appId: APP_ID, oaId: '111111111111111111', userId: '8000000000000000303', text: 'lạc đường', timestamp: clock.now().getTime() }));
    expect(res.status).toBe(200);
    await waitFor(async () => (await gw.db.selectFrom('inbound_events').select('status').executeTakeFirst())?.status === 'done' || undefined);
    expect(await gw.db.selectFrom('messages').selectAll().execute()).toEqual([]);
    expect((await fetch(`${url}/zalo/oauth/callback?code=x&oa_id=1&state=unknown-state-000000`)).status).toBe(400);
    expect((await fetch(`${url}/zalo/oauth/callback?code=<script>&oa_id=1&state=x`)).status).toBe(400);
  });
});
