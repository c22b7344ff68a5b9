/**
 * Issue #10, XSS: payloads like `<img src=x onerror=…>`, `<script>…</script>`,
 * `"><svg onload=…>` and `javascript:` links, written by everyone who can write text —
 * a visitor's messages (widget → inbox), the pre-chat name (the contact's name), an
 * uploaded file's name, an FAQ answer (the bot's reply in the widget, the FAQ admin
 * screen), a canned response, an agent's replies (inbox → widget), agent and team names
 * (admin screens, reports) — are shown as text, in headless Chromium, on the demo shop
 * with the real widget and in the real inbox, against the whole application.
 *
 * On every page and after every step: the payload text is visible as written;
 * `window.__xss` (what each payload would set) is undefined; no element the payloads
 * describe exists anywhere in the DOM, shadow roots included (no img[src=x], no on*
 * attribute, no script mentioning __xss, no href/src/action with `javascript:`); no dialog
 * opened. (The pages also have a CSP that would stop an injected script from running:
 * the DOM checks show nothing was injected in the first place.) Screenshots go to
 * test-artifacts/security/.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { composeGateway } from '../../app/compose';
import { DEMO, seedDemo } from '../../app/demo-seed';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { upsertAgent } from '../../src/store/repos/agents';
import { freshDataDir } from '../support/databases';
import { artifact, byTestId, describeInBrowser, launchChromium, until } from '../support/browser';
import { TEST_SECRET_KEY, TEST_SECRETS } from '../support/test-secrets';

const ROOT = path.resolve(__dirname, '..', '..');
jest.setTimeout(150_000);

const IMG = '<img src=x onerror=window.__xss=1>';
const SCRIPT = '<script>window.__xss=1</script>';
const SVG = '"><svg onload=window.__xss=1>';
const JS_LINK = 'javascript:window.__xss=1';
const LINK = 'xem https://example.com/?q="><img src=x onerror=window.__xss=1> nhé';
const VISITOR_MESSAGES = [IMG, SCRIPT, SVG, JS_LINK, LINK];
const PRECHAT_NAME = `Lan ${SVG}`;
const FILE_NAME = `${IMG}.pdf`;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const FAQ_QUESTION = 'Mã giảm giá tháng này là gì vậy shop?';
const FAQ_ANSWER = `Mã giảm giá: GIAM10 ${IMG} ${SCRIPT} ${SVG} ${JS_LINK}`;
const CANNED = `Dạ em gửi mã ${SCRIPT} ${IMG}`;
const AGENT_REPLIES = [`Agent: ${IMG}`, `Agent: ${SVG}`, `Agent: ${JS_LINK}`];
const AGENT_NAME = `Minh ${IMG}`;
const TEAM_NAME = `Nhóm ${SCRIPT}`;
const ADMIN = { email: 'xss-admin@anphat.vn', password: TEST_SECRETS.passwordSecurity };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

interface InertReport {
  xss: unknown;
  handlers: string[];
  jsUrls: string[];
  imgX: number;
  scripts: number;
  svgOnload: number;
}

/** Everything in the document and its (open) shadow roots that a payload could have created. */
async function injected(page: Page): Promise<InertReport> {
  return page.evaluate(() => {
    const all: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      root.querySelectorAll('*').forEach((el) => {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      });
    };
    walk(document);
    const short = (el: Element) => el.outerHTML.slice(0, 160);
    return {
      xss: (window as unknown as { __xss?: unknown }).__xss,
      handlers: all.filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).map(short),
      jsUrls: all.filter((el) => ['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].some((n) => /^\s*(javascript|vbscript|data:text\/html)/i.test(el.getAttribute(n) ?? ''))).map(short),
      imgX: all.filter((el) => el.tagName === 'IMG' && el.getAttribute('src') === 'x').length,
      scripts: all.filter((el) => el.tagName === 'SCRIPT' && (el.textContent ?? '').includes('__xss')).length,
      svgOnload: all.filter((el) => el.tagName.toLowerCase() === 'svg' && el.hasAttribute('onload')).length,
    };
  });
}

describeInBrowser('hostile text is inert in the widget and the inbox', () => {
  let gw: Gateway;
  let url: string;
  let browser: Browser;
  let visitorCtx: BrowserContext;
  let agentCtx: BrowserContext;
  let visitor: Page;
  let agent: Page;
  const dialogs: string[] = [];
  const widget = (p: Page) => p.locator('#omnigate-widget');
  const bubbles = (p: Page) => widget(p).locator('[data-testid="og-message"]');
  const inert = async (p: Page, where: string) => {
    await p.waitForTimeout(300); // an onerror/onload would have fired by now
    expect({ where, ...(await injected(p)) }).toEqual({ where, xss: undefined, handlers: [], jsUrls: [], imgX: 0, scripts: 0, svgOnload: 0 });
    expect(dialogs).toEqual([]);
  };
  const watch = (p: Page) =>
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  const api = async (method: string, p: string, body: unknown, token: string) => {
    const res = await fetch(`${url}/api/v1${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null };
  };
  const login = async (p: Page, who: { email: string; password: string }) => {
    await p.goto(`${url}/inbox`);
    await byTestId(p, 'login-email').fill(who.email);
    await byTestId(p, 'login-password').fill(who.password);
    await byTestId(p, 'login-submit').click();
    await byTestId(p, 'folder-all').waitFor();
  };

  beforeAll(async () => {
    const req = createRequire(__filename);
    const { buildWidget } = req(path.join(ROOT, 'scripts', 'build-widget.js')) as { buildWidget(o: { outdir: string }): { ok: boolean } };
    const { buildInbox } = req(path.join(ROOT, 'scripts', 'build-inbox.js')) as { buildInbox(o: { outdir: string }): unknown };
    expect(buildWidget({ outdir: path.join(ROOT, 'widget', 'dist') }).ok).toBe(true);
    buildInbox({ outdir: path.join(ROOT, 'inbox', 'dist') });
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_SECRET_KEY: TEST_SECRET_KEY }));
    const seeded = await seedDemo(gw.db);
    url = await gw.listen();

    // Hostile text written by the admin: an FAQ entry, a canned response, an agent and a team.
    await upsertAgent(gw.db, { ...ADMIN, name: 'Quản trị', role: 'admin' });
    const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const adminToken = ((await login.json()) as { token: string }).token;
    expect((await api('POST', '/faq', { id: 'xss-coupon', question: FAQ_QUESTION, answer: FAQ_ANSWER, variants: ['mã giảm giá tháng này'] }, adminToken)).status).toBe(201);
    expect((await api('POST', '/canned-responses', { shortCode: 'xss', content: CANNED }, adminToken)).status).toBe(201);
    const named = await upsertAgent(gw.db, { email: 'xss-agent@anphat.vn', name: AGENT_NAME, role: 'agent', password: TEST_SECRETS.passwordSecurity });
    await gw.db.insertInto('inbox_members').values({ inbox_id: seeded.inboxId!, agent_id: named.id }).execute();
    expect((await api('POST', '/teams', { name: TEAM_NAME }, adminToken)).status).toBe(201);
    // The demo inbox asks for a name first: the visitor's name is hostile too.
    const inbox = await gw.db.selectFrom('inboxes').select('settings').where('id', '=', seeded.inboxId!).executeTakeFirstOrThrow();
    await gw.db
      .updateTable('inboxes')
      .set({ settings: JSON.stringify({ ...(inbox.settings as Record<string, unknown>), prechat: { name: 'required', phone: 'off', email: 'off' } }) })
      .where('id', '=', seeded.inboxId!)
      .execute();

    browser = await launchChromium();
    visitorCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
    agentCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    visitor = await visitorCtx.newPage();
    agent = await agentCtx.newPage();
    watch(visitor);
    watch(agent);
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  test('the detector has teeth: the same payloads parsed as HTML are all caught', async () => {
    const page = await visitorCtx.newPage();
    try {
      await page.setContent(`<div>${IMG}</div><div>${SVG}</div><div>${SCRIPT}</div><a href="${JS_LINK}">x</a>`);
      await page.waitForTimeout(300);
      const report = await injected(page);
      expect(report.xss).toBe(1);
      expect(report.imgX).toBe(1);
      expect(report.svgOnload).toBe(1);
      expect(report.scripts).toBe(1);
      expect(report.handlers.length).toBe(2);
      expect(report.jsUrls.length).toBe(1);
    } finally {
      await page.close();
    }
  });

  test('widget: the pre-chat name, the FAQ bot answer, the visitor messages and a file name show as text', async () => {
    await visitor.goto(`${url}/`);
    await widget(visitor).locator('[data-testid="og-launcher"]').click();
    const prechat = widget(visitor).locator('[data-testid="og-prechat"]');
    await prechat.waitFor();
    await prechat.locator('input[name="name"]').fill(PRECHAT_NAME);
    await prechat.locator('button[type="submit"]').click();
    const input = widget(visitor).locator('[data-testid="og-input"]');
    await input.waitFor();

    // The bot answers from the hostile FAQ entry.
    await input.fill(FAQ_QUESTION);
    await widget(visitor).locator('[data-testid="og-send"]').click();
    await bubbles(visitor).filter({ hasText: 'Mã giảm giá: GIAM10' }).first().waitFor({ timeout: 15_000 });
    expect(await bubbles(visitor).filter({ hasText: 'Mã giảm giá: GIAM10' }).first().innerText()).toContain(FAQ_ANSWER);

    for (const text of VISITOR_MESSAGES) {
      await input.fill(text);
      await widget(visitor).locator('[data-testid="og-send"]').click();
      await bubbles(visitor).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    }
    await visitor.locator('#omnigate-widget .og-file-input').setInputFiles({ name: FILE_NAME, mimeType: 'application/pdf', buffer: PDF });
    await bubbles(visitor).filter({ hasText: FILE_NAME }).first().waitFor({ timeout: 15_000 });

    // The plain "javascript:" text is no link; the http link is one, to an http(s) URL with the markup escaped.
    expect(await bubbles(visitor).filter({ hasText: JS_LINK }).locator('a').count()).toBe(0);
    const link = bubbles(visitor).filter({ hasText: 'xem https://example.com/' }).locator('a').first();
    expect(await link.getAttribute('href')).toMatch(/^https:\/\/example\.com\/\?q=(%22|")?$/);
    await bubbles(visitor).filter({ hasText: SCRIPT }).first().scrollIntoViewIfNeeded();
    await visitor.screenshot({ path: artifact('security', 'xss-widget-visitor.png') });
    await inert(visitor, 'widget after the visitor wrote');
  });

  test("inbox: the visitor's messages, name and file, the FAQ answer and the agent's own hostile replies show as text", async () => {
    await login(agent, DEMO.agent);
    await byTestId(agent, 'folder-all').click();
    const item = agent.locator('[data-testid="conv-item"]', { hasText: 'Lan' }).first();
    await item.waitFor({ timeout: 15_000 });
    expect(await item.innerText()).toContain(PRECHAT_NAME);
    await item.click();
    const msgs = agent.locator('[data-testid="msg"]');
    for (const text of [...VISITOR_MESSAGES, FILE_NAME, FAQ_ANSWER]) await msgs.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    await byTestId(agent, 'contact-panel').filter({ hasText: PRECHAT_NAME }).waitFor();
    await inert(agent, 'inbox conversation with the visitor');

    // Hostile replies typed by the agent, and a hostile canned response picked with "/".
    const composer = byTestId(agent, 'composer-input');
    for (const text of AGENT_REPLIES) {
      await composer.fill(text);
      await byTestId(agent, 'composer-send').click();
      await msgs.filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    }
    await composer.click();
    await composer.pressSequentially('/xss', { delay: 10 });
    await byTestId(agent, 'canned-list').filter({ hasText: CANNED }).waitFor();
    await inert(agent, 'inbox canned responses list');
    await agent.screenshot({ path: artifact('security', 'xss-inbox-canned.png') });
    await composer.press('Enter');
    expect(await composer.inputValue()).toBe(CANNED);
    await byTestId(agent, 'composer-send').click();
    await msgs.filter({ hasText: CANNED }).first().waitFor({ timeout: 15_000 });
    await agent.screenshot({ path: artifact('security', 'xss-inbox-conversation.png') });
    await inert(agent, 'inbox after the agent replied');
  });

  test("widget: the agent's hostile replies and canned response reach the visitor as text", async () => {
    for (const text of [...AGENT_REPLIES, CANNED]) await bubbles(visitor).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    await visitor.screenshot({ path: artifact('security', 'xss-widget-replies.png') });
    await inert(visitor, 'widget after the agent replied');
    // And after a reload, from the history.
    await visitor.reload();
    await widget(visitor).locator('[data-testid="og-launcher"]').click();
    for (const text of [...VISITOR_MESSAGES, ...AGENT_REPLIES, CANNED, FILE_NAME]) await bubbles(visitor).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
    await inert(visitor, 'widget after a reload');
  });

  test('inbox admin screens and reports: the FAQ entry, canned response, agent and team names show as text', async () => {
    // The conversation ends with the hostile-named agent and team, so the reports list them.
    const conv = await gw.db.selectFrom('conversations').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const named = await gw.db.selectFrom('agents').select('id').where('email', '=', 'xss-agent@anphat.vn').executeTakeFirstOrThrow();
    const team = await gw.db.selectFrom('teams').select('id').where('name', '=', TEAM_NAME).executeTakeFirstOrThrow();
    await gw.actions.assign(conv.id, { agentId: named.id, teamId: team.id }, { type: 'agent', id: named.id });
    await gw.actions.resolve(conv.id, { type: 'agent', id: named.id });
    await gw.rollups.flush();

    const adminCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const admin = await adminCtx.newPage();
    watch(admin);
    try {
      await login(admin, ADMIN);
      await byTestId(admin, 'nav-admin').click();
      await byTestId(admin, 'nav-admin-faq').click();
      const faq = admin.locator('[data-testid="faq-row"]', { hasText: FAQ_QUESTION });
      await faq.waitFor({ timeout: 15_000 });
      expect(await faq.innerText()).toContain(FAQ_ANSWER);
      await faq.scrollIntoViewIfNeeded();
      await admin.screenshot({ path: artifact('security', 'xss-admin-faq.png') });
      await inert(admin, 'FAQ admin screen');

      await byTestId(admin, 'nav-admin-canned').click();
      await admin.locator('[data-testid="canned-row"]', { hasText: CANNED }).waitFor();
      await inert(admin, 'canned responses admin screen');
      await byTestId(admin, 'nav-admin-agents').click();
      await admin.locator('[data-testid="agent-row"]', { hasText: AGENT_NAME }).waitFor();
      await admin.screenshot({ path: artifact('security', 'xss-admin-agents.png') });
      await inert(admin, 'agents admin screen');
      await byTestId(admin, 'nav-admin-teams').click();
      await admin.locator('[data-testid="team-row"]', { hasText: TEAM_NAME }).waitFor();
      await inert(admin, 'teams admin screen');

      await byTestId(admin, 'nav-reports').click();
      const row = admin.locator('[data-testid="group-row"]', { hasText: AGENT_NAME });
      await row.first().waitFor({ timeout: 20_000 });
      await admin.locator('[data-testid="group-row"]', { hasText: TEAM_NAME }).first().waitFor();
      await row.first().scrollIntoViewIfNeeded();
      await admin.screenshot({ path: artifact('security', 'xss-reports.png') });
      await inert(admin, 'reports screen');

      // The resolved conversation, opened from the list: name, messages, assignee still text.
      await admin.goto(`${url}/inbox#/inbox/resolved/${conv.id}`);
      await admin.locator('[data-testid="msg"]', { hasText: CANNED }).first().waitFor({ timeout: 15_000 });
      await inert(admin, 'resolved conversation as admin');
    } finally {
      await adminCtx.close();
    }
  });

  test('an uploaded image/HTML polyglot opened directly in the browser is an image, and runs nothing', async () => {
    const session = await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: DEMO.inboxKey }) });
    const { token } = (await session.json()) as { token: string };
    const html = Buffer.from(`<html><body>${IMG}${SCRIPT}</body></html>`);
    for (const [name, body] of [['anh.html', Buffer.concat([PNG, html])], ['dong.gif', Buffer.concat([Buffer.from('GIF89a'), html])]] as const) {
      const res = await fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-filename': encodeURIComponent(name) }, body: new Uint8Array(body) });
      expect(res.status).toBe(201);
      const { url: link } = (await res.json()) as { url: string };
      const page = await visitorCtx.newPage();
      watch(page);
      const response = await page.goto(link);
      expect(response?.headers()['content-type']).toMatch(/^image\/(png|gif)$/);
      await until(async () => (await page.evaluate(() => document.contentType)).startsWith('image/'), 'the file to load as an image');
      await inert(page, `polyglot ${name} opened directly`);
      await page.close();
    }
  });
});
