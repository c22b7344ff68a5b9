import { ManualClock } from '../../src/core/clock';
import type { Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import type { InboxRow } from '../../src/store/schema';
import { MESSENGER_OUTSIDE_WINDOW } from '../../channels/messenger/campaign-window';
import type { FakeGraph } from '../../channels/messenger/simulator';
import { signedWebhook, textItem } from '../../channels/messenger/simulator/webhooks';
import { ZALO_NIGHT, ZALO_NOT_FOLLOWER } from '../../channels/zalo/campaign-window';
import type { FakeZalo } from '../../channels/zalo/simulator/fake-zalo-server';
import { buildFollow, signedWebhookRequest } from '../../channels/zalo/simulator/webhooks';
import { testDatabases } from '../support/databases';
import { PLATFORM, startPlatformGateway, type PlatformGateway } from '../support/platform-harness';
import { apiClient } from './api-client';

const { page: PAGE, fbSecret: FB_SECRET, zaloApp: ZALO_APP, oa: OA, oaSecret: OA_SECRET } = PLATFORM;
const TEXT = 'Mừng Trung thu: giảm 15% bánh nướng đến hết tuần!';

/**
 * The Must-show: a campaign to a mixed segment through the fake platforms — the real
 * Messenger and Zalo adapters against their loopback simulators, on the gateway's clock.
 * The preview's counts match what goes out; a Messenger contact outside the 24-hour window and
 * a Zalo non-follower are skipped with their reasons; the Zalo promotion scheduled at 23:00
 * Vietnam time goes out at 06:00; the report's figures are what the fakes received.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('a campaign through the fake Messenger and Zalo on %s', (_kind, database) => {
  let platforms: PlatformGateway | undefined;
  let gw: Gateway;
  let url: string;
  let graph: FakeGraph;
  let zalo: FakeZalo;
  let clock: ManualClock;
  let inboxes: { page: InboxRow; oa: InboxRow };
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeEach(async () => {
    clock = new ManualClock('2026-02-27T02:00:00Z');
    // A month-long access token: the test moves the clock by days, token refresh is not its subject.
    platforms = await startPlatformGateway(database, clock, { durableTokens: true, zalo: { accessTokenTtlMs: 30 * 86_400_000 } });
    ({ gw, url, zalo } = platforms);
    graph = platforms.graph!;
    const noSurveys = { surveys: { csat: false } };
    inboxes = {
      page: await createInbox(gw.db, { channel: 'messenger', accountId: PAGE, name: 'Fanpage', botEnabled: false, settings: noSurveys }),
      oa: await createInbox(gw.db, { channel: 'zalo', accountId: OA, name: 'Zalo OA', botEnabled: false, settings: noSurveys }),
    };
    api = await apiClient(gw, url);
  }, 60_000);
  afterEach(async () => {
    await platforms?.close();
    platforms = undefined;
  });

  const messengerSays = async (psid: string, text: string) => {
    const hook = signedWebhook(PAGE, [textItem({ psid, pageId: PAGE, text, timestamp: clock.now().getTime() })], FB_SECRET);
    expect((await fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: hook.headers, body: hook.body })).status).toBe(200);
  };
  const zaloWebhook = async (body: Record<string, unknown>) => {
    const { rawBody, headers } = signedWebhookRequest(body, OA_SECRET);
    expect((await fetch(`${url}/webhooks/zalo`, { method: 'POST', headers, body: rawBody })).status).toBe(200);
  };
  const zaloSays = (userId: string, text: string) => {
    const hook = zalo.userSendsText(userId, text, { timestamp: clock.now().getTime() });
    return zaloWebhook(JSON.parse(hook.rawBody) as Record<string, unknown>);
  };
  /** Until the inbound journal processed everything and the outbox sent everything. */
  const settled = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const identities = (n: number) => settled(async () => (await gw.db.selectFrom('contact_identities').select('id').execute()).length >= n);
  const outboxIdle = () => settled(async () => (await gw.db.selectFrom('messages').select('id').where('status', 'in', ['pending', 'sending']).execute()).length === 0);
  const messengerCampaigns = () => graph.sentMessages().map((c) => c.body as { recipient: { id: string }; message: { text?: string }; messaging_type?: string });

  test('preview = what goes out; outside-window and non-followers skipped with reasons; 23:00 → 06:00; report = what the fakes received', async () => {
    // Two days before: Lan writes on Messenger (by campaign day her 24-hour window is long closed).
    await messengerSays('psid-lan', 'Shop có bánh chay không?');
    await identities(1);
    // A day later Tuấn writes too: also outside the window on campaign day, at another age.
    clock.set('2026-02-28T09:00:00Z');
    await messengerSays('psid-tuan', 'Ship về Đà Nẵng được không?');
    await identities(2);
    // Campaign day, 09:00 in Vietnam: Minh follows the OA and writes; Nga wrote, then unfollowed.
    clock.set('2026-03-02T02:00:00Z');
    await zaloSays('z-minh', 'Bánh thập cẩm còn không ạ?');
    await zaloSays('z-nga', 'Cho em xin bảng giá');
    await identities(4);
    await zaloWebhook(buildFollow({ appId: ZALO_APP, oaId: OA, userId: 'z-minh', timestamp: clock.now().getTime() }));
    await zaloWebhook(buildFollow({ appId: ZALO_APP, oaId: OA, userId: 'z-nga', follow: false, timestamp: clock.now().getTime() }));
    await settled(async () => (await gw.db.selectFrom('contact_identities').select('follower').where('follower', 'is not', null).execute()).length === 2);
    // 22:00 in Vietnam: Hùng writes on Messenger (inside the window when the campaign goes).
    clock.set('2026-03-02T15:00:00Z');
    await messengerSays('psid-hung', 'Tối nay shop mở cửa đến mấy giờ?');
    await identities(5);
    await outboxIdle();
    const before = { graph: graph.sentMessages().length, zalo: zalo.sent.length };

    const created = await api('POST', '/campaigns', { name: 'Trung thu', filter: { channels: ['messenger', 'zalo'] }, inboxIds: [inboxes.page.id, inboxes.oa.id], content: { text: TEXT } });
    const id = created.body.campaign.id as number;
    // Scheduled for 23:00 in Vietnam (16:00 UTC); the preview, looked at 15:30 UTC, tells what will happen then.
    clock.set('2026-03-02T15:30:00Z');
    const preview = (await api('GET', `/campaigns/${id}/preview`)).body;
    expect(preview.total).toBe(5);
    expect(preview.channels.zalo).toEqual({ reachable: 0, later: 1, skipped: { [ZALO_NOT_FOLLOWER]: 1 } });
    expect(preview.channels.messenger.reachable).toBe(1);
    expect(preview.channels.messenger.later).toBe(0);
    // Counted by reason: one reason for everyone outside the window, whatever their last message's age.
    const messengerSkips = Object.entries(preview.channels.messenger.skipped as Record<string, number>);
    expect(messengerSkips).toEqual([[MESSENGER_OUTSIDE_WINDOW, 2]]);

    expect((await api('POST', `/campaigns/${id}/send`, { at: '2026-03-02T16:00:00Z' })).body.campaign.status).toBe('scheduled');
    clock.set('2026-03-02T15:59:00Z');
    await gw.campaigns.runOnce();
    await outboxIdle();
    expect([graph.sentMessages().length, zalo.sent.length]).toEqual([before.graph, before.zalo]);

    // 23:00: Messenger goes at once, inside Hùng's window; Zalo waits for 06:00.
    clock.set('2026-03-02T16:00:00Z');
    await gw.campaigns.runOnce();
    await outboxIdle();
    const toHung = messengerCampaigns().slice(before.graph);
    expect(toHung.map((b) => [b.recipient.id, b.message.text])).toEqual([['psid-hung', TEXT]]);
    expect(toHung[0]!.messaging_type).not.toBe('MESSAGE_TAG');
    expect(zalo.sent.length).toBe(before.zalo);
    const waiting = (await api('GET', `/campaigns/${id}/recipients?status=waiting`)).body.recipients;
    expect(waiting).toEqual([expect.objectContaining({ channel: 'zalo', reason: ZALO_NIGHT, notBefore: '2026-03-02T23:00:00.000Z' })]);

    clock.set('2026-03-02T22:59:00Z'); // 05:59
    await gw.campaigns.runOnce();
    await outboxIdle();
    expect(zalo.sent.length).toBe(before.zalo);
    clock.set('2026-03-02T23:00:00Z'); // 06:00
    await gw.campaigns.runOnce();
    await outboxIdle();
    const promotions = zalo.sentOf('promotion');
    expect(promotions.map((p) => p.userId)).toEqual(['z-minh']);
    expect(new Date(promotions[0]!.at + 7 * 3_600_000).getUTCHours()).toBe(6);
    await gw.campaigns.runOnce();

    // The report: what the fakes received, per channel, and the preview's reachable + later.
    const { campaign, report } = (await api('GET', `/campaigns/${id}`)).body;
    expect(campaign.status).toBe('sent');
    const reached = (r: { sent: number; delivered: number }) => r.sent + r.delivered;
    expect(reached(report.byChannel.messenger)).toBe(messengerCampaigns().length - before.graph);
    expect(reached(report.byChannel.zalo)).toBe(promotions.length);
    expect(reached(report.byChannel.messenger)).toBe(preview.channels.messenger.reachable + preview.channels.messenger.later);
    expect(reached(report.byChannel.zalo)).toBe(preview.channels.zalo.reachable + preview.channels.zalo.later);
    expect(report).toMatchObject({ total: 5, waiting: 0, queued: 0, failed: {}, replied: 0 });
    expect(report.skipped).toEqual({ [ZALO_NOT_FOLLOWER]: 1, [messengerSkips[0]![0]]: 2 });
    expect(report.byChannel.zalo.skipped).toEqual({ [ZALO_NOT_FOLLOWER]: 1 });

    // Minh answers the promotion: replied.
    clock.set('2026-03-02T23:10:00Z');
    await zaloSays('z-minh', 'Cho mình 2 hộp nhé');
    await settled(async () => (await api('GET', `/campaigns/${id}`)).body.report.replied === 1);
    expect((await api('GET', `/campaigns/${id}`)).body.report.byChannel.zalo.replied).toBe(1);
  });
});
