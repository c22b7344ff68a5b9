import { createMessengerChannel, loadMessengerConfig } from '../../channels/messenger';
import { DbPageStore } from '../../channels/messenger/db-page-store';
import { startFakeGraph, type FakeGraph } from '../../channels/messenger/simulator/fake-graph-server';
import { createZaloChannel, type ZaloChannel } from '../../channels/zalo';
import { loadZaloConfig } from '../../channels/zalo/config';
import { DbTokenStore } from '../../channels/zalo/db-token-store';
import { startFakeZalo, type FakeZalo, type StartFakeZaloOptions } from '../../channels/zalo/simulator/fake-zalo-server';
import type { ChannelAdapter } from '../../src/core/channel';
import type { ManualClock } from '../../src/core/clock';
import { createGateway, type Gateway } from '../../src/server/gateway';
import type { TestDatabase } from './databases';
import { testConfig } from './test-config';
import { testSecretBox } from './test-secrets';

/** The Facebook Page and Zalo OA every platform test plays, with the secrets their fakes sign with. */
export const PLATFORM = {
  page: '104500000000001',
  pageToken: 'EAAGpagetoken0001',
  fbSecret: 'messenger-app-secret-0001',
  zaloApp: '4300000000000000001',
  zaloAppSecret: 'zalo-app-secret-0001',
  oa: '579745863508352884',
  oaSecret: 'zalo-oa-secret-key-0001',
} as const;

export interface PlatformGateway {
  gw: Gateway;
  url: string;
  /** The fake Graph API; null when the gateway was started without Messenger. */
  graph: FakeGraph | null;
  zalo: FakeZalo;
  zaloChannel: ZaloChannel;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Serve the Facebook Page too (default true). */
  messenger?: boolean;
  /** Page tokens and Zalo tokens kept in the database (encrypted), as in production; in memory otherwise. */
  durableTokens?: boolean;
  /** Passed to the fake Zalo (users, token lifetimes). */
  zalo?: Pick<StartFakeZaloOptions, 'users' | 'accessTokenTtlMs'>;
}

/**
 * A listening gateway on a fresh database serving the Zalo OA (and the Facebook Page) through the
 * real adapters against their loopback fakes, all on the given ManualClock (the fake Zalo reads
 * it too). Inboxes are the test's to make.
 */
export async function startPlatformGateway(database: TestDatabase, clock: ManualClock, options: PlatformOptions = {}): Promise<PlatformGateway> {
  const graph = options.messenger === false ? null : await startFakeGraph({ pages: { [PLATFORM.page]: PLATFORM.pageToken } });
  const zalo = await startFakeZalo({ appId: PLATFORM.zaloApp, appSecret: PLATFORM.zaloAppSecret, oaId: PLATFORM.oa, oaSecretKey: PLATFORM.oaSecret, now: () => clock.now().getTime(), ...options.zalo });
  const closeFakes = async () => {
    await graph?.close();
    await zalo.close();
  };
  try {
    return await startGateway(database, clock, options, graph, zalo, closeFakes);
  } catch (err) {
    await closeFakes();
    throw err;
  }
}

async function startGateway(database: TestDatabase, clock: ManualClock, options: PlatformOptions, graph: FakeGraph | null, zalo: FakeZalo, closeFakes: () => Promise<void>): Promise<PlatformGateway> {
  const { store } = await database.open();
  const channels: ChannelAdapter[] = [];
  if (graph) {
    const config = loadMessengerConfig({ MESSENGER_APP_SECRET: PLATFORM.fbSecret, MESSENGER_VERIFY_TOKEN: 'verify-token-0001', MESSENGER_PAGES: `${PLATFORM.page}:${PLATFORM.pageToken}`, MESSENGER_GRAPH_URL: graph.url })!;
    channels.push(createMessengerChannel(config, { fetchProfiles: false, now: () => clock.now(), ...(options.durableTokens ? { pageStore: new DbPageStore(store.db, testSecretBox()) } : {}) }));
  }
  const zaloChannel = createZaloChannel(loadZaloConfig(zalo.gatewayEnv())!, {
    enrichProfiles: false,
    clock,
    refreshCheckEveryMs: 0,
    ...(options.durableTokens ? { store: new DbTokenStore(store.db, store.kind, testSecretBox()) } : {}),
  });
  channels.push(zaloChannel);
  const gw = await createGateway({ config: testConfig(), store, clock, channels });
  const url = await gw.listen().catch(async (err: unknown) => {
    await gw.close();
    throw err;
  });
  return {
    gw,
    url,
    graph,
    zalo,
    zaloChannel,
    close: async () => {
      await gw.close();
      await closeFakes();
    },
  };
}
