import type { Bot, BotDecision, BotTurn } from '../../src/core/bot';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { openStore } from '../../src/store/database';
import { createInbox } from '../../src/store/repos/inboxes';
import type { Db } from '../../src/store/unit-of-work';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';
import { testConfig } from '../support/test-config';

/** Answers every question (slowly when asked to — every question, or only `slowOn` — so decisions overlap). */
class CountingBot implements Bot {
  readonly name = 'counting';
  readonly turns: string[] = [];
  constructor(
    private readonly delayMs = 0,
    private readonly slowOn?: string,
  ) {}
  async decide(turn: BotTurn): Promise<BotDecision> {
    this.turns.push(turn.text);
    if (this.delayMs && (this.slowOn === undefined || this.slowOn === turn.text)) await new Promise((r) => setTimeout(r, this.delayMs));
    return { type: 'answer', faqId: 'ship', confidence: 0.9, content: [{ type: 'text', text: `Trả lời: ${turn.text}` }], state: {} };
  }
}

const botMessages = async (db: Db) => (await db.selectFrom('messages').select(['conversation_id', 'text']).where('sender_type', '=', 'bot').orderBy('id').execute()).map((m) => m.text);
const decisions = async (db: Db) => (await db.selectFrom('bot_decisions').select(['message_id', 'question']).orderBy('id').execute()).map((d) => ({ messageId: Number(d.message_id), question: d.question }));

describe.each(testDatabases().map((d) => [d.kind, d] as const))('contact messages a stopped node never gave the bot, on %s', (kind, database) => {
  const open: Gateway[] = [];
  afterEach(async () => {
    for (const gw of open.splice(0)) await gw.close();
  });
  const start = async (where: { dataDir: string; databaseUrl: string | undefined }, bot?: Bot) => {
    const store = await openStore(where);
    const fake = new FakeChannel();
    const gw = await createGateway({ config: testConfig(), store, channels: [fake], ...(bot ? { bot } : {}) });
    open.push(gw);
    return { gw, fake };
  };
  const stop = async (gw: Gateway) => {
    open.splice(open.indexOf(gw), 1);
    await gw.close(); // waits for the check made at start
  };

  /**
   * What a node that died right after storing leaves: conversations the bot holds whose
   * contact messages were stored but never decided on (here a node with no bot stored them).
   */
  async function storedNeverDecided() {
    const where = await database.open();
    const fake = new FakeChannel();
    const first = await createGateway({ config: testConfig(), store: where.store, channels: [fake] });
    await createInbox(first.db, { channel: fake.id, accountId: fake.accountId, name: 'Website', botEnabled: true });
    const lan = (await fake.receive('u-lan', 'Phí ship bao nhiêu?')).conversationId!;
    await fake.receive('u-hoa', 'Chào shop');
    const hoaLast = (await fake.receive('u-hoa', 'Đổi size được không?')).messageId!;
    // A conversation people hold now: not the bot's to answer.
    const minh = (await fake.receive('u-minh', 'Cho gặp nhân viên')).conversationId!;
    await first.actions.handoff(minh, 'requested', { type: 'bot' });
    expect(await botMessages(first.db)).toEqual([]);
    await first.close();
    return { where: { dataDir: where.dataDir, databaseUrl: where.databaseUrl }, lan, hoaLast };
  }

  test('the next start decides on each conversation’s latest undecided message, once; a later start on nothing', async () => {
    const { where, hoaLast } = await storedNeverDecided();
    const bot = new CountingBot();
    const { gw } = await start(where, bot);
    await waitFor(async () => (await decisions(gw.db)).length === 2);
    await stop(gw);
    expect(bot.turns).toEqual(['Phí ship bao nhiêu?', 'Đổi size được không?']); // not "Chào shop": an older message
    const again = await start(where, new CountingBot());
    expect((await decisions(again.gw.db)).map((d) => d.question)).toEqual(['Phí ship bao nhiêu?', 'Đổi size được không?']);
    expect((await decisions(again.gw.db)).some((d) => d.messageId === hoaLast)).toBe(true);
    await stop(again.gw);
    const after = await start(where);
    expect(await botMessages(after.gw.db)).toEqual(['Trả lời: Phí ship bao nhiêu?', 'Trả lời: Đổi size được không?']);
  });

  test('after the catch-up, the contact’s next message is decided on as usual, once', async () => {
    const { where, lan } = await storedNeverDecided();
    const { gw, fake } = await start(where, new CountingBot());
    await waitFor(async () => (await decisions(gw.db)).length === 2);
    // The contact writes again: the listener decides on that one message only.
    expect((await fake.receive('u-lan', 'Còn hàng không?')).stored).toBe(true);
    await waitFor(async () => (await decisions(gw.db)).length === 3);
    const conversationOf = await gw.db.selectFrom('messages').select('conversation_id').where('sender_type', '=', 'bot').execute();
    expect(conversationOf.filter((m) => m.conversation_id === lan)).toHaveLength(2);
    const rows = await decisions(gw.db);
    expect(new Set(rows.map((d) => d.messageId)).size).toBe(3);
  });

  test('a message the contact sends while the catch-up decides on an older one is answered; the older one is not, so no answer comes out of order', async () => {
    const { where, lan } = await storedNeverDecided();
    const bot = new CountingBot(1000, 'Phí ship bao nhiêu?');
    const { gw, fake } = await start(where, bot);
    await waitFor(async () => bot.turns.includes('Phí ship bao nhiêu?')); // the catch-up is deciding on it
    expect((await fake.receive('u-lan', 'À thôi, shop mở cửa mấy giờ?')).stored).toBe(true);
    await waitFor(async () => (await botMessages(gw.db)).includes('Trả lời: À thôi, shop mở cửa mấy giờ?'));
    await stop(gw); // waits for the catch-up's decision to be applied or refused
    const check = await start(where);
    const answers = await check.gw.db.selectFrom('messages').select('text').where('conversation_id', '=', lan).where('sender_type', '=', 'bot').orderBy('id').execute();
    expect(answers.map((m) => m.text)).toEqual(['Trả lời: À thôi, shop mở cửa mấy giờ?']);
    expect((await decisions(check.gw.db)).map((d) => d.question)).toEqual(['À thôi, shop mở cửa mấy giờ?', 'Đổi size được không?']);
  });

  if (kind === 'postgres') {
    test('two nodes starting together decide on each message once between them', async () => {
      const { where } = await storedNeverDecided();
      // Each bot takes a second to decide, so both nodes find both messages undecided and both decide on them.
      const [a, b] = [new CountingBot(1000), new CountingBot(1000)];
      const [one, two] = await Promise.all([start(where, a), start(where, b)]);
      await waitFor(async () => a.turns.length === 2 && b.turns.length === 2);
      await stop(one.gw);
      await stop(two.gw); // waits for both nodes' decisions to be applied or refused
      const check = await start(where);
      expect((await decisions(check.gw.db)).map((d) => d.question).sort()).toEqual(['Phí ship bao nhiêu?', 'Đổi size được không?']);
      expect((await botMessages(check.gw.db)).sort()).toEqual(['Trả lời: Phí ship bao nhiêu?', 'Trả lời: Đổi size được không?']);
    });
  }
});
