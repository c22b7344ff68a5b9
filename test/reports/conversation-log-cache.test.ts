import { sql } from 'kysely';
import { forFold, type LoggedEvent } from '../../src/reports/conversation-facts';
import { ConversationLogCache } from '../../src/reports/conversation-log-cache';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('conversation logs read by difference on %s', (_kind, database) => {
  let h: Harness;
  let conversations: number[];

  beforeAll(async () => {
    const { store } = await database.open();
    h = await startHarness(store);
    conversations = [];
    for (const user of ['u1', 'u2', 'u3']) conversations.push((await h.fake.receive(user, `xin chào từ ${user}`)).conversationId!);
  });
  afterAll(() => h?.gw.close());

  /** An event row with a chosen id: how a transaction that took a lower id and committed later looks to a reader. */
  const logEvent = async (conversationId: number, id: number, text: string) => {
    const conv = await h.gw.db.selectFrom('conversations').select(['inbox_id', 'contact_id']).where('id', '=', conversationId).executeTakeFirstOrThrow();
    const data = JSON.stringify({ message: { senderType: 'agent', senderId: null, private: false, content: { type: 'text', text } } });
    await sql`INSERT INTO conversation_events (id, type, conversation_id, inbox_id, channel, contact_id, actor_type, data, at)
      OVERRIDING SYSTEM VALUE VALUES (${id}, 'message.sent', ${conversationId}, ${conv.inbox_id}, 'fake', ${conv.contact_id}, 'agent', ${data}::jsonb, now())`.execute(h.gw.db);
  };
  const fromLog = async (conversationId: number) =>
    (await h.gw.db.selectFrom('conversation_events').select(['id', 'type']).where('conversation_id', '=', conversationId).orderBy('id').execute()).map((r) => ({ id: Number(r.id), type: r.type }));
  const typesOf = (events: LoggedEvent[]) => events.map((e) => e.type);

  test('events committed after a read are found, also those with a lower id than ones already read', async () => {
    const cache = new ConversationLogCache();
    const [a, b] = conversations as [number, number];
    const first = await cache.read(h.gw.db, [a, b]);
    expect(typesOf(first.get(a)!.events)).toEqual((await fromLog(a)).map((e) => e.type));

    await logEvent(a, 1_000_002, 'sau');
    await logEvent(a, 1_000_000, 'trước');
    const second = await cache.read(h.gw.db, [a, b]);
    expect(second.get(a)!.lastId).toBe(1_000_002);
    await logEvent(a, 1_000_001, 'giữa'); // a lower id than the last one read, committed later
    const third = await cache.read(h.gw.db, [a]);
    const expected = await fromLog(a);
    expect(third.get(a)!.events).toHaveLength(expected.length);
    expect(typesOf(third.get(a)!.events)).toEqual(expected.map((e) => e.type));
    expect(third.get(a)!.lastId).toBe(expected.at(-1)!.id);
    // The order is the log's: the three message.sent events last, each one's sender kept, its text not.
    const tail = third.get(a)!.events.slice(-3).map((e) => e.data.message);
    expect(tail).toEqual([0, 1, 2].map(() => ({ senderType: 'agent', senderId: null, private: false })));
    // The other conversation is unchanged.
    expect(second.get(b)!.events).toEqual(first.get(b)!.events);
  });

  test('a small bound evicts the oldest conversations and reads stay whole', async () => {
    const cache = new ConversationLogCache(3);
    for (let round = 0; round < 2; round++) {
      for (const id of conversations) {
        const read = await cache.read(h.gw.db, [id]);
        expect(typesOf(read.get(id)!.events)).toEqual((await fromLog(id)).map((e) => e.type));
      }
    }
    const all = await cache.read(h.gw.db, conversations);
    expect([...all.keys()].sort()).toEqual([...conversations].sort());
  });

  test('a conversation without events is not in the answer', async () => {
    expect((await new ConversationLogCache().read(h.gw.db, [2_000_000_000])).size).toBe(0);
  });
});

describe('forFold: what the cache keeps of an event', () => {
  const base: LoggedEvent = { type: 'message.sent', conversationId: 1, inboxId: 1, channel: 'fake', contactId: 2, teamId: null, agentId: 3, actorType: 'agent', actorId: 3, at: new Date(0), data: {} };

  test('a message keeps who sent it and whether it was a note, not its content', () => {
    const e = { ...base, data: { message: { id: 9, senderType: 'agent', senderId: 3, private: true, content: { type: 'text', text: 'số tài khoản 0123' } }, passive: false } };
    expect(forFold(e)).toEqual({ ...base, data: { message: { senderType: 'agent', senderId: 3, private: true }, passive: false } });
  });

  test('other events are kept as they are', () => {
    const e = { ...base, type: 'bot.handoff', data: { reason: 'requested' } };
    expect(forFold(e)).toBe(e);
  });
});
