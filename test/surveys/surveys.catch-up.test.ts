import type { ChannelAdapter, ReplyWindow } from '../../src/core/channel';
import { ManualClock, MINUTE } from '../../src/core/clock';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { openStore, type Store } from '../../src/store/database';
import { upsertAgent } from '../../src/store/repos/agents';
import { createInbox } from '../../src/store/repos/inboxes';
import type { Db } from '../../src/store/unit-of-work';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { testConfig } from '../support/test-config';
import { waitFor } from '../support/wait';

type Where = { dataDir: string; databaseUrl: string | undefined };

/** What a node killed right after its commits leaves: the changes are stored, their after-commit listeners never ran. */
const dieAfterEachCommit = (gw: Gateway) => {
  gw.bus.publishCommitted = async () => undefined;
};

/** What the contacts of a conversation were sent by the gateway (survey questions, comment request), in order. */
const systemMessages = async (db: Db, conversationId: number) =>
  (await db.selectFrom('messages').select(['text', 'private']).where('conversation_id', '=', conversationId).where('sender_type', '=', 'system').orderBy('id').execute()).map((m) =>
    m.private ? `(note) ${m.text}` : m.text,
  );
const surveysOf = async (db: Db, conversationId: number) =>
  (await db.selectFrom('surveys').select(['kind', 'status', 'score']).where('conversation_id', '=', conversationId).orderBy('id').execute());

const CSAT = expect.stringMatching(/^Bạn đánh giá cuộc trò chuyện này thế nào\? \(1–5\)/);
const NPS = expect.stringMatching(/^Bạn có sẵn lòng giới thiệu chúng tôi/);
const COMMENT = 'Cảm ơn bạn! Bạn có góp ý gì thêm không?';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('surveys a stopped node never asked, on %s', (_kind, database) => {
  const open: Gateway[] = [];
  afterEach(async () => {
    for (const gw of open.splice(0)) await gw.close();
  });
  /** A node on the test's database: the store `database.open()` gave first, then the same database opened again. */
  const start = async (where: Where & { store?: Store }, clock: ManualClock, channel = new FakeChannel()) => {
    const gw = await createGateway({ config: testConfig(), store: where.store ?? (await openStore(where)), channels: [channel], clock });
    open.push(gw);
    return { gw, fake: channel };
  };
  /** close() waits for the catch-ups made at start. */
  const stop = async (gw: Gateway) => {
    open.splice(open.indexOf(gw), 1);
    await gw.close();
  };

  test('the question a stopped node never asked after a resolution, then after each answer, is asked at the next start, once', async () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z');
    const { store, dataDir, databaseUrl } = await database.open();
    const where = { dataDir, databaseUrl };
    const first = await start({ ...where, store }, clock);
    await createInbox(first.gw.db, { channel: first.fake.id, accountId: first.fake.accountId, name: 'Website', botEnabled: false, settings: { surveys: { csat: true, nps: true } } });
    const conv = (await first.fake.receive('u-lan', 'Đơn hàng của mình tới đâu rồi ạ?')).conversationId!;
    dieAfterEachCommit(first.gw);
    await first.gw.actions.resolve(conv, { type: 'system' });
    expect(await surveysOf(first.gw.db, conv)).toEqual([]);
    await stop(first.gw);

    // The next node asks the CSAT question; the contact answers, and that node dies before asking the NPS question.
    clock.advance(MINUTE);
    const second = await start(where, clock);
    await waitFor(async () => second.fake.sentTo('u-lan').length === 1);
    expect(await surveysOf(second.gw.db, conv)).toEqual([{ kind: 'csat', status: 'sent', score: null }]);
    dieAfterEachCommit(second.gw);
    await second.fake.receive('u-lan', '5');
    expect(await surveysOf(second.gw.db, conv)).toEqual([{ kind: 'csat', status: 'answered', score: 5 }]);
    await stop(second.gw);

    // The next one asks the NPS question; the contact answers, and that node dies before asking for a comment.
    clock.advance(MINUTE);
    const third = await start(where, clock);
    await waitFor(async () => third.fake.sentTo('u-lan').length === 1);
    dieAfterEachCommit(third.gw);
    await third.fake.receive('u-lan', '9');
    await stop(third.gw);

    // The next one asks for the comment; later starts find nothing left to ask.
    clock.advance(MINUTE);
    const fourth = await start(where, clock);
    await waitFor(async () => fourth.fake.sentTo('u-lan').length === 1);
    await stop(fourth.gw);
    const fifth = await start(where, clock);
    await stop(fifth.gw);
    const check = await start(where, clock);
    expect(fifth.fake.sent).toEqual([]);
    expect(await systemMessages(check.gw.db, conv)).toEqual([CSAT, NPS, COMMENT]);
    expect(await surveysOf(check.gw.db, conv)).toEqual([
      { kind: 'csat', status: 'answered', score: 5 },
      { kind: 'nps', status: 'answered', score: 9 },
    ]);
  });

  test('outside the messaging window: one note for the agents, not one per start', async () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z');
    const { store, dataDir, databaseUrl } = await database.open();
    const where = { dataDir, databaseUrl };
    const closed = () => {
      const fake = new FakeChannel();
      (fake as ChannelAdapter).replyWindow = async (): Promise<ReplyWindow> => ({ canReply: false, closesAt: null, freeRepliesLeft: null, note: 'Fake: the window is closed' });
      return fake;
    };
    const first = await start({ ...where, store }, clock, closed());
    await createInbox(first.gw.db, { channel: first.fake.id, accountId: first.fake.accountId, name: 'Website', botEnabled: false });
    const conv = (await first.fake.receive('u-hoa', 'cảm ơn shop')).conversationId!;
    dieAfterEachCommit(first.gw);
    await first.gw.actions.resolve(conv, { type: 'system' });
    await stop(first.gw);
    for (let i = 0; i < 3; i++) await stop((await start(where, clock, closed())).gw);
    const check = await start(where, clock, closed());
    expect(await surveysOf(check.gw.db, conv)).toEqual([{ kind: 'csat', status: 'not_sent', score: null }]);
    expect(await systemMessages(check.gw.db, conv)).toEqual([expect.stringMatching(/^\(note\) .*CSAT.*Fake: the window is closed/)]);
  });

  test('a conversation resolved while surveys were off gets none when they are turned on later; one resolved after does', async () => {
    const clock = new ManualClock('2026-03-02T02:00:00Z');
    const { store, dataDir, databaseUrl } = await database.open();
    const where = { dataDir, databaseUrl };
    const first = await start({ ...where, store }, clock);
    const inbox = await createInbox(first.gw.db, { channel: first.fake.id, accountId: first.fake.accountId, name: 'Website', botEnabled: false, settings: { surveys: { csat: false } } });
    await upsertAgent(first.gw.db, { email: 'admin@anphat.vn', name: 'Admin', role: 'admin', password: 'password-123456' });
    const before = (await first.fake.receive('u-lan', 'mình hỏi chút')).conversationId!;
    await first.gw.actions.resolve(before, { type: 'system' }); // surveys off: nothing to ask
    const url = await first.gw.listen();
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@anphat.vn', password: 'password-123456' }) });
    const { token } = (await login.json()) as { token: string };
    const patch = (settings: Record<string, unknown>) =>
      fetch(`${url}/api/v1/inboxes/${inbox.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ settings }) });
    const changedAt = async () => (await first.gw.db.selectFrom('inboxes').select('surveys_changed_at').where('id', '=', inbox.id).executeTakeFirstOrThrow()).surveys_changed_at;

    expect(await changedAt()).toBeNull(); // as created
    clock.advance(MINUTE);
    expect((await patch({ greeting: 'Chào bạn' })).status).toBe(200);
    expect(await changedAt()).toBeNull(); // another setting: the surveys did not change
    expect((await patch({ surveys: { csat: false } })).status).toBe(200);
    expect(await changedAt()).toBeNull(); // the same survey settings again
    clock.advance(MINUTE);
    expect((await patch({ surveys: { csat: true } })).status).toBe(200);
    expect(await changedAt()).toEqual(clock.now());

    clock.advance(MINUTE);
    const after = (await first.fake.receive('u-hoa', 'shop ơi')).conversationId!;
    dieAfterEachCommit(first.gw);
    await first.gw.actions.resolve(after, { type: 'system' });
    await stop(first.gw);

    const second = await start(where, clock);
    await waitFor(async () => second.fake.sentTo('u-hoa').length === 1);
    await stop(second.gw);
    const check = await start(where, clock);
    expect(await systemMessages(check.gw.db, after)).toEqual([CSAT]);
    expect(await systemMessages(check.gw.db, before)).toEqual([]);
    expect(second.fake.sentTo('u-lan')).toEqual([]);
  });
});
