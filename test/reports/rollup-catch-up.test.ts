import { sql } from 'kysely';
import { DAY } from '../../src/core/clock';
import { upsertAgent } from '../../src/store/repos/agents';
import { createGateway, type Gateway } from '../../src/server/gateway';
import { openStore } from '../../src/store/database';
import type { Db } from '../../src/store/unit-of-work';
import { ReportService } from '../../src/reports/report-service';
import { inboxBusinessDuration } from '../../src/reports/business-duration';
import { recomputeDayRollups } from '../../src/reports/day-rollups';
import { recomputeCountDays } from '../../src/reports/count-rollups';
import { recomputeActivityLinks } from '../../src/reports/activity-links';
import { FakeChannel } from '../fakes/fake-channel';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { testConfig } from '../support/test-config';

const REPORT_TABLES = ['report_conversations', 'report_times', 'report_segments', 'report_surveys', 'report_activity'] as const;

/** The last event of a conversation that its report row must have seen (a row may have seen a later delivery status too). */
async function lastCounted(db: Db, conversationId: number): Promise<number> {
  const row = await db
    .selectFrom('conversation_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .where('conversation_id', '=', conversationId)
    .where('type', '<>', 'message.status_changed')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

async function rowSeen(db: Db, conversationId: number): Promise<number | null> {
  const row = await db.selectFrom('report_conversations').select('last_event_id').where('conversation_id', '=', conversationId).executeTakeFirst();
  return row ? Number(row.last_event_id) : null;
}

describe.each(testDatabases().map((d) => [d.kind, d] as const))('report rows a stopped node never wrote, on %s', (_kind, database) => {
  let h: Harness | null = null;
  let restarted: Gateway | null = null;
  const period = { from: new Date(Date.now() - DAY), to: new Date(Date.now() + DAY) };

  afterEach(async () => {
    await h?.gw.close();
    await restarted?.close();
    h = null;
    restarted = null;
  });

  /**
   * Three conversations whose rows were written, then what a node that died within the
   * rollups' one-second delay leaves: B's last rewrite lost (its row older than its log), C
   * never written at all (no rows; the day, count and link tables without it). A's last
   * event is a delivery status, which the rollups never count.
   */
  async function diedBeforeWriting(x: Harness) {
    const agent = (await upsertAgent(x.gw.db, { email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password: 'password-123456' })).id;
    const a = (await x.fake.receive('u-a', 'Shop ơi còn áo size M không?')).conversationId!;
    await x.gw.outbound.post(a, { content: { type: 'text', text: 'Dạ còn ạ' }, sender: { type: 'agent', id: agent } });
    await x.gw.dispatcher.idle();
    const b = (await x.fake.receive('u-b', 'Cho mình hỏi phí ship')).conversationId!;
    await x.gw.outbound.post(b, { content: { type: 'text', text: '30.000đ ạ' }, sender: { type: 'agent', id: agent } });
    await x.gw.actions.resolve(b, { type: 'agent', id: agent });
    const c = (await x.fake.receive('u-c', 'Đơn #A1023 giao chưa ạ?')).conversationId!;
    await x.gw.outbound.post(c, { content: { type: 'text', text: 'Dạ đơn đang giao ạ' }, sender: { type: 'agent', id: agent } });
    await x.gw.actions.resolve(c, { type: 'agent', id: agent });
    await x.gw.dispatcher.idle();
    await x.gw.rollups.flush();
    const lastTypeOfA = await x.gw.db.selectFrom('conversation_events').select('type').where('conversation_id', '=', a).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(lastTypeOfA.type).toBe('message.status_changed');
    expect(await rowSeen(x.gw.db, a)).not.toBeNull(); // written

    const firstOfB = await x.gw.db.selectFrom('conversation_events').select('id').where('conversation_id', '=', b).orderBy('id').limit(1).executeTakeFirstOrThrow();
    await x.gw.db.updateTable('report_conversations').set({ last_event_id: Number(firstOfB.id) }).where('conversation_id', '=', b).execute();
    for (const table of REPORT_TABLES) await x.gw.db.deleteFrom(table).where('conversation_id', '=', c).execute();
    await recomputeDayRollups(x.gw.db);
    await recomputeCountDays(x.gw.db);
    await recomputeActivityLinks(x.gw.db);

    // The reports really miss C (one resolution, one first-contact resolution fewer).
    const reports = new ReportService({ db: x.gw.db, businessDuration: inboxBusinessDuration });
    const fromLog = await reports.summaryFromLog(period, {});
    expect(await reports.summary(period, {})).not.toEqual(fromLog);
    return { a, b, c, reports, fromLog };
  }

  test('catchUp schedules exactly the conversations whose rows are missing or older than their log; the figures equal the log again', async () => {
    const { store } = await database.open();
    const x = (h = await startHarness(store));
    const { a, b, c, reports, fromLog } = await diedBeforeWriting(x);
    const seenA = await rowSeen(x.gw.db, a);

    expect(await x.gw.rollups.catchUp()).toBe(2);
    await x.gw.rollups.flush();
    expect(await rowSeen(x.gw.db, b)).toBeGreaterThanOrEqual(await lastCounted(x.gw.db, b));
    expect(await rowSeen(x.gw.db, c)).toBeGreaterThanOrEqual(await lastCounted(x.gw.db, c));
    expect(await rowSeen(x.gw.db, a)).toBe(seenA); // not rewritten
    expect(await reports.summary(period, {})).toEqual(fromLog);
    expect(await x.gw.rollups.catchUp()).toBe(0);
  });

  test('a gateway starting on the database catches up by itself', async () => {
    const { store, dataDir, databaseUrl } = await database.open();
    const x = (h = await startHarness(store));
    const { b, c, fromLog } = await diedBeforeWriting(x);
    await x.gw.close();
    h = null;

    const again = await openStore({ dataDir, databaseUrl });
    restarted = await createGateway({ config: testConfig(), store: again, channels: [new FakeChannel()] });
    await restarted.rollups.settled(); // the check made at start
    await restarted.rollups.flush();
    expect(await rowSeen(restarted.db, b)).toBeGreaterThanOrEqual(await lastCounted(restarted.db, b));
    expect(await rowSeen(restarted.db, c)).toBeGreaterThanOrEqual(await lastCounted(restarted.db, c));
    const reports = new ReportService({ db: restarted.db, businessDuration: inboxBusinessDuration });
    expect(await reports.summary(period, {})).toEqual(fromLog);
    expect((await sql<{ n: number }>`select count(*)::int as n from report_conversations`.execute(restarted.db)).rows[0]!.n).toBe(3);
  });
});
