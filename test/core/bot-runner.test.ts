import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import { GatewayError } from '../../src/core/errors';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { contact } from '../fakes/contact-script';

/** A tiny rule bot standing in for any bot: the runner, not the matcher, is under test here. */
class RuleBot implements Bot {
  readonly name = 'rules';
  readonly turns: BotTurn[] = [];
  async decide(turn: BotTurn): Promise<BotDecision> {
    this.turns.push(turn);
    const t = turn.text.toLowerCase();
    if (turn.state.awaiting === 'feedback') {
      if (t === 'có') return { type: 'resolve', content: [{ type: 'text', text: 'Cảm ơn bạn!' }], state: {} };
      if (t === 'không') return { type: 'handoff', reason: 'negative_feedback', content: [{ type: 'text', text: 'Em chuyển nhân viên nhé.' }], state: {} };
    }
    if (t.includes('nhân viên')) return { type: 'handoff', reason: 'requested', content: [{ type: 'text', text: 'Dạ, em kết nối nhân viên ngay.' }], state: {} };
    if (t.includes('giờ mở cửa')) {
      return {
        type: 'answer',
        faqId: 'hours',
        confidence: 0.93,
        content: [{ type: 'text', text: 'Cửa hàng mở cửa 8h–21h.' }, { type: 'text', text: 'Câu trả lời có giúp bạn không?', quickReplies: [{ title: 'Có', payload: 'YES' }, { title: 'Không', payload: 'NO' }] }],
        state: { awaiting: 'feedback' },
      };
    }
    return { type: 'handoff', reason: 'low_confidence', content: [], state: {} };
  }
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('bot runner on %s', (_kind, database) => {
  let h: Harness;
  let bot: RuleBot;

  beforeEach(async () => {
    bot = new RuleBot();
    const { store } = await database.open();
    h = await startHarness(store, { bot, botEnabled: true });
  });
  afterEach(async () => h?.gw.close());

  const eventsOf = async (conversationId: number) =>
    (await h.gw.db.selectFrom('conversation_events').select(['type', 'data', 'actor_type']).where('conversation_id', '=', conversationId).orderBy('id').execute());

  test('answer → "did it help?" → "có" resolves the conversation as bot-resolved', async () => {
    const c = contact(h.gw, h.fake, 'u1');
    await c.says('giờ mở cửa?').expectReply(/8h–21h/).expectReply(/có giúp bạn/).expectStatus('bot');
    await c.says('có').expectReply(/Cảm ơn/).expectStatus('resolved');
    const conv = (await c.conversation())!;
    const log = await eventsOf(conv.id);
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['bot.answered', 'conversation.resolved']));
    expect(log.find((e) => e.type === 'conversation.resolved')).toMatchObject({ actor_type: 'bot' });
    expect(log.filter((e) => e.type === 'bot.handoff')).toEqual([]);
    expect(h.fake.sentTo('u1')[1]!.content).toMatchObject({ quickReplies: [{ title: 'Có' }, { title: 'Không' }] });
  });

  test('answer → "không" hands off with reason negative feedback, logged', async () => {
    const c = contact(h.gw, h.fake, 'u2');
    await c.says('giờ mở cửa?').expectReply(/8h/).expectReply(/giúp/).says('không').expectReply(/chuyển nhân viên/).expectStatus('pending');
    const log = await eventsOf((await c.conversation())!.id);
    expect(log.find((e) => e.type === 'bot.handoff')?.data).toEqual({ reason: 'negative_feedback' });
    expect(log.find((e) => e.type === 'conversation.status_changed')?.data).toMatchObject({ from: 'bot', to: 'pending' });
  });

  test('a request for a person hands off; afterwards the bot stays silent', async () => {
    const c = contact(h.gw, h.fake, 'u3');
    await c.says('cho em gặp nhân viên').expectReply(/kết nối nhân viên/).expectStatus('pending');
    const turns = bot.turns.length;
    await c.says('giờ mở cửa?').expectSilence();
    expect(bot.turns.length).toBe(turns);
  });

  test("an agent's reply silences the bot (the agent takes the conversation over)", async () => {
    const c = contact(h.gw, h.fake, 'u4');
    await c.says('giờ mở cửa?').expectReply(/8h/).expectReply(/giúp/);
    const conv = (await c.conversation())!;
    const agent = await h.gw.db.insertInto('agents').values({ email: 'ha@shop.vn', name: 'Hà', role: 'agent', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
    await h.gw.outbound.post(conv.id, { content: { type: 'text', text: 'Chào anh, em là Hà.' }, sender: { type: 'agent', id: agent.id } });
    await c.expectReply(/em là Hà/).expectStatus('open');
    const turns = bot.turns.length;
    await c.says('có').expectSilence();
    expect(bot.turns.length).toBe(turns);
    const log = await eventsOf(conv.id);
    expect(log.find((e) => e.type === 'bot.handoff')?.data).toEqual({ reason: 'agent_took_over' });
    expect(log.find((e) => e.type === 'conversation.assigned')?.data).toMatchObject({ assigneeId: agent.id });
  });

  test('every decision is logged with the question, the entry, the score and the action', async () => {
    await contact(h.gw, h.fake, 'u5').says('giờ mở cửa?').expectReply(/8h/).says('hôm nay trời đẹp quá').expectStatus('pending');
    const decisions = await h.gw.db.selectFrom('bot_decisions').select(['question', 'action', 'faq_id', 'confidence', 'reason']).orderBy('id').execute();
    expect(decisions).toEqual([
      { question: 'giờ mở cửa?', action: 'answer', faq_id: 'hours', confidence: 0.93, reason: null },
      { question: 'hôm nay trời đẹp quá', action: 'handoff', faq_id: null, confidence: null, reason: 'low_confidence' },
    ]);
  });

  test('a permanent send failure is visible on the message', async () => {
    h.fake.failWith = new GatewayError('GW_ERR_RECIPIENT_UNREACHABLE', 'user blocked the page');
    await contact(h.gw, h.fake, 'u6').says('giờ mở cửa?');
    await h.gw.dispatcher.idle();
    const failed = await h.gw.db.selectFrom('messages').select(['status', 'error']).where('direction', '=', 'out').orderBy('id').executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: 'failed', error: 'GW_ERR_RECIPIENT_UNREACHABLE: user blocked the page' });
  });

  test('a retryable send failure is retried until it goes through', async () => {
    h.fake.failWith = new GatewayError('GW_ERR_CHANNEL_TRANSIENT', 'Graph API 500');
    await contact(h.gw, h.fake, 'u7').says('giờ mở cửa?');
    await h.gw.dispatcher.idle();
    const pending = await h.gw.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).orderBy('id').executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, last_error: 'GW_ERR_CHANNEL_TRANSIENT: Graph API 500' });
    h.fake.failWith = null;
    await contact(h.gw, h.fake, 'u7').expectReply(/8h–21h/, 10_000).expectReply(/giúp/, 10_000);
    await h.gw.dispatcher.idle(); // the fake records a send before the dispatcher stores its result
    const statuses = await h.gw.db.selectFrom('messages').select('status').where('direction', '=', 'out').execute();
    expect(statuses.every((m) => m.status === 'sent')).toBe(true);
  });
});
