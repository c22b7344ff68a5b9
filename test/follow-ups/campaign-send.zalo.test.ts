import type { ZaloChannel } from '../../channels/zalo';
import { ZALO_NIGHT } from '../../channels/zalo/campaign-window';
import type { FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { DAY, ManualClock } from '../../src/core/clock';
import type { Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { testDatabases } from '../support/databases';
import { PLATFORM, startPlatformGateway, type PlatformGateway } from '../support/platform-harness';
import { waitFor } from '../support/wait';

const OA_ID = PLATFORM.oa;
const FOLLOWER = '8000000000000000301';
const LEFT = '8000000000000000302';

/**
 * A campaign message as the campaigns engine posts it (`OutboundMessages.post` with
 * `purpose: 'campaign'`), through the outbox and the Zalo channel, against the fake Zalo:
 * it goes by the promotion endpoint, and Zalo's refusals end the message `failed` with a
 * reason a delivery report can show.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('Zalo campaign messages through the gateway on %s', (_kind, database) => {
  let platforms: PlatformGateway | undefined;
  let gw: Gateway;
  let url: string;
  let zalo: FakeZalo;
  let channel: ZaloChannel;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2026-03-10T03:00:00Z'); // 10:00 in Vietnam
    platforms = await startPlatformGateway(database, clock, { messenger: false, zalo: { users: { [LEFT]: { displayName: 'Đã bỏ quan tâm', follower: false } } } });
    ({ gw, url, zalo, zaloChannel: channel } = platforms);
    await createInbox(gw.db, { channel: 'zalo', accountId: OA_ID, name: 'OA', botEnabled: false });
  });
  afterEach(async () => {
    await platforms?.close();
    platforms = undefined;
  });

  const conversationOf = async (userId: string) => {
    const hook = zalo.userSendsText(userId, 'shop ơi');
    expect((await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers: hook.headers, body: hook.rawBody })).status).toBe(200);
    return waitFor(async () => (await gw.db.selectFrom('conversations as c').innerJoin('contact_identities as ci', 'ci.contact_id', 'c.contact_id').select('c.id').where('ci.external_id', '=', userId).executeTakeFirst())?.id);
  };
  const settled = (messageId: number) =>
    waitFor(async () => {
      const m = await gw.db.selectFrom('messages').select(['status', 'error', 'external_id']).where('id', '=', messageId).executeTakeFirstOrThrow();
      return m.status === 'pending' || m.status === 'sending' ? undefined : m;
    });

  test('a follower gets a promotion (not a CS message), weeks after writing; the fake counts it by kind', async () => {
    const conv = await conversationOf(FOLLOWER);
    await gw.actions.resolve(conv, { type: 'system' });
    clock.advance(20 * DAY); // far outside the 7-day CS window: promotions do not need it
    const row = await gw.outbound.post(conv, { content: { type: 'text', text: 'Trung thu giảm 15%', quickReplies: [{ title: 'Xem ưu đãi', payload: 'promo' }] }, sender: { type: 'system' }, purpose: 'campaign' });
    const done = await settled(row.id);
    expect(zalo.sentOf('promotion')).toHaveLength(1);
    expect(zalo.sentOf('cs')).toHaveLength(0);
    expect(done).toEqual({ status: 'sent', error: null, external_id: zalo.sentOf('promotion')[0]!.messageId });
    expect(zalo.sentOf('promotion')[0]).toMatchObject({
      userId: FOLLOWER,
      recipient: { user_id: FOLLOWER },
      message: { attachment: { type: 'template', payload: { template_type: 'promotion', elements: [{ type: 'text', content: 'Trung thu giảm 15%' }], buttons: [{ type: 'oa.query.show', title: 'Xem ưu đãi' }] } } },
    });
    expect(await channel.campaignWindow!({ address: { channel: 'zalo', accountId: OA_ID, externalUserId: FOLLOWER }, lastInboundAt: null, follower: true, lastCampaignAt: clock.now() }, clock.now())).toMatchObject({ open: false, notBefore: new Date('2026-03-30T23:00:00Z') });
  });

  test('a user who left the OA: −213, failed for good with "not a follower"; at night: failed before any call', async () => {
    const conv = await conversationOf(LEFT);
    const refused = await gw.outbound.post(conv, { content: { type: 'text', text: 'Ưu đãi' }, sender: { type: 'system' }, purpose: 'campaign' });
    expect(await settled(refused.id)).toMatchObject({ status: 'failed', error: expect.stringContaining('the user is not a follower of the OA (−213)') });
    expect(zalo.calls.filter((c) => c.path === '/v3.0/oa/message/promotion')).toHaveLength(1); // tried once, never retried

    clock.set('2026-03-10T16:00:00Z'); // 23:00 in Vietnam
    const night = await gw.outbound.post(conv, { content: { type: 'text', text: 'Ưu đãi đêm' }, sender: { type: 'system' }, purpose: 'campaign' });
    expect(await settled(night.id)).toMatchObject({ status: 'failed', error: expect.stringContaining(ZALO_NIGHT) });
    expect(zalo.calls.filter((c) => c.path === '/v3.0/oa/message/promotion')).toHaveLength(1);
    expect(zalo.sentOf('promotion')).toHaveLength(0);
  });
});
