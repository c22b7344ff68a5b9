import { createHmac, randomBytes } from 'node:crypto';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { sharedSecret } from '../../src/store/repos/settings';
import { toJson } from '../../src/store/json';
import type { Store } from '../../src/store/database';
import { SecretBoxError } from '../../src/secrets/secret-box';
import { sealSecretsAtRest } from '../../src/secrets/seal-at-rest';
import { sealSecretFields } from '../../src/secrets/secret-fields';
import { isSealedDocument } from '../../src/secrets/sealed-json';
import { createWidgetChannel } from '../../channels/widget';
import { DbPageStore } from '../../channels/messenger/db-page-store';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { webhookTargetOf } from '../../app/inbox-bot';
import { createLogger } from '../../src/server/logger';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { TEST_SECRETS, testSecretBox } from '../support/test-secrets';

const S = TEST_SECRETS;
const PAGE = '104500000000777';
const OA = '579745863508352777';
const pair = { accessToken: S.zaloAccessTokenSecurity, refreshToken: S.zaloRefreshTokenSecurity, expiresAt: new Date('2030-01-01T00:00:00Z'), issuedAt: new Date('2029-12-31T00:00:00Z') };
const botSettings = { type: 'webhook', url: 'https://bot.example.vn/hook', secret: S.botSecretSecurity };

/** Everything the gateway keeps in the three tables that hold secrets, as the database returns it. */
async function rawSecretsTables(db: Gateway['db']): Promise<string> {
  const rows = await Promise.all([
    db.selectFrom('channel_credentials').selectAll().execute(),
    db.selectFrom('inboxes').select(['id', 'settings']).execute(),
    db.selectFrom('gateway_settings').selectAll().execute(),
  ]);
  return JSON.stringify(rows);
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('secrets at rest on %s', (_kind, database) => {
  let store: Store;
  let gw: Gateway | undefined;
  const start = async (config: Record<string, string> = {}) => (gw = await createGateway({ config: testConfig(config), store, channels: [createWidgetChannel()] }));

  beforeEach(async () => {
    ({ store } = await database.open());
  });
  afterEach(async () => {
    if (gw) await gw.close();
    else await store.close();
    gw = undefined;
  });

  test('saved through the normal paths, no token or secret is readable in the database; read back, all still work', async () => {
    const g = await start();
    const pages = new DbPageStore(g.db, g.secrets);
    await pages.save({ pageId: PAGE, accessToken: S.pageTokenSecurity, name: 'An Phát' });
    const tokens = new DbTokenStore(g.db, g.store.kind, g.secrets);
    await tokens.save(OA, pair);
    const visitorKey = await sharedSecret(g.db, g.secrets, 'widget-visitor-tokens');
    // inbox secrets arrive through the admin API (see secrets-api.test.ts); the sealing step it uses:
    const inbox = await createInbox(g.db, { channel: 'widget', accountId: 'shop', name: 'Shop', settings: sealSecretFields(g.secrets, { identitySecret: S.identitySecretSecurity, bot: botSettings }) });

    const raw = await rawSecretsTables(g.db);
    for (const secret of [S.pageTokenSecurity, S.zaloAccessTokenSecurity, S.zaloRefreshTokenSecurity, S.identitySecretSecurity, S.botSecretSecurity, visitorKey.toString('base64')]) expect(raw).not.toContain(secret);
    const credentials = await g.db.selectFrom('channel_credentials').select('data').execute();
    expect(credentials.every((r) => isSealedDocument(r.data))).toBe(true);

    expect(await pages.list()).toEqual([{ pageId: PAGE, accessToken: S.pageTokenSecurity, name: 'An Phát' }]);
    expect(await tokens.load(OA)).toEqual(pair);
    expect(await sharedSecret(g.db, g.secrets, 'widget-visitor-tokens')).toEqual(visitorKey);
    expect((await g.directory.findInbox('widget', 'shop'))?.settings).toMatchObject({ identitySecret: S.identitySecretSecurity });
    expect(await webhookTargetOf(g.db, g.secrets, inbox.id)).toEqual({ url: botSettings.url, secret: S.botSecretSecurity });
  });

  test('an install from before sealing is upgraded at start: plain rows sealed, every secret still usable', async () => {
    // What an earlier version left: plain keys, tokens and inbox secrets.
    const uploadKey = randomBytes(32).toString('base64');
    const visitorKey = randomBytes(32).toString('base64');
    await store.db.insertInto('gateway_settings').values([{ key: 'secret:uploads', value: uploadKey }, { key: 'secret:widget-visitor-tokens', value: visitorKey }]).execute();
    await store.db
      .insertInto('channel_credentials')
      .values([
        { channel: 'messenger', account_id: PAGE, data: toJson({ accessToken: S.pageTokenSecurity, name: 'An Phát' }), updated_at: new Date() },
        { channel: 'zalo', account_id: OA, data: toJson({ ...pair, expiresAt: pair.expiresAt.toISOString(), issuedAt: pair.issuedAt.toISOString() }), updated_at: new Date() },
        { channel: 'zalo-consent', account_id: 'state-0123456789abcdef', data: toJson({ codeVerifier: 'pkce-code-verifier-0123456789' }), updated_at: new Date() },
      ])
      .execute();
    const inbox = await createInbox(store.db, { channel: 'widget', accountId: 'shop', name: 'Shop', settings: { greeting: 'Xin chào', identitySecret: S.identitySecretSecurity, bot: botSettings } });

    const g = await start();
    const raw = await rawSecretsTables(g.db);
    for (const secret of [uploadKey, visitorKey, S.pageTokenSecurity, S.zaloAccessTokenSecurity, S.zaloRefreshTokenSecurity, 'pkce-code-verifier-0123456789', S.identitySecretSecurity, S.botSecretSecurity]) {
      expect(raw).not.toContain(secret);
    }
    // still the same secrets: visitor tokens and upload links issued before the upgrade stay valid
    expect((await sharedSecret(g.db, g.secrets, 'widget-visitor-tokens')).toString('base64')).toBe(visitorKey);
    expect((await sharedSecret(g.db, g.secrets, 'uploads')).toString('base64')).toBe(uploadKey);
    expect(await new DbPageStore(g.db, g.secrets).list()).toEqual([{ pageId: PAGE, accessToken: S.pageTokenSecurity, name: 'An Phát' }]);
    expect(await new DbTokenStore(g.db, g.store.kind, g.secrets).load(OA)).toEqual(pair);
    const shop = await g.directory.findInbox('widget', 'shop');
    expect(shop?.settings).toMatchObject({ greeting: 'Xin chào', identitySecret: S.identitySecretSecurity });
    expect(await webhookTargetOf(g.db, g.secrets, inbox.id)).toEqual({ url: botSettings.url, secret: S.botSecretSecurity });
    // identity verification works with the sealed secret end to end
    const hash = createHmac('sha256', S.identitySecretSecurity).update('customer-1').digest('hex');
    const url = await g.listen();
    const session = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: 'shop', identifier: 'customer-1', identifierHash: hash }) });
    expect(session.status).toBe(200);
    expect(((await session.json()) as { visitorId: string }).visitorId).toBe('user:customer-1');

    // the upgrade is done once: nothing left to seal
    expect(await sealSecretsAtRest(g.db, g.secrets, createLogger('silent'))).toEqual({ sharedSecrets: 0, credentials: 0, inboxes: 0 });
  });

  test('after the upgrade, reads accept only sealed values; another key is refused at start, clearly', async () => {
    const g = await start();
    await g.db.insertInto('channel_credentials').values({ channel: 'messenger', account_id: PAGE, data: toJson({ accessToken: S.pageTokenSecurity, name: null }), updated_at: new Date() }).execute();
    await expect(new DbPageStore(g.db, g.secrets).list()).rejects.toMatchObject({ reason: 'not_sealed' });
    await createInbox(g.db, { channel: 'widget', accountId: 'plain', name: 'Plain', settings: { identitySecret: S.identitySecretSecurity } });
    await expect(g.directory.findInbox('widget', 'plain')).rejects.toBeInstanceOf(SecretBoxError);
    await g.close();
    gw = undefined;

    // the same data under another OMNIGATE_SECRET_KEY: the start stops, naming both key ids
    ({ store } = await database.open());
    await sharedSecret(store.db, testSecretBox(), 'uploads');
    const other = testSecretBox(S.otherSecretKey);
    const started = createGateway({ config: testConfig({ OMNIGATE_SECRET_KEY: S.otherSecretKey }), store, channels: [createWidgetChannel()] });
    await expect(started).rejects.toMatchObject({ reason: 'wrong_key', message: expect.stringContaining(`the current key's id is ${other.keyId}`) });
  });
});
