import { ManualClock } from '../../src/core/clock';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { openStore } from '../../src/store/database';
import { toJson } from '../../src/store/json';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import type { Db } from '../../src/store/unit-of-work';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

/** A Vietnamese wall-clock time as an instant (UTC+7). */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const DAY = [['08:00', '17:30']];
const businessHours = { timeZone: 'Asia/Ho_Chi_Minh', week: { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY } };

const awayMessages = async (db: Db) =>
  (await db.selectFrom('messages').select(['conversation_id', 'text']).where('sender_type', '=', 'system').where('private', '=', false).orderBy('id').execute()).map((m) => ({ conversationId: m.conversation_id, text: m.text }));

describe.each(testDatabases().map((d) => [d.kind, d] as const))('away messages a stopped node never sent, on %s', (_kind, database) => {
  const open: Gateway[] = [];
  afterEach(async () => {
    for (const gw of open.splice(0)) await gw.close();
  });
  const start = async (where: { dataDir: string; databaseUrl: string | undefined }, clock: ManualClock) => {
    const gw = await createGateway({ config: testConfig(), store: await openStore(where), channels: [new FakeChannel()], clock });
    open.push(gw);
    return gw;
  };
  const stop = async (gw: Gateway) => {
    open.splice(open.indexOf(gw), 1);
    await gw.close(); // waits for the check made at start
  };

  test('a contact who wrote in the current closed period gets the away message at the next start, once; one who was answered does not', async () => {
    const clock = new ManualClock(vn('2026-01-06 20:00')); // a Tuesday evening: closed since 17:30
    const { store, dataDir, databaseUrl } = await database.open();
    const where = { dataDir, databaseUrl };
    // What a node that died right after storing leaves: the messages, no away message. (Here the
    // inbox had no hours yet when they came; the database looks the same.)
    const fake = new FakeChannel();
    const first = await createGateway({ config: testConfig(), store, channels: [fake], clock });
    const inbox = await createInbox(first.db, { channel: fake.id, accountId: fake.accountId, name: 'Website', botEnabled: false });
    const waiting = (await fake.receive('u-lan', 'Shop ơi còn hàng không?')).conversationId!;
    const answered = (await fake.receive('u-hoa', 'Giao hàng mất mấy ngày?')).conversationId!;
    const agent = (await upsertAgent(first.db, { email: 'minh@anphat.vn', name: 'Minh', role: 'agent', password: 'password-123456' })).id;
    await first.outbound.post(answered, { content: { type: 'text', text: 'Dạ 2–3 ngày ạ' }, sender: { type: 'agent', id: agent } });
    await first.dispatcher.idle();
    await first.db.updateTable('inboxes').set({ settings: toJson({ businessHours }) }).where('id', '=', inbox.id).execute();
    expect(await awayMessages(first.db)).toEqual([]);
    await first.close();

    const second = await start(where, clock);
    await waitFor(async () => (await awayMessages(second.db)).length > 0);
    await stop(second);
    const third = await start(where, clock);
    await stop(third);
    clock.set(vn('2026-01-07 06:30')); // the same closed period, later: still nothing more
    const fourth = await start(where, clock);
    const sent = await awayMessages(fourth.db);
    expect(sent).toEqual([{ conversationId: waiting, text: 'Cảm ơn bạn đã nhắn tin! Hiện chúng tôi đang ngoài giờ làm việc. Chúng tôi sẽ trả lời từ 08:00 thứ Tư, 07/01.' }]);
  });

  test('nothing for a message written before the current closed period, or while the inbox is open', async () => {
    const clock = new ManualClock(vn('2026-01-06 16:00')); // open
    const { store, dataDir, databaseUrl } = await database.open();
    const fake = new FakeChannel();
    const first = await createGateway({ config: testConfig(), store, channels: [fake], clock });
    await createInbox(first.db, { channel: fake.id, accountId: fake.accountId, name: 'Website', botEnabled: false, settings: { businessHours } });
    await fake.receive('u-lan', 'Shop ơi còn hàng không?');
    await first.close();
    const during = await start({ dataDir, databaseUrl }, clock); // still open: nothing to say
    await stop(during);
    clock.set(vn('2026-01-06 20:00')); // closed now, but the message came while it was open
    const after = await start({ dataDir, databaseUrl }, clock);
    await stop(after);
    const check = await start({ dataDir, databaseUrl }, clock);
    expect(await awayMessages(check.db)).toEqual([]);
  });
});
