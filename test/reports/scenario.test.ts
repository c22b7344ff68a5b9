import type { Bot } from '../../src/core/bot';
import { DAY, ManualClock, MINUTE } from '../../src/core/clock';
import { upsertAgent } from '../../src/store/repos/agents';
import { DRILL_FIGURES, ReportService, type DrillRow } from '../../src/reports/report-service';
import { inboxBusinessDuration } from '../../src/reports/business-duration';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { waitFor } from '../support/wait';

/**
 * issue #8's scripted scenario: a controlled clock, six conversations whose every figure
 * is computed by hand below (minutes after T0 = Monday 2026-03-02 09:00 in Vietnam).
 *   A  bot answers after 1 min, the contact asks again at 3, bot answers at 4, bot resolves at 5
 *   B  bot answers at 12; the contact asks for a person at 13 (handoff: requested); agent 1 replies at 20, resolves at 25
 *   C  created at 30, handoff (low confidence) at 31, agent 1 assigned at 35, replies at 40; transferred to agent 2 at 45, who replies at 50 and resolves at 55
 *   D  created at 60, bot answers at 61, resolves at 62; the contact writes again 2 days later (reopen), bot answers 1 min later, resolves 1 min after that
 *   E  created at 70, bot answers at 71, resolves at 72; the contact writes again 8 days later: a new conversation F
 *   F  bot answers 1 min after creation and it stays open (the backlog at the end of the period)
 *   G  created at 170 (11:50, ten minutes before lunch), handed off at once (requested); agent 1 replies
 *      at 280 (13:40, after lunch) and resolves at 285
 *   and contact A writes again on day 12 (the next period: retention).
 * Surveys (the inbox asks CSAT, then NPS): A answers 5 then 10, B "4 sao" then 7, C 2 and
 * no NPS, G 3 then 6; D and E never answer.
 * Business hours: Mon–Fri 08:00–12:00 and 13:30–17:30, Sat 08:00–12:00 (Asia/Ho_Chi_Minh):
 * only G's times cross closed time (the lunch break): 10 + 10 open minutes to its first
 * reply, 10 + 15 to its resolution; every other time lies within open hours.
 */
const T0 = new Date('2026-03-02T02:00:00Z');
const silentBot: Bot = { name: 'scripted', decide: async (turn) => ({ type: 'none', state: turn.state }) };
const HOURS = { week: { mon: [['08:00', '12:00'], ['13:30', '17:30']], tue: [['08:00', '12:00'], ['13:30', '17:30']], wed: [['08:00', '12:00'], ['13:30', '17:30']], thu: [['08:00', '12:00'], ['13:30', '17:30']], fri: [['08:00', '12:00'], ['13:30', '17:30']], sat: [['08:00', '12:00']] } };

describe.each(testDatabases().map((d) => [d.kind, d] as const))('reports: the scripted scenario on %s', (_kind, database) => {
  let h: Harness;
  let clock: ManualClock;
  let agent1: number;
  let agent2: number;

  beforeAll(async () => {
    const { store } = await database.open();
    clock = new ManualClock(T0);
    h = await startHarness(store, { clock, bot: silentBot, botEnabled: true });
    agent1 = (await upsertAgent(h.gw.db, { email: 'lan@anphat.vn', name: 'Lan', role: 'agent', password: 'password-123456' })).id;
    agent2 = (await upsertAgent(h.gw.db, { email: 'minh@anphat.vn', name: 'Minh', role: 'agent', password: 'password-123456' })).id;
    await h.gw.db.updateTable('inboxes').set({ settings: JSON.stringify({ surveys: { csat: true, nps: true }, businessHours: HOURS }) as never }).where('id', '=', h.inbox.id).execute();
    await runScenario();
    await h.gw.rollups.flush();
  });
  afterAll(() => h?.gw.close());
  let listening: Promise<string> | null = null;
  const serve = () => (listening ??= h.gw.listen());

  const at = (minutes: number) => clock.set(new Date(T0.getTime() + minutes * MINUTE));
  const says = async (user: string, text: string) => {
    const r = await h.fake.receive(user, text);
    return r.conversationId!;
  };
  const bot = (conv: number) => h.gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, bot trả lời' }, sender: { type: 'bot' } });
  const agentSays = (conv: number, id: number) => h.gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, em hỗ trợ ạ' }, sender: { type: 'agent', id } });
  /** The contact answers the survey question just asked (waits until it was asked). */
  const answers = async (user: string, conv: number, kind: 'csat' | 'nps', text: string) => {
    await waitFor(async () => Boolean(await h.gw.db.selectFrom('surveys').select('id').where('conversation_id', '=', conv).where('kind', '=', kind).where('status', '=', 'sent').executeTakeFirst()));
    expect((await h.fake.receive(user, text)).conversationId).toBe(conv);
  };

  async function runScenario() {
    at(0);
    const a = await says('a', 'giá bao nhiêu');
    at(1);
    await bot(a);
    at(3);
    await says('a', 'còn màu đỏ không');
    at(4);
    await bot(a);
    at(5);
    await h.gw.actions.resolve(a, { type: 'bot' });
    at(6);
    await answers('a', a, 'csat', '5');
    at(7);
    await answers('a', a, 'nps', '10');

    at(10);
    const b = await says('b', 'bảo hành');
    at(12);
    await bot(b);
    at(13);
    await says('b', 'cho gặp nhân viên');
    await h.gw.actions.handoff(b, 'requested', { type: 'bot' });
    at(20);
    await agentSays(b, agent1);
    at(25);
    await h.gw.actions.resolve(b, { type: 'agent', id: agent1 });
    at(26);
    await answers('b', b, 'csat', '4 sao');
    at(27);
    await answers('b', b, 'nps', '7');

    at(30);
    const c = await says('c', 'đơn hàng của tôi đâu');
    at(31);
    await h.gw.actions.handoff(c, 'low_confidence', { type: 'bot' });
    at(35);
    await h.gw.actions.assign(c, { agentId: agent1 }, { type: 'system' });
    at(40);
    await agentSays(c, agent1);
    at(45);
    await h.gw.actions.assign(c, { agentId: agent2 }, { type: 'agent', id: agent1 });
    at(50);
    await agentSays(c, agent2);
    at(55);
    await h.gw.actions.resolve(c, { type: 'agent', id: agent2 });
    at(56);
    await answers('c', c, 'csat', '2');

    at(60);
    const d = await says('d', 'giờ mở cửa');
    at(61);
    await bot(d);
    at(62);
    await h.gw.actions.resolve(d, { type: 'bot' });
    at(62 + 2 * 24 * 60);
    expect(await says('d', 'cho hỏi thêm')).toBe(d); // reopened: within 7 days
    at(63 + 2 * 24 * 60);
    await bot(d);
    at(64 + 2 * 24 * 60);
    await h.gw.actions.resolve(d, { type: 'bot' });

    at(70);
    const e = await says('e', 'địa chỉ shop');
    at(71);
    await bot(e);
    at(72);
    await h.gw.actions.resolve(e, { type: 'bot' });
    at(72 + 8 * 24 * 60);
    const f = await says('e', 'lại là tôi');
    expect(f).not.toBe(e); // after 7 days: a new conversation
    at(73 + 8 * 24 * 60);
    await bot(f);

    at(170);
    const g = await says('g', 'tôi muốn đổi hàng');
    await h.gw.actions.handoff(g, 'requested', { type: 'bot' });
    at(280);
    await agentSays(g, agent1);
    at(285);
    await h.gw.actions.resolve(g, { type: 'agent', id: agent1 });
    at(286);
    await answers('g', g, 'csat', '3');
    at(287);
    await answers('g', g, 'nps', '6');

    at(12 * 24 * 60);
    await says('a', 'mua thêm cái nữa');
  }

  const period = { from: T0, to: new Date(T0.getTime() + 10 * DAY) };
  const m = (n: number) => n * MINUTE;

  test('every figure equals the hand-computed value, from the rollups and from the raw log alike', async () => {
    const reports = new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration });
    const s = await reports.summary(period, {});
    expect(await reports.summaryFromLog(period, {})).toEqual(s);
    // First response (A 1, B 2, C 10, D 1 and 1 after the reopen, E 1, F 1, G 110 of which 20 open)
    expect(s.firstResponse).toMatchObject({ count: 8, medianMs: m(1), p90Ms: m(110), meanMs: m(127 / 8) });
    expect(s.firstResponse.business).toMatchObject({ count: 8, medianMs: m(1), p90Ms: m(20), meanMs: m(37 / 8) });
    // Human first response from the handoff (B 13→20, C 31→40, G 170→280 of which 20 open)
    expect(s.humanFirstResponse).toMatchObject({ count: 3, medianMs: m(9), p90Ms: m(110), meanMs: m(42) });
    expect(s.humanFirstResponse.business).toMatchObject({ count: 3, medianMs: m(9), p90Ms: m(20), meanMs: m(12) });
    // Waiting periods: bot A 1,1 B 2 D 1,1 E 1 F 1; human B 7, C 10, G 110 (20 open)
    expect(s.responseTime.bot).toMatchObject({ count: 7, meanMs: Math.round(m(8) / 7), medianMs: m(1), p90Ms: m(2) });
    expect(s.responseTime.human).toMatchObject({ count: 3, meanMs: Math.round(m(127) / 3), medianMs: m(10), p90Ms: m(110) });
    expect(s.responseTime.all).toMatchObject({ count: 10, meanMs: m(13.5), medianMs: m(1), p90Ms: m(10) });
    expect(s.responseTime.business.bot).toEqual(s.responseTime.bot);
    expect(s.responseTime.business.human).toMatchObject({ count: 3, meanMs: Math.round(m(37) / 3), medianMs: m(10), p90Ms: m(20) });
    expect(s.responseTime.business.all).toMatchObject({ count: 10, meanMs: m(4.5), medianMs: m(1), p90Ms: m(10) });
    // FCR over resolved A B C D E G: A B E G (C had two agents and a transfer, D was reopened)
    expect(s.fcr).toMatchObject({ count: 4, of: 6 });
    expect(s.fcr.bot).toMatchObject({ count: 2, of: 3 });
    expect(s.fcr.human).toMatchObject({ count: 2, of: 3 });
    expect(s.botContainment).toMatchObject({ count: 3, of: 7 });
    expect(s.handoff).toMatchObject({ count: 3, of: 7, byReason: { requested: 2, low_confidence: 1 } });
    // Resolution: A 5, B 15, C 25, D 2 and 2, E 2, G 115 (25 open)
    expect(s.resolutionTime).toMatchObject({ count: 7, medianMs: m(5), p90Ms: m(115), meanMs: Math.round(m(166) / 7) });
    expect(s.resolutionTime.business).toMatchObject({ count: 7, medianMs: m(5), p90Ms: m(25), meanMs: Math.round(m(76) / 7) });
    expect(s.resolvedWithin24h).toMatchObject({ count: 6, of: 7, byChannel: { fake: { count: 6, of: 7 } } });
    // F opened 2 days − 72 min before the end of the period
    expect(s.backlog).toMatchObject({ total: 1, buckets: { lt1h: 0, h1to24: 0, d1to7: 1, gt7d: 0 }, byChannel: { fake: 1 } });
    // a b c d e g wrote in the period (survey answers are not messages); only a again in the next 10 days
    expect(s.retention).toMatchObject({ active: 6, returned: 1 });
    expect(s.retention.retention).toBeCloseTo(1 / 6, 10);
    // CSAT asked at each first resolution (A B C D E G), answered 5 4 2 3: satisfied = 4 or 5
    expect(s.csat).toEqual({ sent: 6, answered: 4, satisfied: 2, score: 0.5, responseRate: 4 / 6, average: 3.5 });
    // NPS asked after each CSAT answer (A B C G), answered 10 7 6: one promoter, one passive, one detractor
    expect(s.nps).toEqual({ answered: 3, promoters: 1, passives: 1, detractors: 1, score: 0 });
    // per agent: Lan's conversations B and G (C went to Minh); their CSAT answers 4 and 3
    expect(s.byAgent.find((r) => r.id === agent1)).toMatchObject({ conversations: 2, resolved: 2, fcrRate: 1, csatAnswered: 2, csatScore: 0.5, humanFirstResponseMeanMs: m(58.5) });
    expect(s.byAgent.find((r) => r.id === agent2)).toMatchObject({ conversations: 1, resolved: 1, fcrRate: 0, csatAnswered: 1, csatScore: 0 });
  });

  test('the conversations behind a figure are listed with their values', async () => {
    const reports = new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration });
    const fcr = (await reports.conversations(period, {}, 'fcr')).items;
    expect(fcr.filter((r) => r.value === true)).toHaveLength(4);
    expect(fcr.filter((r) => r.value === false)).toHaveLength(2);
    // times longest first
    const human = await reports.conversations(period, {}, 'humanFirstResponse');
    expect(human).toMatchObject({ total: 3, items: [{ value: m(110) }, { value: m(9) }, { value: m(7) }] });
    expect(await reports.conversations(period, {}, 'humanFirstResponse', { limit: 2, offset: 2 })).toMatchObject({ total: 3, items: [{ value: m(7) }] });
    expect(await reports.conversations(period, {}, 'humanFirstResponse', { limit: 2, offset: 10 })).toEqual({ total: 3, items: [] });
    const csat = (await reports.conversations(period, {}, 'csat')).items;
    expect(csat.map((r) => r.value).sort()).toEqual([2, 3, 4, 5]);
    const backlog = (await reports.conversations(period, {}, 'backlog')).items;
    expect(backlog).toEqual([expect.objectContaining({ value: period.to.getTime() - (T0.getTime() + (72 + 8 * 24 * 60) * MINUTE) })]);
    // every figure lists the same conversations and values as the log folded by hand
    for (const figure of DRILL_FIGURES) {
      const byKey = (rows: DrillRow[]) => [...rows].sort((a, b) => a.conversationId - b.conversationId || String(a.value).localeCompare(String(b.value)));
      expect({ figure, rows: byKey((await reports.conversations(period, {}, figure)).items) }).toEqual({ figure, rows: byKey(await reports.conversationsFromLog(period, {}, figure)) });
    }
    const filtered = await reports.summary(period, { agentId: agent2 });
    expect(filtered.fcr).toMatchObject({ count: 0, of: 1 });
    expect(filtered.csat).toMatchObject({ answered: 1, satisfied: 0 });
    expect(await reports.summaryFromLog(period, { agentId: agent2 })).toEqual(filtered);
  });

  test('a daily series adds up to the period', async () => {
    const points = await new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration }).timeseries(period, {}, 'conversations', 'day', 'Asia/Ho_Chi_Minh');
    expect(points).toHaveLength(11); // the period starts at 09:00 local: a partial first day
    expect(points[0]!.start).toBe(T0.toISOString());
    expect(points[1]!.start).toBe('2026-03-02T17:00:00.000Z'); // local midnight, UTC+7
    expect(points.reduce((sum, p) => sum + (p.value ?? 0), 0)).toBe(7);
  });

  test('the API gives supervisors the same figures, agents a 403, bad filters a 400; the CSV has the same numbers', async () => {
    const url = await serve();
    await upsertAgent(h.gw.db, { email: 'sup@anphat.vn', name: 'Giám sát', role: 'supervisor', password: 'password-123456' });
    const login = async (email: string) =>
      ((await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'password-123456' }) })).json()) as { token: string }).token;
    const sup = { authorization: `Bearer ${await login('sup@anphat.vn')}` };
    const q = `from=${period.from.toISOString()}&to=${period.to.toISOString()}`;
    const summary = (await (await fetch(`${url}/api/v1/reports/summary?${q}`, { headers: sup })).json()) as { fcr: { rate: number }; firstResponse: { p90Ms: number } };
    expect(summary.fcr.rate).toBe(4 / 6);
    expect(summary.firstResponse.p90Ms).toBe(m(110));
    expect((await fetch(`${url}/api/v1/reports/summary?${q}`, { headers: { authorization: `Bearer ${await login('lan@anphat.vn')}` } })).status).toBe(403);
    expect((await fetch(`${url}/api/v1/reports/summary?from=2026-03-10&to=2026-03-01`, { headers: sup })).status).toBe(400);
    expect((await fetch(`${url}/api/v1/reports/summary?from=yesterday&to=today`, { headers: sup })).status).toBe(400);
    const csv = await fetch(`${url}/api/v1/reports/export.csv?${q}`, { headers: sup });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="?omnigate-report-2026-03-02-2026-03-12.csv/);
    const text = await csv.text();
    expect(text).toContain(`first-contact resolution,${4 / 6},4,6\r\n`);
    expect(text).toContain('first response p90 (ms),6600000,8,\r\n');
    expect(text).toContain('"first response, business hours p90 (ms)",1200000,8,\r\n');
    expect(text).toContain('CSAT,0.5,2,4\r\nCSAT response rate,0.6666666666666666,4,6\r\nNPS,0,0,3\r\n');
    expect(text).toContain('backlog d1to7,1,1,1\r\n');
    const series = (await (await fetch(`${url}/api/v1/reports/timeseries?${q}&metric=fcr&interval=week`, { headers: sup })).json()) as { points: { value: number | null }[] };
    expect(series.points.length).toBe(2);
  });

  test('changing the inbox’s business hours rewrites its report rows: without hours, business time is wall-clock time', async () => {
    const url = await serve();
    await upsertAgent(h.gw.db, { email: 'admin@anphat.vn', name: 'Quản trị', role: 'admin', password: 'password-123456' });
    const login = (await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@anphat.vn', password: 'password-123456' }) })).json()) as { token: string };
    const patch = (settings: unknown) => fetch(`${url}/api/v1/inboxes/${h.inbox.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${login.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ settings }) });
    // invalid hours and survey settings are refused, naming the field
    const bad = await patch({ businessHours: { week: { mon: [['12:00', '08:00']] } }, surveys: { nps: 'yes' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/settings\.businessHours\.week\.mon.*surveys: nps/s);
    expect((await patch({ businessHours: null })).status).toBe(200);
    await h.gw.rollups.settled();
    const reports = new ReportService({ db: h.gw.db, businessDuration: inboxBusinessDuration });
    const s = await reports.summary(period, {});
    expect(s.firstResponse.business).toEqual({ count: 8, medianMs: m(1), p90Ms: m(110), meanMs: m(127 / 8) });
    expect(s.resolutionTime.business).toEqual({ count: 7, medianMs: m(5), p90Ms: m(115), meanMs: Math.round(m(166) / 7) });
    expect(await reports.summaryFromLog(period, {})).toEqual(s);
  });
});
