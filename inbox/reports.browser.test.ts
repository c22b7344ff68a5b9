/**
 * The reports screen in a real browser (headless Chromium via playwright-core) against a
 * REAL gateway whose figures are known: issue #8's scripted scenario
 * (test/reports/scenario.test.ts) played through the pipeline on a controlled clock —
 * contact messages through a fake Zalo channel, bot and agent replies, handoffs,
 * transfers, resolutions, a reopen — plus survey answers through the same channel. No
 * figure is inserted; the screen must show what the report tables computed.
 *
 * The browser's clock is fixed at 2026-03-12 15:00 in Vietnam, so the default period
 * (the last 30 days) covers the whole scenario. Screenshots go to test-artifacts/reports/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Bot } from '../src/core/bot';
import { ManualClock, MINUTE } from '../src/core/clock';
import { createGateway, type Gateway } from '../src/server/gateway';
import { upsertAgent } from '../src/store/repos/agents';
import { createInbox } from '../src/store/repos/inboxes';
import { FakeChannel } from '../test/fakes/fake-channel';
import { artifact, byTestId, describeInBrowser, HAVE_CHROMIUM, launchChromium, signInToInbox, until } from '../test/support/browser';
import { testDatabases } from '../test/support/databases';
import { testConfig } from '../test/support/test-config';
import { waitFor } from '../test/support/wait';
import { inboxStaticRouter } from './test-support/static-router';

interface BuildInboxModule {
  buildInbox(options: { outdir: string }): { files: { name: string; bytes: number; gzipBytes: number }[]; totalGzipBytes: number };
}

const ROOT = path.resolve(__dirname, '..');
const PASSWORD = 'password-123456';
/** Monday 2026-03-02 09:00 in Vietnam: minute 0 of the scenario. */
const T0 = new Date('2026-03-02T02:00:00Z');
/** "Now" for the browser: Thursday 2026-03-12 15:00 in Vietnam. */
const BROWSER_NOW = new Date('2026-03-12T08:00:00Z');
const silentBot: Bot = { name: 'scripted', decide: async (turn) => ({ type: 'none', state: turn.state }) };
const [database] = HAVE_CHROMIUM ? testDatabases() : [];
jest.setTimeout(120_000);

const card = (page: Page, id: string) => byTestId(page, `card-${id}`);

async function textOf(locator: ReturnType<Page['locator']>): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Wait until a card shows `value` (and `sub`, when given). */
async function expectCard(page: Page, id: string, value: string, sub?: string): Promise<void> {
  const c = card(page, id);
  await c.waitFor();
  try {
    await until(async () => (await textOf(c.locator('[data-testid="card-value"]'))) === value && (sub === undefined || (await textOf(c.locator('[data-testid="card-sub"]'))) === sub), `card ${id}`);
  } catch {
    throw new Error(`card ${id}: expected "${value}"${sub ? ` / "${sub}"` : ''}, got "${await textOf(c.locator('[data-testid="card-value"]'))}" / "${await textOf(c.locator('[data-testid="card-sub"]'))}"`);
  }
}

/**
 * Move the mouse over a chart at `fraction` of its width until its readout shows `expected`.
 * A chart can be drawn again after `settled` saw it ready (its element replaced, seen with
 * Chromium 156): aim at the chart that is there, again, until the readout answers.
 */
async function hoverChart(page: Page, testid: string, fraction: number, expected: string): Promise<void> {
  const readout = page.locator(`[data-testid="${testid}"] [data-testid="chart-readout"]`);
  await until(async () => {
    try {
      const over = page.locator(`[data-testid="${testid}"] .u-over`);
      await over.scrollIntoViewIfNeeded({ timeout: 2000 });
      const box = await over.boundingBox({ timeout: 2000 });
      if (!box) return false;
      await page.mouse.move(box.x + fraction * box.width, box.y + box.height / 2, { steps: 4 });
    } catch {
      return false; // replaced while we aimed
    }
    return (await textOf(readout)).includes(expected);
  }, `the readout "${expected}" of ${testid}`);
}

async function settled(page: Page): Promise<void> {
  await page.locator('[data-testid="reports"][data-busy="false"]').waitFor();
  for (const chart of ['chart-metric-chart', 'chart-volume-chart']) await page.locator(`[data-testid="${chart}"][data-status="ready"] canvas`).first().waitFor();
}

describeInBrowser('reports screen (browser, real gateway, scripted scenario)', () => {
  let outdir = '';
  let gw: Gateway;
  let url = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clock: ManualClock;
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const zalo = new FakeChannel('oa-anphat', 'zalo');
  const messenger = new FakeChannel('page-anphat', 'messenger');
  const ids: Record<string, number> = {};

  const at = (minutes: number) => clock.set(new Date(T0.getTime() + minutes * MINUTE));
  const says = async (user: string, text: string) => (await zalo.receive(user, text)).conversationId!;
  const bot = (conv: number) => gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, bot trả lời' }, sender: { type: 'bot' } });
  const agentSays = (conv: number, id: number) => gw.outbound.post(conv, { content: { type: 'text', text: 'Dạ, em hỗ trợ ạ' }, sender: { type: 'agent', id } });
  /** Wait until the conversation's survey of `kind` has been asked, then answer it through the channel. */
  const answer = async (user: string, conv: number, kind: 'csat' | 'nps', score: string) => {
    await waitFor(() => gw.db.selectFrom('surveys').select('id').where('conversation_id', '=', conv).where('kind', '=', kind).where('status', '=', 'sent').executeTakeFirst());
    expect(await says(user, score)).toBe(conv); // taken as the answer: no new conversation, no reopen
  };

  /** test/reports/scenario.test.ts's conversations A–F (same minutes), with survey answers on B, C and E and a team on C. */
  async function runScenario(team: number) {
    const { lan, minh } = ids as { lan: number; minh: number };
    at(0);
    const a = await says('a', 'giá bao nhiêu');
    at(1);
    await bot(a);
    at(3);
    await says('a', 'còn màu đỏ không');
    at(4);
    await bot(a);
    at(5);
    await gw.actions.resolve(a, { type: 'bot' });

    at(10);
    const b = await says('b', 'bảo hành');
    at(12);
    await bot(b);
    at(13);
    await says('b', 'cho gặp nhân viên');
    await gw.actions.handoff(b, 'requested', { type: 'bot' });
    at(20);
    await agentSays(b, lan);
    at(25);
    await gw.actions.resolve(b, { type: 'agent', id: lan });
    at(26);
    await answer('b', b, 'csat', '4');
    at(27);
    await answer('b', b, 'nps', '9');

    at(30);
    const c = await says('c', 'đơn hàng của tôi đâu');
    at(31);
    await gw.actions.handoff(c, 'low_confidence', { type: 'bot' });
    at(35);
    await gw.actions.assign(c, { agentId: lan, teamId: team }, { type: 'system' });
    at(40);
    await agentSays(c, lan);
    at(45);
    await gw.actions.assign(c, { agentId: minh }, { type: 'agent', id: lan });
    at(50);
    await agentSays(c, minh);
    at(55);
    await gw.actions.resolve(c, { type: 'agent', id: minh });
    at(56);
    await answer('c', c, 'csat', '2');
    at(57);
    await answer('c', c, 'nps', '3');

    at(60);
    const d = await says('d', 'giờ mở cửa');
    at(61);
    await bot(d);
    at(62);
    await gw.actions.resolve(d, { type: 'bot' });
    at(62 + 2 * 24 * 60);
    expect(await says('d', 'cho hỏi thêm')).toBe(d); // reopened
    at(63 + 2 * 24 * 60);
    await bot(d);
    at(64 + 2 * 24 * 60);
    await gw.actions.resolve(d, { type: 'bot' });

    at(70);
    const e = await says('e', 'địa chỉ shop');
    at(71);
    await bot(e);
    at(72);
    await gw.actions.resolve(e, { type: 'bot' });
    at(73);
    await answer('e', e, 'csat', '5');
    at(74);
    await answer('e', e, 'nps', '10');
    at(72 + 8 * 24 * 60);
    const f = await says('e', 'lại là tôi');
    expect(f).not.toBe(e); // a new conversation
    at(73 + 8 * 24 * 60);
    await bot(f);

    at(12 * 24 * 60);
    await says('a', 'mua thêm cái nữa');
    await gw.dispatcher.idle();
  }

  const login = (p: Page, email: string) => signInToInbox(p, url, email, PASSWORD);

  const newContext = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
    await ctx.clock.setFixedTime(BROWSER_NOW);
    return ctx;
  };

  beforeAll(async () => {
    const { buildInbox } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-inbox.js')) as BuildInboxModule;
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-reports-'));
    const build = buildInbox({ outdir });
    console.info(`[reports test] bundles: ${build.files.map((f) => `${f.name} ${(f.gzipBytes / 1024).toFixed(1)} KB gzip`).join(', ')}`);

    const { store } = await database!.open();
    clock = new ManualClock(T0);
    gw = await createGateway({ config: testConfig(), store, clock, bot: silentBot, channels: [zalo, messenger], mount: (g) => void g.routes.use(inboxStaticRouter({ dist: outdir })) });
    ids.zaloInbox = (await createInbox(gw.db, { channel: 'zalo', accountId: zalo.accountId, name: 'Zalo OA An Phát', botEnabled: true, settings: { surveys: { csat: true, nps: true } } })).id;
    ids.messengerInbox = (await createInbox(gw.db, { channel: 'messenger', accountId: messenger.accountId, name: 'Fanpage An Phát', botEnabled: true })).id;
    for (const [key, name, role] of [['lan', 'Nguyễn Thu Lan', 'agent'], ['minh', 'Trần Đức Minh', 'agent'], ['ha', 'Phạm Thu Hà', 'supervisor']] as const) {
      ids[key] = (await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name, role, password: PASSWORD })).id;
    }
    const team = await gw.db.insertInto('teams').values({ name: 'Chăm sóc khách hàng' }).returning('id').executeTakeFirstOrThrow();
    ids.team = team.id;
    for (const agent of [ids.lan!, ids.minh!]) await gw.db.insertInto('team_members').values({ team_id: team.id, agent_id: agent }).execute();
    for (const agent of [ids.lan!, ids.minh!]) await gw.db.insertInto('inbox_members').values({ inbox_id: ids.zaloInbox, agent_id: agent }).execute();

    await runScenario(team.id);
    await gw.rollups.flush();

    url = await gw.listen();
    browser = await launchChromium();
    context = await newContext();
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('the API gives the hand-computed figures (the screen below must show them)', async () => {
    const token = await bearer('ha@anphat.vn');
    const q = `from=${encodeURIComponent(new Date('2026-02-10T17:00:00Z').toISOString())}&to=${encodeURIComponent(BROWSER_NOW.toISOString())}`;
    const s = (await (await fetch(`${url}/api/v1/reports/summary?${q}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, Record<string, unknown>>;
    expect(s.fcr).toMatchObject({ count: 3, of: 5, rate: 0.6 });
    expect(s.firstResponse).toMatchObject({ count: 7, medianMs: MINUTE, p90Ms: 10 * MINUTE });
    expect(s.humanFirstResponse).toMatchObject({ count: 2, medianMs: 7 * MINUTE, p90Ms: 9 * MINUTE });
    expect(s.botContainment).toMatchObject({ count: 3, of: 6 });
    expect(s.handoff).toMatchObject({ count: 2, of: 6 });
    expect(s.resolvedWithin24h).toMatchObject({ count: 5, of: 6 });
    expect(s.backlog).toMatchObject({ total: 1, buckets: { lt1h: 0, h1to24: 0, d1to7: 1, gt7d: 0 } });
    expect(s.csat).toMatchObject({ sent: 5, answered: 3, satisfied: 2 });
    expect(s.nps).toMatchObject({ answered: 3, promoters: 2, detractors: 1, score: 33.3 });
  });

  test('a supervisor opens Báo cáo: the cards show the scenario’s figures with their counts', async () => {
    await login(page, 'ha@anphat.vn');
    expect(requests.filter((p) => p.endsWith('/inbox-charts.js'))).toEqual([]); // the chart library is not loaded for the inbox
    await expectText(byTestId(page, 'nav-reports'), 'Báo cáo');
    await byTestId(page, 'nav-reports').click();
    expect(new URL(page.url()).hash).toBe('#/reports');
    await settled(page);
    // The last 30 days by default, ending "now" (the browser's 2026-03-12).
    await expectText(byTestId(page, 'report-period'), '11/02/2026 – 12/03/2026');
    expect(await byTestId(page, 'report-from').inputValue()).toBe('2026-02-11');
    expect(await byTestId(page, 'report-to').inputValue()).toBe('2026-03-12');

    await expectCard(page, 'fcr', '60%', '3/5 cuộc đã xong');
    await expectCard(page, 'firstResponse', '1 phút', 'p90 10 phút · 7 lượt');
    await expectCard(page, 'humanFirstResponse', '7 phút', 'p90 9 phút · 2 lượt');
    // Bot waits A 1, 1, B 2, D 1, 1, E 1, F 1 (8 min / 7); human B 7, C 10.
    await expectText(byTestId(page, 'response-bot'), 'Bot 1 phút 9 giây');
    await expectText(byTestId(page, 'response-human'), 'Nhân viên 8 phút 30 giây');
    await expectCard(page, 'botContainment', '50%', '3/6 cuộc bot tiếp nhận');
    await expectCard(page, 'handoff', '33,3%', '2/6 cuộc bot tiếp nhận');
    await expectCard(page, 'within24h', '83,3%', '5/6 cuộc mới');
    await expectCard(page, 'backlog', '1');
    await expectText(card(page, 'backlog').locator('.age-chip.on'), '1–7 ngày: 1');
    await expectCard(page, 'csat', '66,7%', '2/3 hài lòng · 3/5 đã trả lời');
    await expectCard(page, 'nps', '+33,3', '2 ủng hộ · 1 không ủng hộ · 3 trả lời');

    // The charts: uPlot, from its own bundle, drew on a canvas.
    expect(requests.filter((p) => p.endsWith('/inbox-charts.js'))).toHaveLength(1);
    const canvas = page.locator('[data-testid="chart-metric-chart"] canvas').first();
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(150);
    await expectText(byTestId(page, 'chart-metric'), 'Giải quyết ngay lần đầu (FCR) theo ngày');
    await expectText(byTestId(page, 'chart-volume'), 'Cuộc trò chuyện mới theo ngày');

    // Per agent and per team, with the names from /agents and /teams.
    const agentRow = (name: string) => byTestId(page, 'by-agent').locator('[data-testid="group-row"]', { hasText: name });
    await expectText(agentRow('Nguyễn Thu Lan').locator('td').nth(3), '100%'); // B: FCR
    await expectText(agentRow('Nguyễn Thu Lan').locator('td').nth(7), '100% (1)'); // B: CSAT 4
    await expectText(agentRow('Trần Đức Minh').locator('td').nth(3), '0%'); // C: two agents and a transfer
    await expectText(agentRow('Trần Đức Minh').locator('td').nth(7), '0% (1)'); // C: CSAT 2
    await expectText(agentRow('Không có nhân viên (bot)').locator('td').nth(1), '4'); // A, D, E, F
    await expectText(byTestId(page, 'by-team').locator('[data-testid="group-row"]', { hasText: 'Chăm sóc khách hàng' }).locator('td').nth(1), '1');
    await expectText(byTestId(page, 'by-team'), 'Không có nhóm');

    await page.mouse.move(0, 0);
    await page.screenshot({ path: artifact('reports', 'reports-vi.png') });
    await page.setViewportSize({ width: 1280, height: 1700 });
    await settled(page);
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifact('reports', 'reports-vi-full.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('clicking a card charts that figure; hovering shows the day and its value', async () => {
    await card(page, 'firstResponse').click();
    await expectText(byTestId(page, 'chart-metric'), 'Phản hồi đầu tiên (trung vị) theo ngày');
    await settled(page);
    // Hover 02/03 (the day with A, B, C, D, E): median first response 1 min. 30 daily buckets
    // from 11/02; 02/03 is the 20th (index 19) of 30.
    await hoverChart(page, 'chart-metric-chart', (19 + 0.5) / 30, '02/03/2026: 1 phút');
    await page.screenshot({ path: artifact('reports', 'reports-chart-hover.png') });
    await page.mouse.move(0, 0);
    await expectText(page.locator('[data-testid="chart-metric-chart"] [data-testid="chart-readout"]'), 'Phản hồi đầu tiên (trung vị)');
    // Per week: weeks start on Monday, 02/03 is one.
    await byTestId(page, 'interval-week').click();
    await expectText(byTestId(page, 'chart-metric'), 'Phản hồi đầu tiên (trung vị) theo tuần');
    await settled(page);
    // Buckets 11/02 (partial), 16/02, 23/02, 02/03, 09/03: the 4th holds A–E.
    await hoverChart(page, 'chart-volume-chart', (3 + 0.5) / 5, '02/03/2026: 5');
    await page.mouse.move(0, 0);
    await byTestId(page, 'interval-day').click();
    await page.locator('.reports').evaluate((el) => el.scrollTo(0, 0));
    await card(page, 'fcr').click();
    await settled(page);
  });

  test('the CSV download carries the same filters and has the same FCR numbers', async () => {
    const href = (await byTestId(page, 'report-csv').getAttribute('href'))!;
    expect(href).toMatch(/^\/api\/v1\/reports\/export\.csv\?from=2026-02-10T17%3A00%3A00\.000Z&to=2026-03-12T08%3A00%3A00\.000Z&tz=Asia%2F(Ho_Chi_Minh|Saigon)$/); // Chromium names the zone by its older alias
    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'report-csv').click()]);
    expect(download.suggestedFilename()).toBe('omnigate-report-2026-02-10-2026-03-12.csv');
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('first-contact resolution,0.6,3,5\r\n');
    expect(csv).toContain('bot containment,0.5,3,6\r\n');
    expect(csv).toContain('CSAT,0.6666666666666666,2,3\r\n');
  });

  test('filters: agent, channel and a custom range change the figures and the CSV link', async () => {
    // Minh: conversation C only (not first-contact: two agents and a transfer).
    await byTestId(page, 'report-agent').selectOption({ label: 'Trần Đức Minh' });
    await settled(page);
    await expectCard(page, 'fcr', '0%', '0/1 cuộc đã xong');
    const href = (await byTestId(page, 'report-csv').getAttribute('href'))!;
    expect(href).toContain(`&agent=${ids.minh}`);
    const csv = await page.evaluate(async (h) => (await fetch(h, { credentials: 'same-origin' })).text(), href); // the page's cookie session
    expect(csv).toContain('first-contact resolution,0,0,1\r\n');
    await page.screenshot({ path: artifact('reports', 'reports-filter-agent.png') });
    await byTestId(page, 'report-agent').selectOption('');

    // Nothing came through Messenger.
    await byTestId(page, 'report-channel').selectOption('messenger');
    await settled(page);
    await expectCard(page, 'fcr', '—', '0/0 cuộc đã xong');
    await expectText(byTestId(page, 'chart-metric'), 'Không có số liệu trong khoảng này.');
    await byTestId(page, 'report-channel').selectOption('zalo');
    await settled(page);
    await expectCard(page, 'fcr', '60%', '3/5 cuộc đã xong');
    await byTestId(page, 'report-channel').selectOption('');

    // 04/03 – 12/03: D's reopened visit was resolved (not first-contact); F is the only new conversation.
    await byTestId(page, 'report-from').fill('2026-03-04');
    await settled(page);
    expect(await byTestId(page, 'preset-custom').getAttribute('aria-pressed')).toBe('true');
    await expectText(byTestId(page, 'report-period'), '04/03/2026 – 12/03/2026');
    await expectCard(page, 'fcr', '0%', '0/1 cuộc đã xong');
    await expectCard(page, 'within24h', '0%', '0/1 cuộc mới');
    await expectCard(page, 'firstResponse', '1 phút', 'p90 1 phút · 2 lượt');
    // A start after the end is refused before asking the server.
    await byTestId(page, 'report-from').fill('2026-03-13');
    await expectText(byTestId(page, 'report-range-error'), 'Ngày bắt đầu phải trước');
    // Presets: the last 7 days up to today.
    await byTestId(page, 'preset-7').click();
    expect(await byTestId(page, 'report-from').inputValue()).toBe('2026-03-06');
    await settled(page);
    await expectCard(page, 'fcr', '—', '0/0 cuộc đã xong');
    await byTestId(page, 'preset-30').click();
    await settled(page);
    await expectCard(page, 'fcr', '60%', '3/5 cuộc đã xong');
  });

  test('English labels and durations; screenshots at 1280 and 1024', async () => {
    await byTestId(page, 'lang-en').click();
    await expectText(byTestId(page, 'nav-reports'), 'Reports');
    await expectText(card(page, 'fcr').locator('.report-card-label'), 'First-contact resolution (FCR)');
    await expectCard(page, 'fcr', '60%', '3/5 resolved conversations');
    await expectCard(page, 'handoff', '33.3%', '2/6 bot conversations');
    await expectText(byTestId(page, 'response-bot'), 'Bot 1 min 9 s');
    await expectText(byTestId(page, 'response-human'), 'Human 8 min 30 s');
    await expectText(byTestId(page, 'chart-metric'), 'First-contact resolution (FCR) per day');
    await expectText(byTestId(page, 'by-agent'), 'By agent');
    await settled(page);
    await page.mouse.move(0, 0);
    await page.setViewportSize({ width: 1280, height: 1700 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifact('reports', 'reports-en-full.png') });
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: artifact('reports', 'reports-en-1024.png') });
    // Nothing spills sideways at 1024: neither the page nor the screen scrolls horizontally (wide tables scroll in their own box).
    const widths = await page.evaluate(() => {
      const reports = document.querySelector('.reports')!;
      return { page: document.documentElement.scrollWidth, app: document.querySelector('.app')!.scrollWidth, reportsOverflow: reports.scrollWidth - reports.clientWidth };
    });
    expect(widths).toEqual({ page: 1024, app: 1024, reportsOverflow: 0 });
    await page.setViewportSize({ width: 1280, height: 800 });
    await byTestId(page, 'lang-vi').click();
    expect(pageErrors).toEqual([]);
  });

  test('an agent has no Báo cáo entry, the route says so, and the API answers 403', async () => {
    const agentContext = await newContext();
    const agent = await agentContext.newPage();
    try {
      await login(agent, 'lan@anphat.vn');
      await byTestId(agent, 'nav-inbox').waitFor();
      expect(await byTestId(agent, 'nav-reports').count()).toBe(0);
      await agent.goto(`${url}/inbox#/reports`);
      await expectText(agent.locator('.reports'), 'Chỉ giám sát viên và quản trị viên xem được báo cáo.');
      const status = await agent.evaluate(async () => (await fetch('/api/v1/reports/summary?from=2026-03-01&to=2026-03-10', { credentials: 'same-origin' })).status);
      expect(status).toBe(403);
      await agent.screenshot({ path: artifact('reports', 'reports-agent.png') });
    } finally {
      await agentContext.close();
    }
  });

  async function bearer(email: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  }
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.first().waitFor();
  try {
    await until(async () => (await textOf(locator)).includes(text), `"${text}"`);
  } catch {
    throw new Error(`expected "${text}" in ${locator.toString()}, got "${await textOf(locator)}"`);
  }
}
