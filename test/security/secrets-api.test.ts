import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import { webhookTargetOf } from '../../app/inbox-bot';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { isSealedDocument } from '../../src/secrets/sealed-json';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { startFakeGraph, type FakeGraph } from '../../channels/messenger/simulator';
import { startFakeZalo, type FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { freshDataDir, freshPostgresUrl, testDatabases } from '../support/databases';
import { TEST_SECRET_KEY, TEST_SECRETS } from '../support/test-secrets';

const S = TEST_SECRETS;
const PAGE = '104500000000888';
const NEW_PAGE = '104500000000889';
const ZALO = { appId: '4300000000000000888', oaId: '579745863508352888', appSecret: S.zaloAppSecret, oaSecretKey: S.zaloOaSecretKey };
const ADMIN = { email: 'admin@anphat.vn', password: S.passwordSecurity };
const AGENT = { email: 'lan@anphat.vn', password: S.password };

/**
 * The whole gateway as `npm start` composes it (Messenger and Zalo against their fakes):
 * whatever an agent or an admin reads over the API, no secret comes back in full, and
 * nothing an admin saves lands in the database in plain text.
 */
describe.each(testDatabases().map((d) => [d.kind] as const))('secrets over the API on %s', (kind) => {
  let gw: Gateway;
  let url: string;
  let graph: FakeGraph;
  let zalo: FakeZalo;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    graph = await startFakeGraph({ pages: { [PAGE]: S.pageToken } });
    zalo = await startFakeZalo(ZALO);
    const seed = zalo.issueInitialTokens();
    gw = await composeGateway(
      loadSettings({
        DATA_DIR: await freshDataDir(),
        ...(kind === 'postgres' ? { DATABASE_URL: await freshPostgresUrl() } : {}),
        PORT: '0',
        LOG_LEVEL: 'silent',
        OMNIGATE_SECRET_KEY: TEST_SECRET_KEY,
        OMNIGATE_ADMIN_EMAIL: ADMIN.email,
        OMNIGATE_ADMIN_PASSWORD: ADMIN.password,
        MESSENGER_APP_SECRET: S.metaAppSecret,
        MESSENGER_VERIFY_TOKEN: S.verifyToken,
        MESSENGER_PAGES: `${PAGE}:${S.pageToken}`,
        MESSENGER_GRAPH_URL: graph.url,
        ZALO_APP_ID: ZALO.appId,
        ZALO_APP_SECRET: ZALO.appSecret,
        ZALO_OA_ID: ZALO.oaId,
        ZALO_OA_SECRET_KEY: ZALO.oaSecretKey,
        ZALO_REFRESH_TOKEN: seed.refreshToken,
        ZALO_API_URL: zalo.url,
        ZALO_OAUTH_URL: zalo.oauthUrl,
      }),
    );
    const agent = await upsertAgent(gw.db, { ...AGENT, name: 'Lan', role: 'agent' });
    url = await gw.listen();
    for (const [who, cred] of [['admin', ADMIN], ['agent', AGENT]] as const) {
      const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cred) });
      tokens[who] = ((await res.json()) as { token: string }).token;
    }
    // the agent works in every inbox, so every inbox's settings reach them
    for (const inbox of await gw.db.selectFrom('inboxes').select('id').execute()) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: agent.id }).execute();
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await graph?.close();
    await zalo?.close();
  });

  const api = async (who: 'admin' | 'agent', method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, text: await res.text() };
  };
  const every = [S.pageToken, S.pageTokenSecurity, S.identitySecretSecurity, S.botSecretSecurity, S.passwordSecurity, S.metaAppSecret, S.verifyToken, S.zaloAppSecret, S.zaloOaSecretKey, TEST_SECRET_KEY];
  const expectNoSecret = (text: string, also: string[] = []) => {
    for (const secret of [...every, ...also]) expect(text).not.toContain(secret);
  };

  test('inbox secrets (identity, webhook bot) are sealed when saved and shown only as "[set]", even to agents', async () => {
    const widget = await api('admin', 'POST', '/inboxes', {
      channel: 'widget',
      accountId: 'shop-secrets',
      name: 'Shop',
      settings: { greeting: 'Xin chào', identitySecret: S.identitySecretSecurity, bot: { type: 'webhook', url: `https://omnigate:${S.passwordSecurity}@bot.example.vn/hook`, secret: S.botSecretSecurity } },
    });
    expect(widget.status).toBe(201);
    expectNoSecret(widget.text);
    const id = (JSON.parse(widget.text) as { id: number }).id;
    await gw.db.insertInto('inbox_members').values({ inbox_id: id, agent_id: (await gw.db.selectFrom('agents').select('id').where('email', '=', AGENT.email).executeTakeFirstOrThrow()).id }).execute();

    for (const who of ['agent', 'admin'] as const) {
      const list = await api(who, 'GET', '/inboxes');
      expect(list.status).toBe(200);
      expectNoSecret(list.text);
      const shop = (JSON.parse(list.text) as { items: { id: number; settings: Record<string, unknown> }[] }).items.find((i) => i.id === id)!;
      expect(shop.settings).toEqual({ greeting: 'Xin chào', identitySecret: '[set]', bot: { type: 'webhook', url: 'https://omnigate:***@bot.example.vn/hook', secret: '[set]' } });
    }
    const row = await gw.db.selectFrom('inboxes').select('settings').where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.settings)).not.toContain(S.identitySecretSecurity);
    expect(JSON.stringify(row.settings)).not.toContain(S.botSecretSecurity);

    // what the API showed, sent back as it is, keeps the secrets
    const shown = (JSON.parse((await api('admin', 'GET', '/inboxes')).text) as { items: { id: number; settings: Record<string, unknown> }[] }).items.find((i) => i.id === id)!;
    const patched = await api('admin', 'PATCH', `/inboxes/${id}`, { settings: { ...shown.settings, bot: { ...(shown.settings.bot as object), url: 'https://bot.example.vn/v2' }, greeting: 'Chào bạn' } });
    expect(patched.status).toBe(200);
    expectNoSecret(patched.text);
    expect(await webhookTargetOf(gw.db, gw.secrets, id)).toEqual({ url: 'https://bot.example.vn/v2', secret: S.botSecretSecurity });
    expect((await gw.directory.findInbox('widget', 'shop-secrets'))?.settings).toMatchObject({ identitySecret: S.identitySecretSecurity, greeting: 'Chào bạn' });
  });

  test('Messenger Page tokens: stored sealed, listed only as a hint', async () => {
    graph.addPage(NEW_PAGE, S.pageTokenSecurity, 'Trang bảo mật');
    const added = await api('admin', 'PUT', `/channels/messenger/pages/${NEW_PAGE}`, { accessToken: S.pageTokenSecurity });
    expect(added.status).toBe(201);
    expectNoSecret(added.text);
    const list = await api('admin', 'GET', '/channels/messenger/pages');
    expect(list.status).toBe(200);
    expectNoSecret(list.text);
    const items = (JSON.parse(list.text) as { items: { pageId: string; tokenHint: string }[] }).items;
    expect(items.map((p) => p.pageId).sort()).toEqual([PAGE, NEW_PAGE]);
    for (const p of items) expect(p.tokenHint.length).toBeLessThan(12);
    const rows = await gw.db.selectFrom('channel_credentials').select('data').where('channel', '=', 'messenger').execute();
    expect(rows.every((r) => isSealedDocument(r.data))).toBe(true);
    expectNoSecret(JSON.stringify(rows));
  });

  test('Zalo token pairs and pending consents: stored sealed, never shown', async () => {
    const fresh = zalo.issueInitialTokens();
    const connected = await api('admin', 'PUT', `/channels/zalo/oas/${ZALO.oaId}`, { refreshToken: fresh.refreshToken });
    expect(connected.status).toBe(200);
    const pair = (await new DbTokenStore(gw.db, gw.store.kind, gw.secrets).load(ZALO.oaId))!;
    expect(pair.refreshToken).toMatch(/^fake-rt-/);
    const pairSecrets = [fresh.refreshToken, pair.accessToken, pair.refreshToken];
    expectNoSecret(connected.text, pairSecrets);
    const consent = await api('admin', 'POST', '/channels/zalo/consent', {});
    expect(consent.status).toBe(201);
    const list = await api('admin', 'GET', '/channels/zalo/oas');
    expectNoSecret(list.text, pairSecrets);
    const rows = await gw.db.selectFrom('channel_credentials').select(['channel', 'data']).where('channel', 'in', ['zalo', 'zalo-consent']).execute();
    expect(rows.map((r) => r.channel).sort()).toEqual(['zalo', 'zalo-consent']);
    expect(rows.every((r) => isSealedDocument(r.data))).toBe(true);
    expectNoSecret(JSON.stringify(rows), pairSecrets);
  });

  test('the generated keys (visitor tokens, upload links) are sealed too; the OpenAPI document names no secret', async () => {
    const rows = await gw.db.selectFrom('gateway_settings').selectAll().where('key', 'like', 'secret:%').execute();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) expect(r.value).toMatch(/^v1:[0-9a-f]{8}:/);
    const openapi = await fetch(`${url}/api/v1/openapi.json`);
    expectNoSecret(await openapi.text());
  });
});
