import type { Bot } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { upsertAgent } from '../../src/store/repos/agents';
import { createMessengerChannel, type MessengerChannel } from '../../channels/messenger';
import { loadMessengerConfig } from '../../channels/messenger/config';
import { DbPageStore } from '../../channels/messenger/db-page-store';
import { testSecretBox } from '../support/test-secrets';
import { createGraphApi } from '../../channels/messenger/graph-api';
import { messengerAdminRoutes } from '../../channels/messenger/admin-routes';
import { startFakeGraph, type FakeGraph, type FakeUser } from '../../channels/messenger/simulator';
import type { TestDatabase } from '../support/databases';
import { testConfig } from '../support/test-config';

export const PAGE = '104500000000001';
export const TOKEN = 'EAAGpagetoken0001';
export const SECRET = 'messenger-app-secret-0001';
export const APP_ID = '900000000000001';

/** Answers every text with "Bot: <text>", so a test sees exactly what the bot was asked. */
export const echoBot: Bot = {
  name: 'echo',
  decide: async (turn) => ({ type: 'answer', faqId: 'echo', confidence: 1, content: [{ type: 'text', text: `Bot: ${turn.text}` }], state: {} }),
};

export interface MessengerWorld {
  gw: Gateway;
  url: string;
  graph: FakeGraph;
  messenger: MessengerChannel;
  post(body: string, headers: Record<string, string>): Promise<Response>;
  /** An admin's bearer token for the API. */
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A whole gateway with the Messenger channel (and its admin routes) against a fake Graph
 * API on loopback, on the given database. The Page is an inbox with the bot on.
 */
export async function messengerWorld(
  database: TestDatabase,
  opts: { users?: Record<string, FakeUser>; fetchProfiles?: boolean; graphTimeoutMs?: number; journal?: { recoverAfterMs?: number; sweepEveryMs?: number }; store?: Awaited<ReturnType<TestDatabase['open']>>['store'] } = {},
): Promise<MessengerWorld> {
  const graph = await startFakeGraph({ pages: { [PAGE]: TOKEN }, users: opts.users });
  const config = loadMessengerConfig({
    MESSENGER_APP_SECRET: SECRET,
    MESSENGER_VERIFY_TOKEN: 'verify-token-0001',
    MESSENGER_PAGES: `${PAGE}:${TOKEN}`,
    MESSENGER_GRAPH_URL: graph.url,
    MESSENGER_APP_ID: APP_ID,
  })!;
  const store = opts.store ?? (await database.open()).store;
  const graphApi = opts.graphTimeoutMs ? { graph: createGraphApi({ graphUrl: config.graphUrl, apiVersion: config.apiVersion, appSecret: config.appSecret, timeoutMs: opts.graphTimeoutMs }) } : {};
  const messenger = createMessengerChannel(config, { fetchProfiles: opts.fetchProfiles ?? false, pageStore: new DbPageStore(store.db, testSecretBox()), ...graphApi });
  // The inbox exists before the gateway starts: a journal left from a crash is processed at once.
  if (!(await store.db.selectFrom('inboxes').select('id').where('account_id', '=', PAGE).executeTakeFirst())) {
    await createInbox(store.db, { channel: 'messenger', accountId: PAGE, name: 'Page', botEnabled: true });
  }
  const gw = await createGateway({
    config: testConfig(),
    store,
    channels: [messenger],
    bot: echoBot,
    journal: opts.journal,
    mount: (g) => void g.api.router.use(messengerAdminRoutes(g.db, g.api, messenger)),
  });
  const url = await gw.listen();
  let token: string | null = null;
  return {
    gw,
    url,
    graph,
    messenger,
    post: (body, headers) => fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }),
    async adminToken() {
      if (token) return token;
      await upsertAgent(gw.db, { email: 'ha@anphat.vn', name: 'Hà', role: 'admin', password: 'password-123456' });
      const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ha@anphat.vn', password: 'password-123456' }) });
      token = ((await login.json()) as { token: string }).token;
      return token;
    },
    async close() {
      await gw.close();
      await graph.close();
    },
  };
}
