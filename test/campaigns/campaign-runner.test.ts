import pino from 'pino';
import { MINUTE } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import { CampaignRunner } from '../../src/campaigns/campaign-runner';
import { CampaignPlanner } from '../../src/campaigns/planner';
import { testDatabases } from '../support/databases';
import { apiClient } from './api-client';
import { campaignFixture, contactOf, NOT_FOLLOWER, ZALO_DAILY, ZALO_NIGHT, type CampaignFixture } from './campaign-fixture';

const TEXT = 'Tết này shop giảm 20% mọi đơn hàng!';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('campaigns with fake channels on %s', (_kind, database) => {
  let f: CampaignFixture;
  let api: Awaited<ReturnType<typeof apiClient>>;

  // 10:00 in Vietnam (03:00 UTC): Zalo promotions may go out.
  beforeEach(async () => {
    const { store } = await database.open();
    f = await campaignFixture(store, '2026-03-02T03:00:00Z');
    await f.widget.receive('w-an', 'Chào shop');
    await f.widget.receive('w-hoa', 'Shop ơi');
    await f.zalo.receive('z-binh', 'Có khuyến mãi không?');
    await f.zalo.receive('z-chi', 'Áo còn không?');
    await contactOf(f, f.widget, 'w-an', { name: 'An', labels: ['tet'] });
    await contactOf(f, f.widget, 'w-hoa', { name: 'Hoa', labels: ['tet'] });
    await contactOf(f, f.zalo, 'z-binh', { name: 'Bình', labels: ['tet'], follower: true });
    await contactOf(f, f.zalo, 'z-chi', { name: 'Chi', labels: ['tet'], follower: false });
    // Nobody answered: resolve them all, as they would be by the time a campaign goes out.
    for (const c of await f.gw.db.selectFrom('conversations').select('id').execute()) await f.gw.actions.resolve(c.id, { type: 'system' });
    api = await apiClient(f.gw);
  }, 60_000);
  afterEach(async () => f?.gw.close());

  const draft = async (extra: Record<string, unknown> = {}) => {
    const res = await api('POST', '/campaigns', { name: 'Tết 2026', filter: { labels: ['tet'] }, inboxIds: [f.inboxes.widget.id, f.inboxes.zalo.id], content: { text: TEXT, quickReplies: ['Xem ngay'] }, ...extra });
    expect(res.status).toBe(201);
    return res.body.campaign.id as number;
  };
  const detail = async (id: number) => (await api('GET', `/campaigns/${id}`)).body;
  const settle = async () => {
    await f.gw.campaigns.runOnce();
    await waitSent(f, 0);
  };
  const sentTexts = () => [...f.widget.sent, ...f.zalo.sent].map((m) => [m.address.externalUserId, m.purpose, (m.content as { text?: string }).text]);

  test('preview counts per channel are what is sent; resolved conversations get it without reopening; report follows the messages', async () => {
    const id = await draft();
    const preview = await api('GET', `/campaigns/${id}/preview`);
    expect(preview.body).toEqual({ total: 4, contacts: 4, channels: { widget: { reachable: 2, later: 0, skipped: {} }, zalo: { reachable: 1, later: 0, skipped: { [NOT_FOLLOWER]: 1 } } } });

    expect((await api('POST', `/campaigns/${id}/send`, {})).body.campaign.status).toBe('scheduled');
    await f.gw.campaigns.runOnce();
    await waitSent(f, 3);
    expect(sentTexts().sort()).toEqual([
      ['w-an', 'campaign', TEXT],
      ['w-hoa', 'campaign', TEXT],
      ['z-binh', 'campaign', TEXT],
    ]);
    expect(f.widget.sent[0]!.content).toEqual({ type: 'text', text: TEXT, quickReplies: [{ title: 'Xem ngay', payload: 'Xem ngay' }] });
    // Same conversations, still resolved, never reopened; a campaign is no first reply.
    const convs = await f.gw.db.selectFrom('conversations').select(['status', 'reopen_count', 'first_reply_at']).execute();
    expect(convs).toHaveLength(4);
    for (const c of convs) expect(c).toEqual({ status: 'resolved', reopen_count: 0, first_reply_at: null });

    await f.gw.campaigns.runOnce();
    const { campaign, report } = await detail(id);
    expect(campaign).toMatchObject({ status: 'sent', scheduledAt: '2026-03-02T03:00:00.000Z', startedAt: '2026-03-02T03:00:00.000Z' });
    expect(report).toEqual({
      total: 4, skipped: { [NOT_FOLLOWER]: 1 }, waiting: 0, queued: 0, sent: 3, delivered: 0, failed: {}, replied: 0, unknown: 0,
      byChannel: {
        widget: { total: 2, skipped: {}, waiting: 0, queued: 0, sent: 2, delivered: 0, failed: {}, replied: 0, unknown: 0 },
        zalo: { total: 2, skipped: { [NOT_FOLLOWER]: 1 }, waiting: 0, queued: 0, sent: 1, delivered: 0, failed: {}, replied: 0, unknown: 0 },
      },
    });

    // Bình answers: replied (once, however often he writes); his conversation reopens as any reply does.
    f.clock.advance(5 * MINUTE);
    await f.zalo.receive('z-binh', 'Giảm cho cả đơn online không shop?');
    await f.zalo.receive('z-binh', 'Shop ơi?');
    const recipients = (await api('GET', `/campaigns/${id}/recipients`)).body;
    expect(recipients.nextCursor).toBeNull();
    expect(recipients.recipients.map((r: { contactName: string; channel: string; status: string; reason: string | null; repliedAt: string | null }) => [r.contactName, r.channel, r.status, r.reason, r.repliedAt])).toEqual([
      ['An', 'widget', 'sent', null, null],
      ['Hoa', 'widget', 'sent', null, null],
      ['Bình', 'zalo', 'sent', null, expect.any(String)],
      ['Chi', 'zalo', 'skipped', NOT_FOLLOWER, null],
    ]);
    // The reply's time is that of Bình's first message after the campaign's (the platform's timestamp).
    const firstReply = await f.gw.db.selectFrom('messages').select('sent_at').where('direction', '=', 'in').where('text', '=', 'Giảm cho cả đơn online không shop?').executeTakeFirstOrThrow();
    expect(recipients.recipients.find((r: { contactName: string }) => r.contactName === 'Bình').repliedAt).toBe(firstReply.sent_at.toISOString());
    expect((await detail(id)).report).toMatchObject({ sent: 3, replied: 1, byChannel: { zalo: { replied: 1 }, widget: { replied: 0 } } });
    expect((await api('GET', `/campaigns/${id}/recipients?status=skipped`)).body.recipients).toHaveLength(1);
  });

  test('a failed send is counted under the message error; the campaign is still sent to the others', async () => {
    const id = await draft({ inboxIds: [f.inboxes.widget.id] });
    f.widget.failWith = new GatewayError('GW_ERR_RECIPIENT_UNREACHABLE', 'visitor gone');
    await api('POST', `/campaigns/${id}/send`, {});
    await settle();
    const { report } = await detail(id);
    expect(report).toMatchObject({ total: 2, sent: 0, failed: { 'GW_ERR_RECIPIENT_UNREACHABLE: visitor gone': 2 } });
  });

  test('a scheduled campaign goes out at its time, not before; at night the Zalo part waits for 06:00', async () => {
    const id = await draft();
    // 23:00 Vietnam time = 16:00 UTC.
    expect((await api('POST', `/campaigns/${id}/send`, { at: '2026-03-02T16:00:00Z' })).body.campaign).toMatchObject({ status: 'scheduled', scheduledAt: '2026-03-02T16:00:00.000Z' });
    f.clock.set('2026-03-02T15:59:00Z');
    await settle();
    expect(sentTexts()).toEqual([]);
    expect((await detail(id)).report.total).toBe(0);

    f.clock.set('2026-03-02T16:00:00Z');
    await f.gw.campaigns.runOnce();
    await waitSent(f, 2);
    expect(sentTexts().map((s) => s[0]).sort()).toEqual(['w-an', 'w-hoa']);
    const night = await detail(id);
    expect(night.campaign.status).toBe('sending');
    expect(night.report).toMatchObject({ waiting: 1, skipped: { [NOT_FOLLOWER]: 1 }, byChannel: { zalo: { waiting: 1 } } });
    const waiting = (await api('GET', `/campaigns/${id}/recipients?status=waiting`)).body.recipients;
    expect(waiting).toEqual([expect.objectContaining({ contactName: 'Bình', reason: ZALO_NIGHT, notBefore: '2026-03-02T23:00:00.000Z' })]);

    f.clock.set('2026-03-02T22:59:00Z'); // 05:59
    await settle();
    expect(f.zalo.sent).toHaveLength(0);
    f.clock.set('2026-03-02T23:00:00Z'); // 06:00
    await f.gw.campaigns.runOnce();
    await waitSent(f, 3);
    expect(f.zalo.sent.map((m) => [m.address.externalUserId, m.purpose])).toEqual([['z-binh', 'campaign']]);
    await f.gw.campaigns.runOnce();
    expect(await detail(id)).toMatchObject({ campaign: { status: 'sent' }, report: { sent: 3, waiting: 0 } });
  });

  test('cancel stops the waiting recipients; a cancelled or sent campaign cannot be sent or edited', async () => {
    f.clock.set('2026-03-02T16:00:00Z'); // 23:00 in Vietnam
    const id = await draft();
    await api('POST', `/campaigns/${id}/send`, {});
    await f.gw.campaigns.runOnce();
    await waitSent(f, 2);
    expect((await detail(id)).report.waiting).toBe(1);
    const cancelled = await api('POST', `/campaigns/${id}/cancel`);
    expect(cancelled.body.campaign.status).toBe('cancelled');
    f.clock.set('2026-03-03T01:00:00Z');
    await settle();
    expect(f.zalo.sent).toHaveLength(0);
    expect((await detail(id)).report).toMatchObject({ waiting: 0, sent: 2, skipped: { cancelled: 1, [NOT_FOLLOWER]: 1 } });
    expect((await api('POST', `/campaigns/${id}/send`, {})).status).toBe(409);
    expect((await api('PATCH', `/campaigns/${id}`, { name: 'x' })).status).toBe(409);
    expect((await api('POST', `/campaigns/${id}/cancel`)).status).toBe(409);
  });

  test('two campaigns the same day: the second reaches a Zalo user the next morning (one promotion a day), the widget at once', async () => {
    const first = await draft();
    const second = await draft({ name: 'Tết 2026 (nhắc lại)' });
    // Before the first is sent, the second alone would reach Bình at once.
    expect((await api('GET', `/campaigns/${second}/preview`)).body.channels.zalo).toEqual({ reachable: 1, later: 0, skipped: { [NOT_FOLLOWER]: 1 } });
    await api('POST', `/campaigns/${first}/send`, {});
    await api('POST', `/campaigns/${second}/send`, {});
    // A pass the sends kicked may be under way (runOnce joins it): one more makes sure both are planned.
    await f.gw.campaigns.runOnce();
    await f.gw.campaigns.runOnce();
    await waitSent(f, 5);
    expect(f.zalo.sent).toHaveLength(1);
    expect((await api('GET', `/campaigns/${second}/recipients?status=waiting`)).body.recipients).toEqual([expect.objectContaining({ contactName: 'Bình', reason: ZALO_DAILY, notBefore: '2026-03-02T23:00:00.000Z' })]);
    f.clock.set('2026-03-02T23:00:00Z');
    await f.gw.campaigns.runOnce();
    await waitSent(f, 6);
    expect(f.zalo.sent.map((m) => m.address.externalUserId)).toEqual(['z-binh', 'z-binh']);
  });

  test('two runners at once (two nodes) and reruns send each recipient exactly one message', async () => {
    const id = await draft();
    const other = new CampaignRunner({ db: f.gw.db, bus: f.gw.bus, actions: f.gw.actions, outbound: f.gw.outbound, planner: new CampaignPlanner({ db: f.gw.db, channels: f.gw.channels }), clock: f.gw.clock, logger: pino({ level: 'silent' }), batchSize: 1 });
    await api('POST', `/campaigns/${id}/send`, {});
    await Promise.all([f.gw.campaigns.runOnce(), other.runOnce(), other.runOnce().then(() => other.runOnce()), f.gw.campaigns.runOnce()]);
    for (let i = 0; i < 3; i++) await Promise.all([f.gw.campaigns.runOnce(), other.runOnce()]);
    await waitSent(f, 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(sentTexts().map((s) => s[0]).sort()).toEqual(['w-an', 'w-hoa', 'z-binh']);
    expect(Number((await f.gw.db.selectFrom('campaign_recipients').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n)).toBe(4);
    expect(Number((await f.gw.db.selectFrom('messages').select((eb) => eb.fn.countAll<string>().as('n')).where('purpose', '=', 'campaign').executeTakeFirstOrThrow()).n)).toBe(3);
    expect((await detail(id)).campaign.status).toBe('sent');
  });

  test('a follower who never wrote gets a conversation created for the campaign, already resolved', async () => {
    const contact = await f.gw.db.insertInto('contacts').values({ name: 'Dương', attributes: '{}', labels: JSON.stringify(['tet']), updated_at: f.clock.now() }).returning('id').executeTakeFirstOrThrow();
    await f.gw.db.insertInto('contact_identities').values({ contact_id: contact.id, channel: 'zalo', account_id: 'oa', external_id: 'z-duong', follower: true }).execute();
    const id = await draft({ inboxIds: [f.inboxes.zalo.id] });
    expect((await api('GET', `/campaigns/${id}/preview`)).body.channels.zalo).toEqual({ reachable: 2, later: 0, skipped: { [NOT_FOLLOWER]: 1 } });
    await api('POST', `/campaigns/${id}/send`, {});
    await f.gw.campaigns.runOnce();
    await waitSent(f, 2);
    const conv = await f.gw.db.selectFrom('conversations').selectAll().where('contact_id', '=', contact.id).executeTakeFirstOrThrow();
    expect(conv).toMatchObject({ status: 'resolved', inbox_id: f.inboxes.zalo.id, first_reply_at: null });
    expect(f.zalo.sentTo('z-duong')).toHaveLength(1);
    const log = await f.gw.db.selectFrom('conversation_events').select('type').where('conversation_id', '=', conv.id).orderBy('id').execute();
    expect(log.map((e) => e.type)).toEqual(['conversation.created', 'message.sent', 'message.status_changed']);
  });

  test('segments and campaigns are for supervisors and admins only; bad content is a 400', async () => {
    expect((await api('GET', '/campaigns', undefined, 'agent')).status).toBe(403);
    const base = { name: 'x', filter: {}, inboxIds: [f.inboxes.widget.id] };
    for (const content of [{ text: '' }, { text: 'a'.repeat(2001) }, { text: 'a', imageUrl: 'http://shop.vn/a.png' }, { text: 'a', quickReplies: ['1', '2', '3', '4'] }, { text: 'a', imageUrl: 'https://shop.vn/a.png', quickReplies: ['1'] }]) {
      expect((await api('POST', '/campaigns', { ...base, content })).status).toBe(400);
    }
    expect((await api('POST', '/campaigns', { ...base, inboxIds: [999], content: { text: 'a' } })).status).toBe(400);
    const withImage = await api('POST', '/campaigns', { ...base, content: { text: 'Ảnh khuyến mãi', imageUrl: 'https://shop.vn/tet.png' } });
    expect(withImage.status).toBe(201);
    expect((await api('GET', '/campaigns')).body.campaigns).toEqual([expect.objectContaining({ id: withImage.body.campaign.id, status: 'draft', content: { text: 'Ảnh khuyến mãi', imageUrl: 'https://shop.vn/tet.png' } })]);
  });
});

/** Until the fakes got `n` messages and their statuses are recorded (the outbox works in the background). */
async function waitSent(f: CampaignFixture, n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pending = await f.gw.db.selectFrom('messages').select('id').where('status', 'in', ['pending', 'sending']).execute();
    if (f.widget.sent.length + f.zalo.sent.length + f.messenger.sent.length >= n && pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${n} messages`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
