import type { Bot } from '../../src/core/bot';
import { DAY, ManualClock, MINUTE } from '../../src/core/clock';
import type { HandoffReason } from '../../src/core/domain-events';
import { upsertAgent } from '../../src/store/repos/agents';
import { sql } from 'kysely';
import { bucketsOf, DRILL_FIGURES, ReportService, SERIES_METRICS, type DrillRow, type SeriesMetric } from '../../src/reports/report-service';
import { recomputeDayRollups } from '../../src/reports/day-rollups';
import { RollupWriter, rollupBatchFor } from '../../src/reports/rollup-writer';
import { inboxBusinessDuration } from '../../src/reports/business-duration';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

/** A small deterministic generator (mulberry32), so a failing history can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]! };
}

const silentBot: Bot = { name: 'silent', decide: async (turn) => ({ type: 'none', state: turn.state }) };
const REASONS: HandoffReason[] = ['requested', 'low_confidence', 'negative_feedback', 'rule'];
const SEED = Number(process.env.OMNIGATE_REPORT_SEED ?? 20261123);
const START = new Date('2026-04-06T01:00:00Z');

describe.each(testDatabases().map((d) => [d.kind, d] as const))('report rollups on %s', (_kind, database) => {
  let h: Harness;
  let agents: number[];
  let teams: number[];

  beforeAll(async () => {
    const { store } = await database.open();
    const clock = new ManualClock(START);
    h = await startHarness(store, { clock, bot: silentBot, botEnabled: true });
    agents = [];
    for (const name of ['an', 'binh', 'chi']) agents.push((await upsertAgent(h.gw.db, { email: `${name}@anphat.vn`, name, role: 'agent', password: 'password-123456' })).id);
    // Business hours with a lunch break and a closed Sunday, so business-hours times differ from wall-clock ones.
    const day = [['08:00', '12:00'], ['13:30', '17:30']];
    const businessHours = { week: { mon: day, tue: day, wed: day, thu: day, fri: day, sat: [['08:00', '12:00']] }, holidays: ['2026-04-30'] };
    await h.gw.db.updateTable('inboxes').set({ settings: JSON.stringify({ businessHours }) as never }).where('id', '=', h.inbox.id).execute();
    teams = [];
    for (const name of ['Bán hàng', 'Kỹ thuật']) teams.push((await h.gw.db.insertInto('teams').values({ name }).returning('id').executeTakeFirstOrThrow()).id);

    // A random history: 400 steps over about three weeks, each a plausible action for one of 25 contacts.
    const rnd = random(SEED);
    const latest = new Map<string, number>();
    for (let step = 0; step < 400; step++) {
      clock.advance((1 + rnd.int(rnd.next() < 0.05 ? 5 * 24 * 60 : 120)) * MINUTE);
      const user = `u${rnd.int(25)}`;
      const conv = latest.get(user);
      const status = conv ? (await h.gw.db.selectFrom('conversations').select('status').where('id', '=', conv).executeTakeFirstOrThrow()).status : null;
      const agent = rnd.pick(agents);
      const roll = rnd.next();
      if (!conv || status === 'resolved' || roll < 0.3) {
        latest.set(user, (await h.fake.receive(user, `tin ${step}`)).conversationId!);
      } else if (status === 'bot') {
        if (roll < 0.55) await h.gw.outbound.post(conv, { content: { type: 'text', text: 'bot' }, sender: { type: 'bot' } });
        else if (roll < 0.8) await h.gw.actions.handoff(conv, rnd.pick(REASONS), { type: 'bot' });
        else await h.gw.actions.resolve(conv, { type: 'bot' });
      } else if (status === 'pending' || status === 'open') {
        if (roll < 0.5) await h.gw.outbound.post(conv, { content: { type: 'text', text: 'agent' }, sender: { type: 'agent', id: agent } });
        else if (roll < 0.7) await h.gw.actions.assign(conv, { agentId: agent, teamId: rnd.pick(teams) }, { type: 'system' });
        else if (roll < 0.75) await h.gw.outbound.post(conv, { content: { type: 'text', text: 'note' }, sender: { type: 'agent', id: agent }, private: true });
        else await h.gw.actions.resolve(conv, { type: 'agent', id: agent });
      }
    }
    await h.gw.rollups.flush();
  }, 120_000);
  afterAll(() => h?.gw.close());

  test(`the rollups give the same figures as the raw log (seed ${SEED}) for any period and filter`, async () => {
    const reports = new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration });
    const end = new Date(START.getTime() + 30 * DAY);
    const rnd = random(SEED + 1);
    const periods = [{ from: START, to: end }];
    for (let i = 0; i < 4; i++) {
      const from = new Date(START.getTime() + rnd.int(20 * 24) * 3_600_000);
      periods.push({ from, to: new Date(from.getTime() + (1 + rnd.int(6)) * DAY) });
    }
    const filters = [{}, { agentId: agents[0] }, { teamId: teams[1] }, { channel: 'fake' }, { channel: 'messenger' }];
    let compared = 0;
    for (const p of periods) {
      for (const f of filters) {
        const fromRollups = await reports.summary(p, f);
        expect({ period: p, filter: f, summary: await reports.summaryFromLog(p, f) }).toEqual({ period: p, filter: f, summary: fromRollups });
        compared++;
      }
    }
    const whole = await reports.summary(periods[0]!, {});
    // The history is not trivial: every kind of figure has data.
    expect(whole.fcr.of).toBeGreaterThan(3);
    expect(whole.handoff.count).toBeGreaterThan(3);
    expect(whole.humanFirstResponse.count).toBeGreaterThan(3);
    expect(whole.resolutionTime.count).toBeGreaterThan(3);
    expect(whole.resolutionTime.business.meanMs).toBeLessThan(whole.resolutionTime.meanMs!); // closed time left out
    expect(whole.csat.sent).toBeGreaterThan(3);
    expect(compared).toBe(25);
    // the drill-down lists from the tables are the log's too
    const byKey = (rows: DrillRow[]) => [...rows].sort((a, b) => a.conversationId - b.conversationId || String(a.value).localeCompare(String(b.value)));
    for (const p of periods.slice(0, 2)) {
      for (const figure of DRILL_FIGURES) {
        const fromTables = await reports.conversations(p, {}, figure, { limit: 5000, offset: 0 });
        expect({ figure, rows: byKey(fromTables.items) }).toEqual({ figure, rows: byKey(await reports.conversationsFromLog(p, {}, figure)) });
        expect(fromTables.total).toBe(fromTables.items.length);
      }
    }
  });

  test('the day tables (times, histograms, counts, handoffs) and activity links kept by each write equal those recomputed from scratch', async () => {
    const snapshot = async () => ({
      days: await h.gw.db.selectFrom('report_time_days').select(['inbox_id', 'team_id', 'agent_id', 'kind', 'n', 'sum_ms', 'sum_business_ms', sql<string>`day::text`.as('day')]).where('n', '<>', 0).orderBy('day').orderBy('inbox_id').orderBy('team_id').orderBy('agent_id').orderBy('kind').execute(),
      histogram: await h.gw.db.selectFrom('report_time_histogram').select(['inbox_id', 'kind', 'business', 'bucket', 'n', sql<string>`day::text`.as('day')]).where('n', '<>', 0).orderBy('day').orderBy('inbox_id').orderBy('kind').orderBy('business').orderBy('bucket').execute(),
      counts: (await h.gw.db.selectFrom('report_conversation_days').selectAll().select(sql<string>`day::text`.as('day_text')).orderBy('day_text').orderBy('inbox_id').orderBy('team_id').orderBy('agent_id').execute()).filter((r) =>
        Object.entries(r).some(([k, v]) => typeof v === 'number' && !['inbox_id', 'team_id', 'agent_id'].includes(k) && v !== 0),
      ).map(({ day: _day, ...r }) => r),
      handoffs: await h.gw.db.selectFrom('report_handoff_days').select(['inbox_id', 'team_id', 'agent_id', 'reason', 'n', sql<string>`day::text`.as('day')]).where('n', '<>', 0).orderBy('day').orderBy('inbox_id').orderBy('team_id').orderBy('agent_id').orderBy('reason').execute(),
      linkDays: await h.gw.db.selectFrom('report_activity_days').select(['channel', 'n', sql<string>`day::text`.as('d'), sql<string>`prev_day::text`.as('p')]).where('n', '<>', 0).orderBy('channel').orderBy('d').orderBy('p').execute(),
      links: await h.gw.db.selectFrom('report_activity').select(['conversation_id', 'at', 'prev_at']).orderBy('conversation_id').orderBy('at').execute(),
    });
    const kept = await snapshot();
    expect(kept.days.length).toBeGreaterThan(10);
    expect(kept.counts.length).toBeGreaterThan(10);
    expect(kept.handoffs.length).toBeGreaterThan(3);
    expect(kept.linkDays.length).toBeGreaterThan(10);
    expect(kept.links.filter((l) => l.prev_at !== null).length).toBeGreaterThan(10);
    await recomputeDayRollups(h.gw.db);
    expect(await snapshot()).toEqual(kept);
  });

  test('each time-series point equals the summary of its bucket, for every metric (days and weeks, local time)', async () => {
    const reports = new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration });
    const period = { from: new Date(START.getTime() + 5 * 3_600_000), to: new Date(START.getTime() + 26 * DAY) };
    let nonEmpty = 0;
    for (const [interval, filter] of [['day', {}], ['week', { agentId: agents[1] }], ['day', { channel: 'fake' }]] as const) {
      const buckets = bucketsOf(period, interval, 'Asia/Ho_Chi_Minh');
      const summaries = await Promise.all(buckets.map((b) => reports.summary(b, filter)));
      for (const metric of Object.keys(SERIES_METRICS) as SeriesMetric[]) {
        const points = await reports.timeseries(period, filter, metric, interval, 'Asia/Ho_Chi_Minh');
        const expected = summaries.map((s) => SERIES_METRICS[metric](s));
        expect({ interval, metric, values: points.map((p) => p.value) }).toEqual({ interval, metric, values: expected });
        nonEmpty += expected.filter((v) => v !== null && v !== 0).length;
      }
    }
    expect(nonEmpty).toBeGreaterThan(100);
  });

  test('a rebuild from the log gives the same rows', async () => {
    const before = await h.gw.db.selectFrom('report_times').selectAll().orderBy('conversation_id').orderBy('kind').orderBy('at').execute();
    await h.gw.db.deleteFrom('report_times').execute();
    await h.gw.db.deleteFrom('report_conversations').execute();
    expect(await h.gw.rollups.rebuild()).toBeGreaterThan(20);
    expect(await h.gw.db.selectFrom('report_times').selectAll().orderBy('conversation_id').orderBy('kind').orderBy('at').execute()).toEqual(before);
  });

  test('rewriting one conversation per transaction or fifty gives the same rows (the embedded store rewrites a few at a time)', async () => {
    const rows = async () => ({
      conversations: await h.gw.db.selectFrom('report_conversations').selectAll().orderBy('conversation_id').execute(),
      times: await h.gw.db.selectFrom('report_times').selectAll().orderBy('conversation_id').orderBy('kind').orderBy('at').execute(),
      activity: await h.gw.db.selectFrom('report_activity').select(['conversation_id', 'at', 'prev_at']).orderBy('conversation_id').orderBy('at').execute(),
    });
    const rebuildWith = async (batchSize: number) => {
      await h.gw.db.deleteFrom('report_times').execute();
      await h.gw.db.deleteFrom('report_conversations').execute();
      const writer = new RollupWriter({ db: h.gw.db, logger: h.gw.logger, business: inboxBusinessDuration, batchSize, delayMs: 2 ** 30 });
      expect(await writer.rebuild()).toBeGreaterThan(20);
      return rows();
    };
    const byFifty = await rebuildWith(50);
    expect(byFifty.conversations.length).toBeGreaterThan(20);
    expect(byFifty.times.length).toBeGreaterThan(50);
    expect(await rebuildWith(1)).toEqual(byFifty);
    expect(await rebuildWith(rollupBatchFor('pglite'))).toEqual(byFifty);
  });
});
