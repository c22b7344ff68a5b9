import pino from 'pino';
import type { Bot, BotDecision } from '../../src/core/bot';
import { HOUR, ManualClock, MINUTE } from '../../src/core/clock';
import { ConfigError, loadConfig } from '../../src/config/config';
import { AutoResolver } from '../../src/jobs/auto-resolve';
import { toJson } from '../../src/store/json';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { contact } from '../fakes/contact-script';

/** Answers everything, except "nhân viên" which it hands off. */
class AnsweringBot implements Bot {
  readonly name = 'answering';
  async decide(turn: { text: string }): Promise<BotDecision> {
    if (turn.text.includes('nhân viên')) return { type: 'handoff', reason: 'requested', content: [{ type: 'text', text: 'Dạ, em chuyển nhân viên ạ.' }], state: {} };
    return { type: 'answer', faqId: 'ship', confidence: 0.9, content: [{ type: 'text', text: 'Shop giao hàng toàn quốc ạ.' }], state: {} };
  }
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('auto-resolve on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;
  let agentId: number;

  const start = async (options: { bot?: boolean; botEnabled?: boolean; settings?: Record<string, unknown>; env?: Record<string, string> } = {}) => {
    clock = new ManualClock('2026-01-06T03:00:00Z');
    const { store } = await database.open();
    h = await startHarness(store, { clock, botEnabled: options.botEnabled ?? false, config: options.env ?? {}, ...(options.bot ? { bot: new AnsweringBot() } : {}) });
    await h.gw.db
      .updateTable('inboxes')
      .set({ settings: toJson(options.settings ?? { autoResolveAfterMinutes: 30 }) })
      .where('id', '=', h.inbox.id)
      .execute();
    agentId = (await h.gw.db.insertInto('agents').values({ email: 'ha@anphat.vn', name: 'Hà', role: 'agent', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
  };
  afterEach(async () => h?.gw.close());

  const resolvedEvents = async (conversationId: number) =>
    h.gw.db.selectFrom('conversation_events').select(['data', 'actor_type', 'actor_id']).where('conversation_id', '=', conversationId).where('type', '=', 'conversation.resolved').execute();

  /** A contact writes; an agent takes the conversation and answers. Returns the conversation id. */
  const humanConversation = async (user: string) => {
    const c = contact(h.gw, h.fake, user);
    await c.says('Đơn hàng của em đâu rồi?').expectStatus('pending');
    const conv = (await c.conversation())!;
    await h.gw.actions.assign(conv.id, { agentId }, { type: 'agent', id: agentId });
    await h.gw.outbound.post(conv.id, { content: { type: 'text', text: 'Dạ đơn của anh đang giao ạ.' }, sender: { type: 'agent', id: agentId } });
    return { c, id: conv.id };
  };

  test('a bot conversation idle 30 minutes after the bot answered is resolved by the bot, reason auto_resolved', async () => {
    await start({ bot: true, botEnabled: true });
    const c = contact(h.gw, h.fake, 'u1');
    await c.says('có giao hàng không?').expectReply(/toàn quốc/).expectStatus('bot');
    const id = (await c.conversation())!.id;
    clock.advance(29 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    clock.advance(1 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([id]);
    await c.expectStatus('resolved');
    expect(await resolvedEvents(id)).toEqual([{ data: { from: 'bot', reason: 'auto_resolved' }, actor_type: 'bot', actor_id: null }]);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]); // once
  });

  test('with a human reply it is resolved by the system', async () => {
    await start();
    const { c, id } = await humanConversation('u2');
    clock.advance(31 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([id]);
    await c.expectStatus('resolved');
    expect(await resolvedEvents(id)).toEqual([{ data: { from: 'open', reason: 'auto_resolved' }, actor_type: 'system', actor_id: null }]);
  });

  test('a human replying in a bot conversation makes it a system resolution', async () => {
    await start({ bot: true, botEnabled: true });
    const c = contact(h.gw, h.fake, 'u3');
    await c.says('có giao hàng không?').expectReply(/toàn quốc/);
    const id = (await c.conversation())!.id;
    await h.gw.outbound.post(id, { content: { type: 'text', text: 'Dạ em Hà đây ạ.' }, sender: { type: 'agent', id: agentId } });
    clock.advance(HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([id]);
    expect((await resolvedEvents(id))[0]).toMatchObject({ actor_type: 'system', data: { reason: 'auto_resolved' } });
  });

  test('a contact message meanwhile prevents it; the idle time restarts at the next reply', async () => {
    await start();
    const { c, id } = await humanConversation('u4');
    clock.advance(20 * MINUTE);
    await c.says('Khi nào tới ạ?');
    clock.advance(20 * MINUTE); // 40 minutes after the reply, but the contact spoke last
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    clock.advance(3 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    await c.expectStatus('open');
    await h.gw.outbound.post(id, { content: { type: 'text', text: 'Dạ chiều nay ạ.' }, sender: { type: 'agent', id: agentId } });
    clock.advance(29 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    clock.advance(2 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([id]);
  });

  test('a contact message arriving between the selection and the lock wins', async () => {
    await start();
    const { c, id } = await humanConversation('u5');
    clock.advance(31 * MINUTE);
    // The contact's message is stored under the conversation's row lock; the job re-checks under it.
    const actions = h.gw.actions;
    const original = actions.withConversation.bind(actions);
    let raced = false;
    actions.withConversation = (async (conversationId: number, work: never) => {
      if (!raced) {
        raced = true;
        await h.fake.receive('u5', 'Khoan, em hỏi thêm');
      }
      return original(conversationId, work);
    }) as typeof actions.withConversation;
    try {
      expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    } finally {
      actions.withConversation = original;
    }
    await c.expectStatus('open');
    expect(await resolvedEvents(id)).toEqual([]);
  });

  test('waiting for a person (handed off after the last reply) is never auto-resolved', async () => {
    await start({ bot: true, botEnabled: true });
    const c = contact(h.gw, h.fake, 'u6');
    await c.says('cho em gặp nhân viên').expectReply(/chuyển nhân viên/).expectStatus('pending');
    clock.advance(24 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    await c.expectStatus('pending');
  });

  test('a conversation with no reply at all, or only a system message, is not resolved', async () => {
    await start();
    const c = contact(h.gw, h.fake, 'u7');
    await c.says('Chào shop');
    const id = (await c.conversation())!.id;
    await h.gw.outbound.post(id, { content: { type: 'text', text: 'Ngoài giờ làm việc.' }, sender: { type: 'system', id: null } });
    await h.gw.outbound.post(id, { content: { type: 'text', text: 'Ghi chú nội bộ' }, sender: { type: 'agent', id: agentId }, private: true });
    clock.advance(24 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
  });

  test('snoozed and resolved conversations are left alone', async () => {
    await start();
    const snoozed = await humanConversation('u8');
    await h.gw.actions.snooze(snoozed.id, new Date(clock.now().getTime() + 48 * HOUR), { type: 'agent', id: agentId });
    const resolved = await humanConversation('u9');
    await h.gw.actions.resolve(resolved.id, { type: 'agent', id: agentId });
    clock.advance(24 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    await snoozed.c.expectStatus('snoozed');
    expect(await resolvedEvents(resolved.id)).toHaveLength(1);
  });

  test('the global default (OMNIGATE_AUTO_RESOLVE_HOURS) applies to inboxes without their own; 0 turns an inbox off', async () => {
    await start({ settings: {}, env: { OMNIGATE_AUTO_RESOLVE_HOURS: '2' } });
    const { id } = await humanConversation('u10');
    clock.advance(119 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
    clock.advance(1 * MINUTE);
    expect(await h.gw.autoResolver.runOnce()).toEqual([id]);

    await h.gw.db.updateTable('inboxes').set({ settings: toJson({ autoResolveAfterMinutes: 0 }) }).where('id', '=', h.inbox.id).execute();
    await humanConversation('u11');
    clock.advance(48 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
  });

  test('off by default: no setting, no environment variable', async () => {
    await start({ settings: {} });
    await humanConversation('u12');
    clock.advance(30 * 24 * HOUR);
    expect(await h.gw.autoResolver.runOnce()).toEqual([]);
  });

  test('a bounded batch per pass, oldest first; two nodes never resolve a conversation twice', async () => {
    await start();
    const ids: number[] = [];
    for (const u of ['b1', 'b2', 'b3']) {
      ids.push((await humanConversation(u)).id);
      clock.advance(MINUTE);
    }
    clock.advance(HOUR);
    const logger = pino({ level: 'silent' });
    const small = new AutoResolver({ db: h.gw.db, actions: h.gw.actions, clock, logger, defaultAfterMs: 0, batchSize: 2 });
    expect(await small.runOnce()).toEqual(ids.slice(0, 2));
    // Another node (its own resolver) and this one at the same time: the last one is resolved once.
    const [a, b] = await Promise.all([h.gw.autoResolver.runOnce(), small.runOnce()]);
    expect([...a, ...b]).toEqual([ids[2]]);
    for (const id of ids) expect(await resolvedEvents(id)).toHaveLength(1);
  });

  test('a pass in flight finishes before shutdown completes', async () => {
    await start();
    const { id } = await humanConversation('u13');
    clock.advance(HOUR);
    const pass = h.gw.autoResolver.runOnce();
    await h.gw.close();
    expect(await pass).toEqual([id]);
  });
});

describe('OMNIGATE_AUTO_RESOLVE_HOURS', () => {
  test.each([
    [undefined, 0],
    ['0', 0],
    ['24', 24 * HOUR],
    ['0.5', 30 * MINUTE],
  ])('%s → %s ms', (value, ms) => {
    expect(loadConfig({ OMNIGATE_AUTO_RESOLVE_HOURS: value }).autoResolveAfterMs).toBe(ms);
  });

  test.each([['-1'], ['abc'], ['9000']])('%s is refused, naming the variable', (value) => {
    let error: unknown;
    try {
      loadConfig({ OMNIGATE_AUTO_RESOLVE_HOURS: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable)).toEqual(['OMNIGATE_AUTO_RESOLVE_HOURS']);
  });
});
