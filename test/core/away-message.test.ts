import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import { ManualClock, MINUTE } from '../../src/core/clock';
import { toJson } from '../../src/store/json';
import { upsertAgent } from '../../src/store/repos/agents';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { contact } from '../fakes/contact-script';

/** A Vietnamese wall-clock time as an instant: vn('2026-01-06 20:00') (UTC+7). */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);

const WEEKDAY = [
  ['08:00', '12:00'],
  ['13:30', '17:30'],
];
const businessHours = {
  timeZone: 'Asia/Ho_Chi_Minh',
  week: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY, sat: [['08:00', '12:00']] },
  holidays: [{ from: '2027-02-05', to: '2027-02-10' }],
};

/** Answers "giờ mở cửa", hands off on "nhân viên", otherwise says it does not know. */
class TinyBot implements Bot {
  readonly name = 'tiny';
  readonly turns: BotTurn[] = [];
  async decide(turn: BotTurn): Promise<BotDecision> {
    this.turns.push(turn);
    if (turn.text.includes('nhân viên')) return { type: 'handoff', reason: 'requested', content: [{ type: 'text', text: 'Dạ, em chuyển nhân viên ạ.' }], state: {} };
    return { type: 'answer', faqId: 'hours', confidence: 0.9, content: [{ type: 'text', text: 'Shop mở cửa 8h–17h30.' }], state: {} };
  }
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('away message on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;
  let bot: TinyBot;

  const start = async (options: { bot?: boolean; botEnabled?: boolean; settings?: Record<string, unknown> } = {}) => {
    clock = new ManualClock(vn('2026-01-06 20:00')); // a Tuesday evening
    bot = new TinyBot();
    const { store } = await database.open();
    h = await startHarness(store, { clock, botEnabled: options.botEnabled ?? false, ...(options.bot ? { bot } : {}) });
    await h.gw.db
      .updateTable('inboxes')
      .set({ settings: toJson(options.settings ?? { businessHours }) })
      .where('id', '=', h.inbox.id)
      .execute();
  };
  afterEach(async () => h?.gw.close());

  const systemMessages = async () =>
    (await h.gw.db.selectFrom('messages').select(['text', 'sender_type', 'status']).where('sender_type', '=', 'system').orderBy('id').execute()).map((m) => m.text);

  test('20:00 on a weekday: the away message with the next opening, once per closed period', async () => {
    await start();
    const c = contact(h.gw, h.fake, 'u1');
    await c
      .says('Shop ơi còn hàng không?')
      .expectReply('Cảm ơn bạn đã nhắn tin! Hiện chúng tôi đang ngoài giờ làm việc. Chúng tôi sẽ trả lời từ 08:00 thứ Tư, 07/01.')
      .expectStatus('pending');
    clock.advance(5 * MINUTE);
    await c.says('Alo?').expectSilence();
    clock.set(vn('2026-01-07 06:30')); // still the same closed period (the night)
    await c.says('Có ai không ạ?').expectSilence();
    expect(await systemMessages()).toHaveLength(1);

    // The next evening is another closed period: one more away message, with the new opening.
    clock.set(vn('2026-01-07 19:00'));
    await c.says('Shop ơi?').expectReply(/Chúng tôi sẽ trả lời từ 08:00 thứ Năm, 08\/01\.$/);
    expect(await systemMessages()).toHaveLength(2);

    // Sent through the outbox as a system message, logged as message.sent.
    await h.gw.dispatcher.idle();
    const sent = await h.gw.db.selectFrom('messages').select(['sender_type', 'status', 'private']).where('sender_type', '=', 'system').execute();
    expect(sent.every((m) => m.status === 'sent' && !m.private)).toBe(true);
    const conv = (await c.conversation())!;
    const logged = await h.gw.db.selectFrom('conversation_events').select(['type', 'actor_type']).where('conversation_id', '=', conv.id).where('type', '=', 'message.sent').execute();
    expect(logged).toEqual([
      { type: 'message.sent', actor_type: 'system' },
      { type: 'message.sent', actor_type: 'system' },
    ]);
  });

  test('during business hours: nothing', async () => {
    await start();
    clock.set(vn('2026-01-07 09:00'));
    await contact(h.gw, h.fake, 'u2').says('Chào shop').expectSilence().expectStatus('pending');
    expect(await systemMessages()).toEqual([]);
  });

  test('the lunch break, Sunday and holidays are closed too; the lunch break points to 13:30', async () => {
    await start();
    clock.set(vn('2026-01-07 12:15'));
    await contact(h.gw, h.fake, 'u3').says('Trưa có ai không?').expectReply(/trả lời từ 13:30 thứ Tư, 07\/01\.$/);
    clock.set(vn('2026-01-11 10:00'));
    await contact(h.gw, h.fake, 'u4').says('Chủ nhật mở không?').expectReply(/trả lời từ 08:00 thứ Hai, 12\/01\.$/);
    clock.set(vn('2027-02-07 10:00'));
    await contact(h.gw, h.fake, 'u5').says('Tết có giao hàng không?').expectReply(/trả lời từ 08:00 thứ Năm, 11\/02\.$/);
  });

  test('a conversation with the bot: the bot answers, no away message; after its handoff, the away message once', async () => {
    await start({ bot: true, botEnabled: true });
    const c = contact(h.gw, h.fake, 'u6');
    await c.says('giờ mở cửa?').expectReply(/8h–17h30/).expectSilence().expectStatus('bot');
    expect(await systemMessages()).toEqual([]);
    await c.says('cho em gặp nhân viên').expectReply(/chuyển nhân viên/).expectReply(/trả lời từ 08:00 thứ Tư, 07\/01\.$/).expectStatus('pending');
    await c.says('em chờ nhé').expectSilence();
    expect(await systemMessages()).toHaveLength(1);
  });

  test('an inbox with the bot off gets it even when the gateway has a bot; the bot is not asked', async () => {
    await start({ bot: true, botEnabled: false });
    await contact(h.gw, h.fake, 'u7').says('giờ mở cửa?').expectReply(/ngoài giờ làm việc/).expectSilence();
    expect(bot.turns).toEqual([]);
  });

  test('an inbox with the bot on but no bot configured: nobody would answer, so the away message goes', async () => {
    await start({ bot: false, botEnabled: true });
    await contact(h.gw, h.fake, 'u8').says('Chào').expectReply(/ngoài giờ làm việc/).expectStatus('bot');
  });

  test("the inbox's own text and language; the contact's language first", async () => {
    await start({ settings: { lang: 'en', businessHours: { ...businessHours, awayMessage: { vi: 'Shop An Phát đã nghỉ.', en: 'An Phát is closed.' } } } });
    const c = contact(h.gw, h.fake, 'u10');
    await c.says('xin chào').expectReply('An Phát is closed. We will reply from 08:00 on Wednesday, 7 January.');
    const conv = (await c.conversation())!;
    await h.gw.db.updateTable('contacts').set({ attributes: toJson({ lang: 'vi' }) }).where('id', '=', conv.contact_id).execute();
    clock.set(vn('2026-01-07 18:00')); // the next closed period
    await c.says('còn hàng không?').expectReply('Shop An Phát đã nghỉ. Chúng tôi sẽ trả lời từ 08:00 thứ Năm, 08/01.');
  });

  test('no business hours, or invalid ones stored by hand: nothing (and no failure)', async () => {
    await start({ settings: {} });
    await contact(h.gw, h.fake, 'u11').says('Chào').expectSilence().expectStatus('pending');
    await h.gw.db.updateTable('inboxes').set({ settings: toJson({ businessHours: { week: { mon: [['9', '5']] } } }) }).where('id', '=', h.inbox.id).execute();
    await contact(h.gw, h.fake, 'u12').says('Chào').expectSilence().expectStatus('pending');
    expect(await systemMessages()).toEqual([]);
  });

  test('a passive message (another app owns the thread) gets nothing', async () => {
    await start();
    await h.fake.ingestRaw({ kind: 'message', channel: h.fake.id, accountId: h.fake.accountId, externalUserId: 'u13', externalId: 'p-1', sentAt: new Date(), content: { type: 'text', text: 'hi' }, passive: true });
    await contact(h.gw, h.fake, 'u13').expectSilence();
    expect(await systemMessages()).toEqual([]);
  });
});

describe('inbox settings API: business hours and auto-resolve are validated', () => {
  let h: Harness;
  let url: string;
  let token: string;

  beforeAll(async () => {
    const { store } = await testDatabases()[0]!.open();
    h = await startHarness(store);
    await upsertAgent(h.gw.db, { email: 'admin@anphat.vn', name: 'Admin', role: 'admin', password: 'password-123456' });
    url = await h.gw.listen();
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@anphat.vn', password: 'password-123456' }) });
    token = ((await res.json()) as { token: string }).token;
  });
  afterAll(async () => h?.gw.close());

  const patch = async (body: unknown) => {
    const res = await fetch(`${url}/api/v1/inboxes/${h.inbox.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as { settings?: Record<string, unknown>; error?: { code: string; message: string } } };
  };

  test.each([
    [{ businessHours: { week: { mon: [['17:30', '08:00']] } } }, 'settings.businessHours.week.mon.0: must end after it starts'],
    [{ businessHours: { timeZone: 'Asia/Hanoi', week: {} } }, 'settings.businessHours.timeZone: unknown time zone'],
    [{ businessHours: { week: {}, holidays: ['2027-02-30'] } }, 'settings.businessHours.holidays.0: must be a real date'],
    [{ businessHours: 'Mon–Fri 8–17' }, 'settings.businessHours: must be an object'],
    [{ autoResolveAfterMinutes: -5 }, 'settings.autoResolveAfterMinutes: must be a whole number of minutes'],
    [{ autoResolveAfterMinutes: '30' }, 'settings.autoResolveAfterMinutes: must be a whole number of minutes'],
  ])('%j → 400', async (settings, message) => {
    const res = await patch({ settings });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'GW_ERR_VALIDATION' });
    expect(res.json.error!.message).toContain(message);
  });

  test('valid settings are stored as given; null removes them', async () => {
    const settings = { businessHours: { ...businessHours, awayMessage: 'Shop đã nghỉ.' }, autoResolveAfterMinutes: 60 };
    const res = await patch({ settings });
    expect(res.status).toBe(200);
    expect(res.json.settings).toMatchObject(settings);
    const cleared = await patch({ settings: { businessHours: null, autoResolveAfterMinutes: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.json.settings).toMatchObject({ businessHours: null, autoResolveAfterMinutes: null });
  });
});
