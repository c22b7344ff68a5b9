import fs from 'node:fs';
import path from 'node:path';
import { FaqBot, type StoredFaqEntry } from '../../bots/faq/faq-bot';
import { entriesForInbox, upsertEntry } from '../../bots/faq/faq-store';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { contact } from '../fakes/contact-script';

const demo = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'bots', 'faq', 'data', 'demo-faq.json'), 'utf8')) as StoredFaqEntry[];
const hours = demo.find((e) => e.id === 'gio-mo-cua')!;

describe.each(testDatabases().map((d) => [d.kind, d] as const))('FAQ bot conversations on %s', (_kind, database) => {
  let h: Harness;
  let bot: FaqBot;

  beforeEach(async () => {
    const { store } = await database.open();
    for (const e of demo) await upsertEntry(store.db, { ...e, inboxId: null });
    bot = new FaqBot((inboxId) => entriesForInbox(store.db, inboxId));
    h = await startHarness(store, { bot, botEnabled: true });
  });
  afterEach(async () => h?.gw.close());

  const handoffReasons = async () => (await h.gw.db.selectFrom('conversation_events').select('data').where('type', '=', 'bot.handoff').execute()).map((e) => (e.data as { reason: string }).reason);

  test('question without diacritics → answer → "did it help?" → "không" → handed off (pending, reason logged)', async () => {
    const c = contact(h.gw, h.fake, 'k1');
    await c.says('cua hang mo cua may gio vay').expectReply(hours.answer.slice(0, 30)).expectReply(/giúp bạn không/).expectStatus('bot');
    await c.says('không').expectReply(/nhân viên/).expectStatus('pending');
    expect(await handoffReasons()).toEqual(['negative_feedback']);
    expect(h.fake.sentTo('k1')[1]!.content).toMatchObject({ quickReplies: [{ title: 'Có', payload: 'FAQ_HELPFUL_YES' }, { title: 'Không', payload: 'FAQ_HELPFUL_NO' }] });
  });

  test('answer → "có" (or the Yes button) resolves the conversation as bot-resolved', async () => {
    const c = contact(h.gw, h.fake, 'k2');
    await c.says('Giờ mở cửa của cửa hàng?').expectReply(hours.answer.slice(0, 30)).expectReply(/giúp/);
    await c.says({ type: 'quick_reply', text: 'Có', payload: 'FAQ_HELPFUL_YES' }).expectReply(/Cảm ơn/).expectStatus('resolved');
    const resolved = await h.gw.db.selectFrom('conversation_events').select(['actor_type', 'data']).where('type', '=', 'conversation.resolved').executeTakeFirstOrThrow();
    expect(resolved).toEqual({ actor_type: 'bot', data: { from: 'bot', reason: 'bot_answer_confirmed' } });
    expect(await handoffReasons()).toEqual([]);
  });

  test.each(['gặp nhân viên', 'gap nguoi that', 'cho em nói chuyện với tư vấn viên', 'talk to a human'])('a request for a person ("%s") hands off at once', async (text) => {
    await contact(h.gw, h.fake, 'k3').says(text).expectReply(/nhân viên|agents/).expectStatus('pending');
    expect(await handoffReasons()).toEqual(['requested']);
  });

  test('a request for a person while the bot awaits feedback also hands off', async () => {
    const c = contact(h.gw, h.fake, 'k4');
    await c.says('bao hanh bao lau').expectSomeReply(/giúp/).says('cho mình gặp nhân viên tư vấn').expectStatus('pending');
    expect(await handoffReasons()).toEqual(['requested']);
  });

  test('an out-of-scope question hands off with low confidence and is listed as unanswered', async () => {
    await contact(h.gw, h.fake, 'k5').says('máy giặt nhà tôi kêu to khi vắt').expectReply(/nhân viên/).expectStatus('pending');
    expect(await handoffReasons()).toEqual(['low_confidence']);
    const logged = await h.gw.db.selectFrom('bot_decisions').select(['question', 'action', 'reason']).execute();
    expect(logged).toEqual([{ question: 'máy giặt nhà tôi kêu to khi vắt', action: 'handoff', reason: 'low_confidence' }]);
  });

  test("an agent's reply silences the bot", async () => {
    const c = contact(h.gw, h.fake, 'k6');
    await c.says('phí ship bao nhiêu').expectSomeReply(/giúp/);
    const conv = (await c.conversation())!;
    const agent = await h.gw.db.insertInto('agents').values({ email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
    await h.gw.outbound.post(conv.id, { content: { type: 'text', text: 'Dạ em Lan hỗ trợ anh ạ' }, sender: { type: 'agent', id: agent.id } });
    await c.expectReply('Dạ em Lan hỗ trợ anh ạ').says('giờ mở cửa?').expectSilence();
  });

  test('an edited FAQ entry is answered at once, a deleted one never', async () => {
    const entry: StoredFaqEntry = { id: 'mua-dong', question: 'Shop có bán máy sưởi dầu không?', variants: ['có máy sưởi không'], answer: 'Có, máy sưởi dầu 9 thanh giá 2.490.000 ₫.', lang: 'vi', inboxId: null };
    await contact(h.gw, h.fake, 'k7').says('shop co ban may suoi dau ko').expectReply(/nhân viên/);
    await upsertEntry(h.gw.db, entry);
    await bot.upserted(entry);
    await contact(h.gw, h.fake, 'k8').says('shop co ban may suoi dau ko').expectReply(/máy sưởi dầu 9 thanh/);
    await bot.removed(entry.id);
    await contact(h.gw, h.fake, 'k9').says('shop co ban may suoi dau ko').expectReply(/nhân viên/);
  });
});
