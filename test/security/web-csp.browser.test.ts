import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { io as ioClient } from 'socket.io-client';
import { composeGateway } from '../../app/compose';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { createInbox } from '../../src/store/repos/inboxes';
import { artifact, byTestId, describeInBrowser, launchChromium, until } from '../support/browser';
import { freshDataDir } from '../support/databases';

const ROOT = path.resolve(__dirname, '..', '..');
const ADMIN = { email: 'admin@shop.vn', password: 'admin-password-123' };
// A real 1×1 PNG, so the browser must decode it (and the CSP must let it load).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
jest.setTimeout(120_000);

type Build = (o: { outdir: string }) => { ok?: boolean };

/** Collects what the browser reports against the page's policies (and nothing else). */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('__cspViolation', (_source, text: string) => void violations.push(text));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      void (window as unknown as { __cspViolation(t: string): void }).__cspViolation(`${e.violatedDirective} ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return violations;
}

/**
 * The production pages (app/compose.ts, built bundles) in Chromium under their
 * header policies: the inbox and its reports work with no violation, nobody can frame
 * the inbox, and the widget works on a customer site from another origin that the inbox
 * lists — and on no other.
 */
describeInBrowser('browser: the pages under their security headers', () => {
  let gw: Gateway;
  let url: string;
  let browser: Browser;
  let customer: http.Server;
  let customerUrl: string;

  beforeAll(async () => {
    const req = createRequire(__filename);
    const { buildInbox } = req(path.join(ROOT, 'scripts', 'build-inbox.js')) as { buildInbox: Build };
    const { buildWidget } = req(path.join(ROOT, 'scripts', 'build-widget.js')) as { buildWidget: Build };
    buildInbox({ outdir: path.join(ROOT, 'inbox', 'dist') });
    expect(buildWidget({ outdir: path.join(ROOT, 'widget', 'dist') }).ok).toBe(true);

    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', OMNIGATE_ADMIN_EMAIL: ADMIN.email, OMNIGATE_ADMIN_PASSWORD: ADMIN.password }));
    url = await gw.listen();

    // A customer's site on another origin — another site, even: localhost vs 127.0.0.1.
    // It embeds the widget of the inbox named in the query, or frames the inbox.
    customer = http.createServer((request, res) => {
      const u = new URL(request.url ?? '/', 'http://localhost');
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (u.pathname === '/frame.html') return void res.end(`<!doctype html><title>framer</title><iframe id="f" src="${url}/inbox" width="800" height="600"></iframe>`);
      res.end(`<!doctype html><html lang="vi"><title>shop</title><h1>Cửa hàng</h1><script src="${url}/widget.js" data-inbox="${u.searchParams.get('inbox') ?? ''}" async></script></html>`);
    });
    await new Promise<void>((resolve) => customer.listen(0, '127.0.0.1', resolve));
    customerUrl = `http://localhost:${(customer.address() as AddressInfo).port}`;
    await createInbox(gw.db, { channel: 'widget', accountId: 'listed', name: 'Listed', botEnabled: false, settings: { allowedOrigins: [customerUrl] } });
    await createInbox(gw.db, { channel: 'widget', accountId: 'unlisted', name: 'Unlisted', botEnabled: false, settings: { allowedOrigins: ['https://shop.vn'] } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => customer?.close(resolve));
    await gw?.close();
  });

  /** A visitor of the listed inbox sends an image (over HTTP + socket, like the widget does). */
  async function visitorSendsImage(): Promise<number> {
    const session = (await (await fetch(`${url}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inbox: 'listed' }) })).json()) as { token: string };
    const up = (await (await fetch(`${url}/widget/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${session.token}`, 'content-type': 'image/png', 'x-filename': 'anh.png' }, body: new Uint8Array(PNG) })).json()) as { uploadId: string };
    const socket = ioClient(`${url}/widget`, { auth: { inbox: 'listed', token: session.token }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise((resolve, reject) => socket.once('connect', () => resolve(null)).once('connect_error', reject));
      const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('message:send', { clientId: 'csp-image-0001', content: { type: 'upload', uploadId: up.uploadId } }, (r: { ok: boolean }) => resolve(r)));
      expect(ack.ok).toBe(true);
    } finally {
      socket.close();
    }
    const conv = await gw.db.selectFrom('conversations').innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id').select('conversations.id').where('inboxes.account_id', '=', 'listed').executeTakeFirstOrThrow();
    return conv.id;
  }

  test('the inbox, a conversation with an uploaded image, and the reports screen: no CSP violation', async () => {
    const conversationId = await visitorSendsImage();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const violations = await watchViolations(context);
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    try {
      await page.goto(`${url}/inbox`);
      await byTestId(page, 'login-email').fill(ADMIN.email);
      await byTestId(page, 'login-password').fill(ADMIN.password);
      await byTestId(page, 'login-submit').click();
      await byTestId(page, 'folder-pending').waitFor();
      await page.locator('.app[data-connected="true"]').waitFor(); // the /agent socket passed the origin check

      await page.locator(`[data-testid="conv-item"][data-id="${conversationId}"]`).click();
      const image = page.locator('.msg-media img').first();
      await image.waitFor();
      await until(async () => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 1), 'the uploaded image to load');
      await page.screenshot({ path: artifact('security', 'inbox-under-csp.png') });

      await page.goto(`${url}/inbox#/reports`);
      await page.locator('[data-testid="chart-volume-chart"][data-status="ready"] canvas').first().waitFor();
      await page.screenshot({ path: artifact('security', 'reports-under-csp.png') });

      expect(violations).toEqual([]);
      expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('another site cannot frame the inbox (frame-ancestors, X-Frame-Options)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    try {
      await page.goto(`${customerUrl}/frame.html`);
      await until(() => consoleErrors.some((e) => e.includes("frame-ancestors 'none'")), 'Chromium to refuse the frame');
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame).toBeDefined();
      expect(await frame!.locator('#app').count()).toBe(0); // the inbox never rendered inside
      await page.screenshot({ path: artifact('security', 'inbox-framing-refused.png') });
    } finally {
      await context.close();
    }
  });

  test('the widget on a listed customer site works cross-origin (preflight, session, socket), with no violation on our side', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    try {
      await page.goto(`${customerUrl}/?inbox=listed`);
      await byTestId(page, 'og-launcher').click();
      await byTestId(page, 'og-input').fill('Chào shop, mình hỏi chút');
      await byTestId(page, 'og-send').click();
      await page.locator('[data-testid="og-message"][data-direction="in"][data-id]', { hasText: 'Chào shop, mình hỏi chút' }).waitFor();
      await page.screenshot({ path: artifact('security', 'widget-listed-site.png') });
      const stored = await gw.db.selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id').innerJoin('inboxes', 'inboxes.id', 'conversations.inbox_id').select('messages.id').where('inboxes.account_id', '=', 'listed').where('messages.content', '@>', JSON.stringify({ text: 'Chào shop, mình hỏi chút' }) as never).execute();
      expect(stored).toHaveLength(1);
      expect(consoleErrors.filter((e) => /CORS|Cross-Origin|Refused/i.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test('the widget on a site the inbox does not list gets no session: the browser itself blocks the answer', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    try {
      await page.goto(`${customerUrl}/?inbox=unlisted`);
      await byTestId(page, 'og-launcher').click();
      await until(() => consoleErrors.some((e) => e.includes('/widget/api/session') && /blocked by CORS policy/.test(e)), 'Chromium to block the session answer');
      await page.screenshot({ path: artifact('security', 'widget-unlisted-site.png') });
      const contacts = await gw.db.selectFrom('contact_identities').select('contact_id').where('account_id', '=', 'unlisted').execute();
      expect(contacts).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
