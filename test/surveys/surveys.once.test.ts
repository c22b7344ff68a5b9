import type { ChannelAdapter, ReplyWindow } from '../../src/core/channel';
import { HOUR, ManualClock, MINUTE } from '../../src/core/clock';
import { contentText } from '../../src/core/message';
import { scopeOf } from '../../src/pipeline/event-scope';
import { getInbox } from '../../src/store/repos/inboxes';
import { claimSurvey } from '../../src/surveys/survey-store';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('satisfaction surveys: once per conversation, time limits, on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;

  beforeEach(async () => {
    const { store } = await database.open();
    clock = new ManualClock('2026-03-02T02:00:00Z');
    h = await startHarness(store, { clock });
  });
  afterEach(async () => {
    await h?.gw.close();
  });

  const questionsTo = (user: string) => h.fake.sentTo(user).filter((m) => /\(1–5\)/.test(contentText(m.content)));
  const surveys = (id: number) => h.gw.db.selectFrom('surveys').selectAll().where('conversation_id', '=', id).orderBy('id').execute();
  const conversation = (id: number) => h.gw.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const count = async (id: number, type: string) =>
    (await h.gw.db.selectFrom('conversation_events').select('id').where('conversation_id', '=', id).where('type', '=', type).execute()).length;

  test('resolve, reopen (by the contact, then by an agent), resolve again: one CSAT for the conversation', async () => {
    const conv = (await h.fake.receive('u1', 'xin chào')).conversationId!;
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();
    expect(questionsTo('u1')).toHaveLength(1);
    // the fake channel has 3 buttons, fewer than the 5 scores: a numbered question
    expect(contentText(questionsTo('u1')[0]!.content)).toMatch(/\n1\. Rất tệ\n2\. Tệ\n3\. Bình thường\n4\. Tốt\n5\. Rất tốt$/);

    clock.advance(MINUTE);
    expect((await h.fake.receive('u1', 'à còn một câu hỏi')).conversationId).toBe(conv);
    expect(await conversation(conv)).toMatchObject({ status: 'pending', reopen_count: 1 });
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.actions.reopen(conv, { type: 'system' });
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();

    expect(questionsTo('u1')).toHaveLength(1);
    expect(await surveys(conv)).toEqual([expect.objectContaining({ kind: 'csat', status: 'sent' })]);
    expect(await count(conv, 'survey.sent')).toBe(1);
    expect(await count(conv, 'conversation.resolved')).toBe(3);
  });

  test('concurrent resolution events (several nodes) ask one survey; concurrent claims give the row to one', async () => {
    const conv = (await h.fake.receive('u2', 'alo')).conversationId!;
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();
    // forget that first survey, then replay its resolution
    await h.gw.db.deleteFrom('surveys').execute();
    h.fake.sent.length = 0;
    // the same resolution delivered to five listeners at once, as if on five nodes
    const row = await conversation(conv);
    const inbox = (await getInbox(h.gw.db, row.inbox_id))!;
    const resolved = { ...scopeOf(row, inbox, { type: 'system', id: null }, clock.now()), type: 'conversation.resolved' as const, from: 'pending' as const, reason: null };
    await Promise.all(Array.from({ length: 5 }, () => h.gw.bus.publishCommitted([resolved])));
    await h.gw.dispatcher.idle();
    expect(questionsTo('u2')).toHaveLength(1);
    expect(await surveys(conv)).toHaveLength(1);

    const claims = await Promise.all(
      Array.from({ length: 5 }, () =>
        h.gw.db.transaction().execute((trx) => claimSurvey(trx, { conv: row, kind: 'nps', status: 'sent', note: null, at: clock.now() })),
      ),
    );
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
  });

  test('not sent outside the window, then sent at a later resolution once the contact wrote again', async () => {
    let open = false;
    (h.fake as ChannelAdapter).replyWindow = async (): Promise<ReplyWindow> =>
      open ? { canReply: true, closesAt: null, freeRepliesLeft: null, note: 'open' } : { canReply: false, closesAt: null, freeRepliesLeft: null, note: 'Fake: the window is closed' };
    const conv = (await h.fake.receive('u3', 'hello')).conversationId!;
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();
    expect(questionsTo('u3')).toHaveLength(0);
    expect(await surveys(conv)).toEqual([expect.objectContaining({ status: 'not_sent', note: 'Fake: the window is closed' })]);
    const note = await h.gw.db.selectFrom('messages').select(['text', 'private', 'sender_type']).where('conversation_id', '=', conv).where('private', '=', true).executeTakeFirstOrThrow();
    expect(note).toEqual({ text: 'Khảo sát CSAT không được gửi: ngoài khung nhắn tin của kênh. Fake: the window is closed', private: true, sender_type: 'system' });

    open = true;
    clock.advance(HOUR);
    await h.fake.receive('u3', 'lại là tôi'); // not an answer: reopens
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();
    expect(questionsTo('u3')).toHaveLength(1);
    expect(await surveys(conv)).toEqual([expect.objectContaining({ status: 'sent', note: null })]);
    expect(await count(conv, 'survey.sent')).toBe(1);
  });

  test('an answer after the answer window, and a text after the comment window, reopen the conversation as before', async () => {
    const a = (await h.fake.receive('u4', 'câu hỏi 1')).conversationId!;
    await h.gw.actions.resolve(a, { type: 'system' });
    clock.advance(73 * HOUR); // default answer window: 72 h
    await h.fake.receive('u4', '5');
    expect(await conversation(a)).toMatchObject({ status: 'pending', reopen_count: 1 });
    expect(await surveys(a)).toEqual([expect.objectContaining({ status: 'sent', score: null })]);

    const b = (await h.fake.receive('u5', 'câu hỏi 2')).conversationId!;
    await h.gw.actions.resolve(b, { type: 'system' });
    clock.advance(HOUR);
    await h.fake.receive('u5', '2 sao');
    await waitFor(() => h.fake.sentTo('u5').find((m) => /góp ý/.test(contentText(m.content))));
    expect(await conversation(b)).toMatchObject({ status: 'resolved', reopen_count: 0 });
    clock.advance(16 * MINUTE); // default comment window: 15 min
    await h.fake.receive('u5', 'Tôi muốn đổi hàng');
    expect(await conversation(b)).toMatchObject({ status: 'pending', reopen_count: 1 });
    expect(await surveys(b)).toEqual([expect.objectContaining({ status: 'answered', score: 2, comment: null })]);
  });

  test('surveys off for the inbox: nothing is asked', async () => {
    await h.gw.db.updateTable('inboxes').set({ settings: JSON.stringify({ surveys: { csat: false } }) }).where('id', '=', h.inbox.id).execute();
    const conv = (await h.fake.receive('u6', 'hi')).conversationId!;
    await h.gw.actions.resolve(conv, { type: 'system' });
    await h.gw.dispatcher.idle();
    expect(h.fake.sentTo('u6')).toHaveLength(0);
    expect(await surveys(conv)).toEqual([]);
  });
});
