import type { Bot } from '../../src/core/bot';
import { DAY, ManualClock, MINUTE } from '../../src/core/clock';
import { upsertAgent } from '../../src/store/repos/agents';
import { ReportService } from '../../src/reports/report-service';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';

/**
 * issue #8's scripted scenario: a controlled clock, six conversations whose every figure
 * is computed by hand below (minutes after T0 = Monday 2026-03-02 09:00 in Vietnam).
 *   A  bot answers after 1 min, the contact asks again at 3, bot answers at 4, bot resolves at 5
 *   B  bot answers at 12; the contact asks for a person at 13 (handoff: requested); agent 1 replies at 20, resolves at 25
 *   C  created at 30, handoff (low confidence) at 31, agent 1 assigned at 35, replies at 40; transferred to agent 2 at 45, who replies at 50 and resolves at 55
 *   D  created at 60, bot answers at 61, resolves at 62; the contact writes again 2 days later (reopen), bot answers 1 min later, resolves 1 min after that
 *   E  created at 70, bot answers at 71, resolves at 72; the contact writes again 8 days later: a new conversation F
 *   F  bot answers 1 min after creation and it stays open (the backlog at the end of the period)
 *   and contact A writes again on day 12 (the next period: retention).
 */
const T0 = new Date('2026-03-02T02:00:00Z');
const silentBot: Bot = { name: 'scripted', decide: async (turn) => ({ type: 'none', state: turn.state }) };

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
    await runScenario();
    await h.gw.rollups.flush();
  });
  afterAll(() => h?.gw.close());

  const at = (minutes: number) => clock.set(new Date(T0.getTime() + minutes * MINUTE));
  const says = async (user: string, text: string) => {
    const r = await h.fake.receive(user, text);
    return r.conversationId!;
  };
  const bot = (conv: number) => h.gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, bot trả lời' }, sender: { type: 'bot' } });
  const agentSays = (conv: number, id: number) => h.gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, em hỗ trợ ạ' }, sender: { type: 'agent', id } });

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

    at(12 * 24 * 60);
    await says('a', 'mua thêm cái nữa');
  }

  const period = { from: T0, to: new Date(T0.getTime() + 10 * DAY) };
  const m = (n: number) => n * MINUTE;

  test('every figure equals the hand-computed value, from the rollups and from the raw log alike', async () => {
    const reports = new ReportService({ db: h.gw.db });
    const s = await reports.summary(period, {});
    expect(await reports.summaryFromLog(period, {})).toEqual(s);
    // First response (A 1, B 2, C 10, D 1 and 1 after the reopen, E 1, F 1)
    expect(s.firstResponse).toMatchObject({ count: 7, medianMs: m(1), p90Ms: m(10), meanMs: Math.round(m(17) / 7) });
    // Human first response from the handoff (B 13→20, C 31→40)
    expect(s.humanFirstResponse).toMatchObject({ count: 2, medianMs: m(7), p90Ms: m(9), meanMs: m(8) });
    // Waiting periods: bot A 1,1 B 2 D 1,1 E 1 F 1; human B 7, C 10
    expect(s.responseTime.bot).toMatchObject({ count: 7, meanMs: Math.round(m(8) / 7) });
    expect(s.responseTime.human).toMatchObject({ count: 2, meanMs: m(8.5), p90Ms: m(10) });
    expect(s.responseTime.all).toMatchObject({ count: 9, meanMs: Math.round(m(25) / 9), p90Ms: m(10) });
    // FCR over resolved A B C D E: A B E (C had two agents and a transfer, D was reopened)
    expect(s.fcr).toMatchObject({ count: 3, of: 5, rate: 0.6 });
    expect(s.fcr.bot).toMatchObject({ count: 2, of: 3 });
    expect(s.fcr.human).toMatchObject({ count: 1, of: 2, rate: 0.5 });
    expect(s.botContainment).toMatchObject({ count: 3, of: 6, rate: 0.5 });
    expect(s.handoff).toMatchObject({ count: 2, of: 6, byReason: { requested: 1, low_confidence: 1 } });
    // Resolution: A 5, B 15, C 25, D 2 and 2, E 2
    expect(s.resolutionTime).toMatchObject({ count: 6, medianMs: m(2), p90Ms: m(25), meanMs: m(8.5) });
    expect(s.resolvedWithin24h).toMatchObject({ count: 5, of: 6, byChannel: { fake: { count: 5, of: 6 } } });
    // F opened 2 days − 72 min before the end of the period
    expect(s.backlog).toMatchObject({ total: 1, buckets: { lt1h: 0, h1to24: 0, d1to7: 1, gt7d: 0 }, byChannel: { fake: 1 } });
    // a b c d e wrote in the period; only a again in the next 10 days
    expect(s.retention).toMatchObject({ active: 5, returned: 1, retention: 0.2, churn: 0.8 });
    // per agent: Lan's conversation B (C went to Minh)
    expect(s.byAgent.find((r) => r.id === agent1)).toMatchObject({ conversations: 1, resolved: 1, fcrRate: 1 });
    expect(s.byAgent.find((r) => r.id === agent2)).toMatchObject({ conversations: 1, resolved: 1, fcrRate: 0 });
  });

  test('the conversations behind a figure are listed with their values', async () => {
    const reports = new ReportService({ db: h.gw.db });
    const fcr = await reports.conversations(period, {}, 'fcr');
    expect(fcr.filter((r) => r.value === true)).toHaveLength(3);
    expect(fcr.filter((r) => r.value === false)).toHaveLength(2);
    const human = await reports.conversations(period, {}, 'humanFirstResponse');
    expect(human.map((r) => r.value).sort()).toEqual([m(7), m(9)]);
    const filtered = await reports.summary(period, { agentId: agent2 });
    expect(filtered.fcr).toMatchObject({ count: 0, of: 1 });
    expect(await reports.summaryFromLog(period, { agentId: agent2 })).toEqual(filtered);
  });

  test('a daily series adds up to the period', async () => {
    const points = await new ReportService({ db: h.gw.db }).timeseries(period, {}, 'conversations', 'day', 'Asia/Ho_Chi_Minh');
    expect(points).toHaveLength(11); // the period starts at 09:00 local: a partial first day
    expect(points[0]!.start).toBe(T0.toISOString());
    expect(points[1]!.start).toBe('2026-03-02T17:00:00.000Z'); // local midnight, UTC+7
    expect(points.reduce((sum, p) => sum + (p.value ?? 0), 0)).toBe(6);
  });

  test('the API gives supervisors the same figures, agents a 403, bad filters a 400; the CSV has the same numbers', async () => {
    const url = await h.gw.listen();
    await upsertAgent(h.gw.db, { email: 'sup@anphat.vn', name: 'Giám sát', role: 'supervisor', password: 'password-123456' });
    const login = async (email: string) =>
      ((await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'password-123456' }) })).json()) as { token: string }).token;
    const sup = { authorization: `Bearer ${await login('sup@anphat.vn')}` };
    const q = `from=${period.from.toISOString()}&to=${period.to.toISOString()}`;
    const summary = (await (await fetch(`${url}/api/v1/reports/summary?${q}`, { headers: sup })).json()) as { fcr: { rate: number }; firstResponse: { p90Ms: number } };
    expect(summary.fcr.rate).toBe(0.6);
    expect(summary.firstResponse.p90Ms).toBe(m(10));
    expect((await fetch(`${url}/api/v1/reports/summary?${q}`, { headers: { authorization: `Bearer ${await login('lan@anphat.vn')}` } })).status).toBe(403);
    expect((await fetch(`${url}/api/v1/reports/summary?from=2026-03-10&to=2026-03-01`, { headers: sup })).status).toBe(400);
    expect((await fetch(`${url}/api/v1/reports/summary?from=yesterday&to=today`, { headers: sup })).status).toBe(400);
    const csv = await fetch(`${url}/api/v1/reports/export.csv?${q}`, { headers: sup });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="?omnigate-report-2026-03-02-2026-03-12.csv/);
    const text = await csv.text();
    expect(text).toContain('first-contact resolution,0.6,3,5\r\n');
    expect(text).toContain('first response p90 (ms),600000,7,\r\n');
    expect(text).toContain('backlog d1to7,1,1,1\r\n');
    const series = (await (await fetch(`${url}/api/v1/reports/timeseries?${q}&metric=fcr&interval=week`, { headers: sup })).json()) as { points: { value: number | null }[] };
    expect(series.points.length).toBe(2);
  });
});
