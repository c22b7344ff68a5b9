import { ManualClock, DAY, HOUR } from '../../src/core/clock';
import type { DomainEvent } from '../../src/core/domain-events';
import { GatewayError } from '../../src/core/errors';
import { MAX_TEXT_LENGTH } from '../../src/core/message';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('inbound pipeline on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;
  let events: DomainEvent[];

  beforeEach(async () => {
    const { store } = await database.open();
    clock = new ManualClock('2026-03-02T03:00:00Z');
    h = await startHarness(store, { clock });
    events = [];
    h.gw.bus.onCommit((e) => void events.push(e));
  });
  afterEach(async () => {
    await h?.gw.close();
  });

  const count = async (table: 'messages' | 'contacts' | 'conversations' | 'conversation_events') =>
    Number((await h.gw.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  test('20 concurrent deliveries of one platform message store one message and emit one event', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => h.fake.receive('user-1', 'xin chào', 'mid.same')));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    // The one that stored it hands back the message as its contact sees it, read from the row written.
    const stored = results.find((r) => r.stored)!;
    const row = await h.gw.db.selectFrom('messages').selectAll().executeTakeFirstOrThrow();
    expect(stored.message).toEqual({ id: row.id, conversationId: row.conversation_id, direction: 'in', senderType: 'contact', senderName: null, content: { type: 'text', text: 'xin chào' }, status: 'received', externalId: 'mid.same', createdAt: row.created_at });
    expect(results.filter((r) => !r.stored).every((r) => r.message === null)).toBe(true);
    expect(await count('messages')).toBe(1);
    expect(await count('contacts')).toBe(1);
    expect(await count('conversations')).toBe(1);
    expect(events.filter((e) => e.type === 'message.received')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'conversation.created')).toHaveLength(1);
  });

  test('1,000 messages for 50 conversations fed concurrently keep each conversation in arrival order', async () => {
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 1000; i++) {
      const user = `user-${i % 50}`;
      sends.push(h.fake.receive(user, `message ${i}`, `mid-${i}`));
    }
    await Promise.all(sends);
    expect(await count('messages')).toBe(1000);
    expect(await count('conversations')).toBe(50);
    const rows = await h.gw.db.selectFrom('messages').select(['conversation_id', 'text', 'id']).orderBy('id').execute();
    const byConversation = new Map<number, number[]>();
    for (const r of rows) byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), Number(r.text.split(' ')[1])]);
    for (const seq of byConversation.values()) {
      expect(seq).toHaveLength(20);
      expect(seq).toEqual([...seq].sort((a, b) => a - b));
    }
    const emitted = new Map<number, number[]>();
    for (const e of events) {
      if (e.type !== 'message.received' || e.message.content.type !== 'text') continue;
      emitted.set(e.conversationId, [...(emitted.get(e.conversationId) ?? []), Number(e.message.content.text.split(' ')[1])]);
    }
    expect(emitted.size).toBe(50);
    for (const [conversationId, seq] of emitted) expect(seq).toEqual(byConversation.get(conversationId));
  }, 90_000); // a correctness test: on a loaded machine the embedded store needs more than the default 30 s

  test('a message after resolution reopens inside the window and opens a new conversation after it', async () => {
    const first = await h.fake.receive('user-r', 'đơn hàng của tôi đâu?');
    await h.gw.actions.resolve(first.conversationId!, { type: 'system' }, 'test');
    clock.advance(3 * DAY);
    const again = await h.fake.receive('user-r', 'lại là tôi');
    expect(again.conversationId).toBe(first.conversationId);
    const log = await h.gw.db
      .selectFrom('conversation_events')
      .select(['type', 'data'])
      .where('conversation_id', '=', first.conversationId!)
      .orderBy('id')
      .execute();
    const types = log.map((e) => e.type);
    expect(types.indexOf('conversation.resolved')).toBeGreaterThan(-1);
    expect(types.indexOf('conversation.reopened')).toBeGreaterThan(types.indexOf('conversation.resolved'));
    const conv = await h.gw.db.selectFrom('conversations').selectAll().where('id', '=', first.conversationId!).executeTakeFirstOrThrow();
    expect(conv.reopen_count).toBe(1);
    expect(conv.status).toBe('pending');

    await h.gw.actions.resolve(first.conversationId!, { type: 'system' }, 'test');
    clock.advance(7 * DAY + HOUR);
    const later = await h.fake.receive('user-r', 'một tuần sau');
    expect(later.conversationId).not.toBe(first.conversationId);
    expect(await count('conversations')).toBe(2);
  });

  test('a late retry of a stored message changes nothing: no reopening, no new conversation, no event', async () => {
    const first = await h.fake.receive('user-late', 'còn hàng không?', 'mid.late');
    await h.gw.actions.resolve(first.conversationId!, { type: 'system' }, 'test');
    await h.gw.dispatcher.idle(); // the satisfaction survey asked on resolution is sent
    const before = { messages: await count('messages'), conversations: await count('conversations'), events: await count('conversation_events') };
    events.length = 0;
    // Inside the reopen window, and after it (a new conversation would be opened for a new message).
    for (const days of [1, 8]) {
      clock.advance(days * DAY);
      const retry = await h.fake.receive('user-late', 'còn hàng không?', 'mid.late');
      expect(retry).toEqual({ stored: false, messageId: null, conversationId: null, message: null });
    }
    expect(await count('messages')).toBe(before.messages);
    expect(await count('conversations')).toBe(before.conversations);
    expect(await count('conversation_events')).toBe(before.events);
    expect(events).toEqual([]);
    const conv = await h.gw.db.selectFrom('conversations').select(['status', 'reopen_count']).where('id', '=', first.conversationId!).executeTakeFirstOrThrow();
    expect(conv).toEqual({ status: 'resolved', reopen_count: 0 });
  });

  test('events carry conversation, inbox, channel and contact, and are logged in order', async () => {
    const r = await h.fake.receive('user-log', 'hello');
    const log = await h.gw.db.selectFrom('conversation_events').selectAll().where('conversation_id', '=', r.conversationId!).orderBy('id').execute();
    expect(log.map((e) => e.type)).toEqual(['conversation.created', 'message.received']);
    for (const e of log) {
      expect(e.inbox_id).toBe(h.inbox.id);
      expect(e.channel).toBe('fake');
      expect(e.actor_type).toBe('contact');
      expect(e.at.toISOString()).toBe('2026-03-02T03:00:00.000Z');
    }
  });

  test.each([
    ['missing fields', { kind: 'message', channel: 'fake', accountId: 'fake-account', content: { type: 'text', text: 'hi' } }, 'GW_ERR_VALIDATION'],
    ['unknown content type', { kind: 'message', channel: 'fake', accountId: 'fake-account', externalUserId: 'u', externalId: 'x1', sentAt: new Date(), content: { type: 'hologram' } }, 'GW_ERR_CONTENT_UNSUPPORTED'],
    ['oversized text', { kind: 'message', channel: 'fake', accountId: 'fake-account', externalUserId: 'u', externalId: 'x2', sentAt: new Date(), content: { type: 'text', text: 'a'.repeat(MAX_TEXT_LENGTH + 1) } }, 'GW_ERR_CONTENT_TOO_LARGE'],
    ['empty text', { kind: 'message', channel: 'fake', accountId: 'fake-account', externalUserId: 'u', externalId: 'x3', sentAt: new Date(), content: { type: 'text', text: '' } }, 'GW_ERR_VALIDATION'],
    ['numeric id', { kind: 'message', channel: 'fake', accountId: 'fake-account', externalUserId: 12345, externalId: 'x4', sentAt: new Date(), content: { type: 'text', text: 'hi' } }, 'GW_ERR_VALIDATION'],
    ['unknown inbox', { kind: 'message', channel: 'fake', accountId: 'nobody', externalUserId: 'u', externalId: 'x5', sentAt: new Date(), content: { type: 'text', text: 'hi' } }, 'GW_ERR_UNKNOWN_INBOX'],
  ])('bad inbound content (%s) is rejected with a coded error and nothing is stored', async (_name, event, code) => {
    const error = await h.fake.ingestRaw(event).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(code);
    expect(await count('messages')).toBe(0);
    expect(await count('contacts')).toBe(0);
    expect(await count('conversations')).toBe(0);
    expect(await count('conversation_events')).toBe(0);
  });
});
