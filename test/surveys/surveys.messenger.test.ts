import { signedWebhook, textItem, type RecordedCall } from '../../channels/messenger/simulator';
import { createMessengerChannel } from '../../channels/messenger';
import { loadMessengerConfig } from '../../channels/messenger/config';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { messengerWorld, PAGE, SECRET, type MessengerWorld } from '../channels/messenger-harness';

type SendBody = { recipient: { id: string }; messaging_type: string; message: { text?: string; quick_replies?: { content_type: string; title: string; payload: string }[] } };
const bodyOf = (call: RecordedCall) => call.body as SendBody;

describe.each(testDatabases().map((d) => [d.kind, d] as const))('satisfaction surveys on Messenger on %s', (_kind, database) => {
  let world: MessengerWorld;
  let gw: MessengerWorld['gw'];

  beforeEach(async () => {
    world = await messengerWorld(database);
    gw = world.gw;
  });
  afterEach(async () => {
    await world?.close();
  });

  const contactSays = async (psid: string, text: string, quickReplyPayload?: string) => {
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid, text, quickReplyPayload })], SECRET);
    expect((await world.post(body, headers)).status).toBe(200);
  };
  const sentTexts = (psid: string) => world.graph.sentMessages().filter((c) => bodyOf(c).recipient.id === psid);
  const waitSent = (psid: string, match: (b: SendBody) => boolean) => waitFor(() => sentTexts(psid).map(bodyOf).find(match), 10_000);
  const conversationOf = async (psid: string) =>
    gw.db
      .selectFrom('conversations as c')
      .innerJoin('contact_identities as ci', 'ci.contact_id', 'c.contact_id')
      .selectAll('c')
      .where('ci.external_id', '=', psid)
      .orderBy('c.id', 'desc')
      .executeTakeFirstOrThrow();
  const surveys = (conversationId: number) => gw.db.selectFrom('surveys').selectAll().where('conversation_id', '=', conversationId).orderBy('id').execute();
  const events = (conversationId: number, type: string) => gw.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', conversationId).where('type', '=', type).execute();
  const setInboxSettings = (settings: Record<string, unknown>) => gw.db.updateTable('inboxes').set({ settings: JSON.stringify(settings) }).where('account_id', '=', PAGE).execute();

  test('resolution sends CSAT quick replies through the Send API; a quick-reply tap answers it without reopening or waking the bot; the API shows it', async () => {
    const psid = '2400000000000101';
    await contactSays(psid, 'Cho hỏi giờ mở cửa');
    await waitSent(psid, (b) => b.message.text === 'Bot: Cho hỏi giờ mở cửa');
    const conv = await conversationOf(psid);
    await gw.actions.resolve(conv.id, { type: 'bot' }, 'bot_answer_confirmed');

    const question = await waitSent(psid, (b) => Boolean(b.message.quick_replies));
    expect(question).toMatchObject({ messaging_type: 'RESPONSE', message: { text: 'Bạn đánh giá cuộc trò chuyện này thế nào? (1–5)' } });
    expect(question.message.quick_replies).toEqual([1, 2, 3, 4, 5].map((n) => ({ content_type: 'text', title: expect.stringMatching(new RegExp(`^${n} – `)), payload: `csat:${n}` })));

    await contactSays(psid, '5 – Rất tốt', 'csat:5');
    const answered = await waitFor(async () => ((await surveys(conv.id))[0]?.status === 'answered' ? (await surveys(conv.id))[0] : undefined));
    expect(answered).toMatchObject({ kind: 'csat', score: 5, status: 'answered' });
    expect(await conversationOf(psid)).toMatchObject({ id: conv.id, status: 'resolved', reopen_count: 0 });
    expect(await events(conv.id, 'survey.answered')).toEqual([expect.objectContaining({ data: expect.objectContaining({ survey: 'csat', score: 5 }) })]);
    await waitSent(psid, (b) => b.message.text === 'Cảm ơn bạn! Bạn có góp ý gì thêm không?');
    await gw.dispatcher.idle();
    expect(sentTexts(psid).filter((c) => /^Bot:/.test(bodyOf(c).message.text ?? ''))).toHaveLength(1); // the bot never saw the answer

    const token = await world.adminToken();
    const detail = (await (await fetch(`${world.url}/api/v1/conversations/${conv.id}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { surveys: unknown[] };
    expect(detail.surveys).toEqual([expect.objectContaining({ kind: 'csat', status: 'answered', score: 5, comment: null, answeredAt: expect.any(String) })]);
  });

  test('outside the 24-hour window resolving sends nothing to Meta: a not_sent survey and a private note say why', async () => {
    const psid = '2400000000000102';
    await contactSays(psid, 'alo');
    await waitSent(psid, (b) => b.message.text === 'Bot: alo');
    const conv = await conversationOf(psid);
    await gw.db.updateTable('conversations').set({ last_inbound_at: new Date(Date.now() - 25 * 3_600_000) }).where('id', '=', conv.id).execute();
    await gw.dispatcher.idle();
    const callsBefore = world.graph.calls.length;

    await gw.actions.resolve(conv.id, { type: 'system' }, 'idle');
    await gw.dispatcher.idle();
    await new Promise((r) => setTimeout(r, 200));
    expect(world.graph.calls.length).toBe(callsBefore);
    expect(await surveys(conv.id)).toEqual([expect.objectContaining({ kind: 'csat', status: 'not_sent', message_id: null, note: expect.stringMatching(/24-hour/) })]);
    const notes = await gw.db.selectFrom('messages').selectAll().where('conversation_id', '=', conv.id).where('private', '=', true).execute();
    expect(notes).toEqual([expect.objectContaining({ sender_type: 'system', status: 'stored', text: expect.stringMatching(/^Khảo sát CSAT không được gửi: .*24-hour/) })]);
    expect(await events(conv.id, 'survey.sent')).toHaveLength(0);
    expect(await gw.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conv.id).where('status', '<>', 'sent').execute()).toEqual([]);
  });

  test('with NPS on: a typed "5" answers CSAT, then NPS comes with 11 quick replies, its tap answers it, then the comment is asked', async () => {
    await setInboxSettings({ surveys: { nps: true } });
    const psid = '2400000000000103';
    await contactSays(psid, 'đổi hàng thế nào');
    await waitSent(psid, (b) => b.message.text === 'Bot: đổi hàng thế nào');
    const conv = await conversationOf(psid);
    await gw.actions.resolve(conv.id, { type: 'bot' });
    await waitSent(psid, (b) => b.message.quick_replies?.[0]?.payload === 'csat:1');

    await contactSays(psid, '5 sao');
    const nps = await waitSent(psid, (b) => b.message.quick_replies?.[0]?.payload === 'nps:0');
    expect(nps.message.text).toMatch(/giới thiệu/);
    expect(nps.message.quick_replies?.map((q) => q.payload)).toEqual(Array.from({ length: 11 }, (_, i) => `nps:${i}`));
    await contactSays(psid, '9', 'nps:9');
    await waitSent(psid, (b) => /góp ý/.test(b.message.text ?? ''));
    await contactSays(psid, 'Giao hàng hơi chậm');
    await waitFor(async () => ((await surveys(conv.id))[0]?.comment ? true : undefined));
    expect((await surveys(conv.id)).map((s) => [s.kind, s.status, s.score, s.comment])).toEqual([
      ['csat', 'answered', 5, 'Giao hàng hơi chậm'],
      ['nps', 'answered', 9, null],
    ]);
    expect((await events(conv.id, 'survey.answered')).map((e) => [e.data.survey, e.data.score])).toEqual([
      ['csat', 5],
      ['nps', 9],
    ]);
    expect(await conversationOf(psid)).toMatchObject({ id: conv.id, status: 'resolved', reopen_count: 0 });
  });
});

describe('Messenger messaging window for surveys', () => {
  test("the window is an automated message's: with Human Agent granted an agent may still reply after 25 h, a survey may not", async () => {
    const config = loadMessengerConfig({ MESSENGER_APP_SECRET: SECRET, MESSENGER_VERIFY_TOKEN: 'verify-token-0001', MESSENGER_PAGES: `${PAGE}:token`, MESSENGER_HUMAN_AGENT: 'true' })!;
    const channel = createMessengerChannel(config, { fetchProfiles: false });
    const address = { channel: 'messenger', accountId: PAGE, externalUserId: '1' };
    const now = new Date();
    const lastInboundAt = new Date(now.getTime() - 25 * 3_600_000);
    expect(await channel.replyWindow!(address, lastInboundAt, now)).toMatchObject({ canReply: true });
    expect(await channel.replyWindow!(address, lastInboundAt, now, 'system')).toMatchObject({ canReply: false, note: expect.stringMatching(/automatic messages/) });
    await channel.close?.();
  });
});
