import { ManualClock, DAY, MINUTE } from '../../src/core/clock';
import type { InboundMessage } from '../../src/core/message';
import { storeIntoOpenConversation } from '../../src/store/repos/inbound-fast-path';
import type { Store } from '../../src/store/database';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

/**
 * The inbound fast path (migration 0012, src/store/repos/inbound-fast-path.ts) stores a
 * known contact's message into a conversation that stays as it is in one statement. It
 * must write exactly what the general path writes, and hand every other case back.
 */
describe.each(testDatabases().map((d) => [d.kind, d] as const))('inbound fast path on %s', (_kind, database) => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    await Promise.all(harnesses.splice(0).map((h) => h.gw.close()));
  });

  async function start(clock: ManualClock, store?: Store): Promise<Harness> {
    const h = await startHarness(store ?? (await database.open()).store, { clock });
    harnesses.push(h);
    return h;
  }

  const paths = async (h: Harness) => {
    const values = (await h.gw.metrics.inboundPaths.get()).values;
    return Object.fromEntries(values.map((v) => [v.labels.path, v.value]));
  };

  /** Everything the pipeline writes, in id order (the created_at of contacts and messages is the database's clock: left out). */
  async function dump(h: Harness) {
    const db = h.gw.db;
    return {
      contacts: (await db.selectFrom('contacts').selectAll().orderBy('id').execute()).map(({ created_at: _at, ...c }) => c),
      conversations: await db.selectFrom('conversations').selectAll().orderBy('id').execute(),
      messages: (await db.selectFrom('messages').selectAll().orderBy('id').execute()).map(({ created_at: _at, ...m }) => m),
      events: (await db.selectFrom('conversation_events').selectAll().orderBy('id').execute()).map(({ id: _id, ...e }) => e),
    };
  }

  test('writes the same rows as the general path: messages, conversation, event log', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00Z');
    const fast = await start(clock);
    const general = await start(clock);
    // A transactional listener must see every event inside its transaction: the pipeline
    // then takes the general path for every message.
    general.gw.bus.onTransaction(async () => undefined);
    for (const h of [fast, general]) {
      await h.fake.receive('user-1', 'xin chào', 'mid-1', clock.now());
      clock.advance(MINUTE);
      await h.fake.receive('user-1', { type: 'image', url: 'https://example.com/a.jpg', caption: 'ảnh đơn hàng' }, 'mid-2', clock.now());
      await h.fake.ingestRaw({ kind: 'message', channel: h.fake.id, accountId: h.fake.accountId, externalUserId: 'user-1', externalId: 'mid-3', sentAt: clock.now(), content: { type: 'text', text: 'standby' }, passive: true });
      expect((await h.fake.receive('user-1', 'retry', 'mid-2')).stored).toBe(false);
      clock.advance(-MINUTE);
    }
    expect(await paths(fast)).toEqual({ general: 1, fast: 2 });
    expect(await paths(general)).toEqual({ general: 3 });
    const a = await dump(fast);
    expect(a.messages).toHaveLength(3);
    expect(a.events.map((e) => e.type)).toEqual(['conversation.created', 'message.received', 'message.received', 'message.received']);
    expect(a.events[3]!.data).toEqual({ message: expect.objectContaining({ externalId: 'mid-3' }), passive: true });
    expect(a).toEqual(await dump(general));
  });

  test('the after-commit listeners get the same message.received event', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00Z');
    const h = await start(clock);
    const events: unknown[] = [];
    h.gw.bus.onCommit((e) => void events.push(e), ['message.received']);
    const first = await h.fake.receive('user-1', 'một', 'mid-1');
    const second = await h.fake.receive('user-1', 'hai', 'mid-2');
    expect(await paths(h)).toEqual({ general: 1, fast: 1 });
    const row = await h.gw.db.selectFrom('messages').selectAll().where('external_id', '=', 'mid-2').executeTakeFirstOrThrow();
    const conv = await h.gw.db.selectFrom('conversations').selectAll().where('id', '=', first.conversationId!).executeTakeFirstOrThrow();
    expect(second).toEqual({ stored: true, messageId: row.id, conversationId: conv.id, message: { id: row.id, conversationId: conv.id, direction: 'in', senderType: 'contact', senderName: null, content: { type: 'text', text: 'hai' }, status: 'received', externalId: 'mid-2', createdAt: row.created_at } });
    expect(events[1]).toEqual({
      type: 'message.received',
      conversationId: conv.id,
      inboxId: h.inbox.id,
      channel: h.fake.id,
      contactId: conv.contact_id,
      teamId: conv.team_id,
      agentId: conv.assignee_id,
      at: clock.now(),
      actor: { type: 'contact', id: conv.contact_id },
      message: { id: row.id, direction: 'in', senderType: 'contact', senderId: conv.contact_id, content: { type: 'text', text: 'hai' }, private: false, externalId: 'mid-2' },
    });
    expect(conv.last_inbound_external_id).toBe('mid-2');
  });

  test('hands every other case to the general path, having written nothing', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00Z');
    const h = await start(clock);
    const message = (user: string, externalId: string, extra: Partial<InboundMessage> = {}): InboundMessage => ({
      kind: 'message', channel: h.fake.id, accountId: h.fake.accountId, externalUserId: user, externalId, sentAt: clock.now(), content: { type: 'text', text: 'x' }, ...extra,
    });
    const fastPath = (m: InboundMessage) => storeIntoOpenConversation(h.gw.db, `${m.channel}:${m.accountId}:${m.externalUserId}`, m, clock.now());
    const written = async () => [await h.gw.db.selectFrom('messages').select('id').execute(), await h.gw.db.selectFrom('conversation_events').select('id').execute()].map((r) => r.length);

    await h.fake.receive('known', 'first', 'k-1');
    const resolved = await h.fake.receive('resolved', 'first', 'r-1');
    await h.gw.actions.resolve(resolved.conversationId!, { type: 'system' }, 'test');
    const snoozed = await h.fake.receive('snoozed', 'first', 's-1');
    await h.gw.actions.snooze(snoozed.conversationId!, new Date(clock.now().getTime() + DAY), { type: 'system' });
    const before = await written();

    expect((await fastPath(message('stranger', 'x-1'))).outcome).toBe('general'); // no contact yet
    expect((await fastPath({ ...message('known', 'x-2'), accountId: 'no-such-page' })).outcome).toBe('general');
    expect((await fastPath(message('resolved', 'x-3'))).outcome).toBe('general');
    expect((await fastPath(message('snoozed', 'x-4'))).outcome).toBe('general');
    // A profile detail the contact lacks is filled in by the general path…
    expect((await fastPath(message('known', 'x-5', { profile: { name: 'Chị Lan' } }))).outcome).toBe('general');
    expect((await fastPath(message('known', 'x-6', { profile: { email: 'lan@example.com' } }))).outcome).toBe('general');
    expect((await fastPath(message('known', 'x-7', { profile: { phone: '0901234567' } }))).outcome).toBe('general');
    expect((await fastPath(message('known', 'x-8', { profile: { avatarUrl: 'https://example.com/lan.png' } }))).outcome).toBe('general');
    // …and a retry of a stored message is recognised.
    expect((await fastPath(message('known', 'k-1'))).outcome).toBe('duplicate');
    expect(await written()).toEqual(before);

    // Through the pipeline, the general path fills the profile in; the next message with the same profile is fast.
    await h.fake.ingestRaw(message('known', 'k-2', { profile: { name: 'Chị Lan' } }));
    const contact = await h.gw.db.selectFrom('contacts').innerJoin('contact_identities as ci', 'ci.contact_id', 'contacts.id').select('contacts.name').where('ci.external_id', '=', 'known').executeTakeFirstOrThrow();
    expect(contact.name).toBe('Chị Lan');
    expect((await fastPath(message('known', 'k-3', { profile: { name: 'Chị Lan' } }))).outcome).toBe('stored');
  });

  test('20 concurrent deliveries of one message into an open conversation store it once', async () => {
    const h = await start(new ManualClock('2026-03-02T03:00:00Z'));
    await h.fake.receive('user-1', 'first', 'mid-1');
    const results = await Promise.all(Array.from({ length: 20 }, () => h.fake.receive('user-1', 'again', 'mid-2')));
    expect(results.filter((r) => r.stored)).toHaveLength(1);
    expect(await paths(h)).toEqual({ general: 1, fast: 1 });
    const log = await h.gw.db.selectFrom('conversation_events').select('type').where('type', '=', 'message.received').execute();
    expect(log).toHaveLength(2);
  });
});
