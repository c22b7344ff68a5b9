import { createGateway, type Gateway, type GatewayOptions } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import type { Store } from '../../src/store/database';
import type { InboxRow } from '../../src/store/schema';
import { FakeChannel } from '../fakes/fake-channel';
import { testConfig } from './test-config';

export interface Harness {
  gw: Gateway;
  fake: FakeChannel;
  inbox: InboxRow;
}

/** A gateway on the given store with one fake channel and its inbox. Not listening. */
export async function startHarness(
  store: Store,
  options: Partial<Omit<GatewayOptions, 'config' | 'store' | 'channels'>> & { botEnabled?: boolean; config?: Record<string, string> } = {},
): Promise<Harness> {
  const fake = new FakeChannel();
  const gw = await createGateway({ ...options, config: testConfig(options.config), store, channels: [fake] });
  const inbox = await createInbox(gw.db, { channel: fake.id, accountId: fake.accountId, name: 'Fake inbox', botEnabled: options.botEnabled ?? false });
  return { gw, fake, inbox };
}
