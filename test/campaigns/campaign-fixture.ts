import { HOUR, ManualClock } from '../../src/core/clock';
import type { CampaignTarget, CampaignWindow } from '../../src/core/channel';
import { createGateway, type Gateway } from '../../src/server/gateway';
import type { Store } from '../../src/store/database';
import { toJson } from '../../src/store/json';
import { createInbox } from '../../src/store/repos/inboxes';
import type { InboxRow } from '../../src/store/schema';
import { FakeChannel } from '../fakes/fake-channel';
import { testConfig } from '../support/test-config';

/**
 * A gateway with three fake channels named like the real ones (so segment filters by channel
 * apply) and one inbox each; the fake Zalo has a campaign rule shaped like the real one:
 * followers only, one a day, 06:00–22:00 Vietnam time (UTC+7) else waiting until 06:00.
 */
export interface CampaignFixture {
  gw: Gateway;
  clock: ManualClock;
  widget: FakeChannel;
  messenger: FakeChannel;
  zalo: FakeChannel;
  inboxes: Record<'widget' | 'messenger' | 'zalo', InboxRow>;
}

/** Resolving conversations would ask satisfaction surveys: off, so the fakes receive only the campaigns. */
const NO_SURVEYS = { surveys: { csat: false } };

export const NOT_FOLLOWER = 'Zalo: not a follower of the OA';
export const ZALO_DAILY = 'Zalo: one promotion a day';
export const ZALO_NIGHT = 'Zalo: promotions go out between 06:00 and 22:00';

export function fakeZaloRule(target: CampaignTarget, now: Date): Promise<CampaignWindow> {
  if (target.follower !== true) return Promise.resolve({ open: false, reason: NOT_FOLLOWER, notBefore: null });
  const vn = new Date(now.getTime() + 7 * HOUR);
  const hour = vn.getUTCHours();
  const day = (d: Date) => new Date(d.getTime() + 7 * HOUR).toISOString().slice(0, 10);
  if (target.lastCampaignAt && day(target.lastCampaignAt) === day(now)) {
    const nextSix = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() + 1, 6) - 7 * HOUR;
    return Promise.resolve({ open: false, reason: ZALO_DAILY, notBefore: new Date(nextSix) });
  }
  if (hour >= 6 && hour < 22) return Promise.resolve({ open: true });
  const six = Date.UTC(vn.getUTCFullYear(), vn.getUTCMonth(), vn.getUTCDate() + (hour >= 22 ? 1 : 0), 6) - 7 * HOUR;
  return Promise.resolve({ open: false, reason: ZALO_NIGHT, notBefore: new Date(six) });
}

export async function campaignFixture(store: Store, start = '2026-03-02T03:00:00Z'): Promise<CampaignFixture> {
  const clock = new ManualClock(start);
  const widget = new FakeChannel('shop', 'widget');
  const messenger = new FakeChannel('page', 'messenger');
  const zalo = new FakeChannel('oa', 'zalo');
  zalo.campaignWindow = fakeZaloRule;
  const gw = await createGateway({ config: testConfig(), store, clock, channels: [widget, messenger, zalo] });
  const inboxes = {
    widget: await createInbox(gw.db, { channel: 'widget', accountId: 'shop', name: 'Website', botEnabled: false, settings: NO_SURVEYS }),
    messenger: await createInbox(gw.db, { channel: 'messenger', accountId: 'page', name: 'Page', botEnabled: false, settings: NO_SURVEYS }),
    zalo: await createInbox(gw.db, { channel: 'zalo', accountId: 'oa', name: 'OA', botEnabled: false, settings: NO_SURVEYS }),
  };
  return { gw, clock, widget, messenger, zalo, inboxes };
}

/** The contact who wrote as `userId` on `fake`, with its profile edited as given. */
export async function contactOf(f: CampaignFixture, fake: FakeChannel, userId: string, edit: { name?: string; labels?: string[]; attributes?: Record<string, unknown>; follower?: boolean } = {}): Promise<number> {
  const { contact_id: id, id: identityId } = await f.gw.db
    .selectFrom('contact_identities')
    .select(['contact_id', 'id'])
    .where('channel', '=', fake.id)
    .where('account_id', '=', fake.accountId)
    .where('external_id', '=', userId)
    .executeTakeFirstOrThrow();
  await f.gw.db
    .updateTable('contacts')
    .set({
      ...(edit.name ? { name: edit.name } : {}),
      ...(edit.labels ? { labels: toJson(edit.labels) } : {}),
      ...(edit.attributes ? { attributes: toJson(edit.attributes) } : {}),
    })
    .where('id', '=', id)
    .execute();
  if (edit.follower !== undefined) await f.gw.db.updateTable('contact_identities').set({ follower: edit.follower }).where('id', '=', identityId).execute();
  return id;
}
