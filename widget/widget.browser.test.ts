/**
 * The website widget in a real browser (headless Chromium via playwright-core), against
 * a TEST FAKE of the widget protocol (widget/test-support/fake-widget-server.ts), so the
 * client is checked in isolation from the real server.
 *
 * Without /usr/bin/chromium the browser tests are skipped with a notice, except in CI
 * (CI=true) where that is a failure. Screenshots go to test-artifacts/widget/.
 *
 * Isolation from a hostile page is checked two ways: element screenshots of the launcher
 * and of the open panel on demo/index.html and demo/hostile.html are compared pixel by
 * pixel (inside the elements' rounded shapes, since the page shows through the corners),
 * and the computed styles of key elements are compared exactly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { MAX_UPLOAD_BYTES, STORAGE_PREFIX } from '../channels/widget/protocol';
import { FAKE_QUICK_REPLIES, startFakeWidgetServer, type FakeWidgetServer } from './test-support/fake-widget-server';
import { comparePngs } from './test-support/pixel-diff';

interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}
interface BuildWidgetModule {
  buildWidget(options: { outdir: string }): { files: BuiltFile[]; ok: boolean };
}

const ROOT = path.resolve(__dirname, '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'widget');
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const KEY = `${STORAGE_PREFIX}demo`;

if (!HAVE_CHROMIUM) {
  if (process.env.CI === 'true') {
    test('Chromium is required in CI', () => {
      throw new Error(`CI: ${CHROMIUM} not found; the widget browser tests cannot run`);
    });
  } else {
    console.warn(`\n[omnigate tests] ${CHROMIUM} not found: widget browser tests are skipped.\n`);
  }
}

const describeBrowser = HAVE_CHROMIUM ? describe : describe.skip;
jest.setTimeout(60_000);

let outdir = '';
let build: ReturnType<BuildWidgetModule['buildWidget']>;
let fake: FakeWidgetServer;
let browser: Browser;

beforeAll(async () => {
  // Node's own require (not Jest's): the build script is plain CommonJS for node.
  const { buildWidget } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-widget.js')) as BuildWidgetModule;
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-widget-'));
  build = buildWidget({ outdir });
  if (!HAVE_CHROMIUM) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fake = await startFakeWidgetServer({ dist: outdir, demo: path.join(__dirname, 'demo') });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await fake?.close();
  if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
});

test('the build fits the size budget (loader ≤ 8 KB, all ≤ 45 KB gzip)', () => {
  expect(build.ok).toBe(true);
  const loader = build.files.find((f) => f.name === 'widget.js')!;
  expect(loader.gzipBytes).toBeLessThan(8 * 1024);
  expect(build.files.reduce((sum, f) => sum + f.gzipBytes, 0)).toBeLessThan(45 * 1024);
  // No socket.io in the loader: that is the panel's job.
  expect(fs.readFileSync(path.join(outdir, 'widget.js'), 'utf8')).not.toMatch(/engine\.io|socket\.io/);
});

// ── helpers ─────────────────────────────────────────────────────────────────────────

interface Opened {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  requests: string[];
}

async function openPage(urlPath: string, options: BrowserContextOptions = {}): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', ...options });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('request', (req) => requests.push(new URL(req.url()).pathname));
  page.on('pageerror', (err) => console.error(`[page error] ${err.message}`));
  await page.goto(fake.url + urlPath);
  await launcher(page).waitFor({ state: 'visible' });
  return { context, page, dialogs, requests };
}

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const launcher = (page: Page) => byTestId(page, 'og-launcher');
const panel = (page: Page) => byTestId(page, 'og-panel');
const input = (page: Page) => byTestId(page, 'og-input');
const bubbles = (page: Page, direction: 'in' | 'out', text?: string) =>
  page.locator(`[data-testid="og-message"][data-direction="${direction}"]`, text === undefined ? {} : { hasText: text });

/** The data-testid of the focused element inside the widget's shadow root. */
function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('#omnigate-widget')?.shadowRoot?.activeElement?.getAttribute('data-testid') ?? null);
}

async function openPanel(page: Page): Promise<void> {
  await launcher(page).click();
  await panel(page).waitFor({ state: 'visible' });
  // Let the opening animation finish, so boxes and pictures are final.
  await panel(page).evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
}

async function send(page: Page, text: string): Promise<void> {
  await input(page).fill(text);
  await input(page).press('Enter');
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function shot(page: Page, testId: string, file: string): Promise<Buffer> {
  await page.mouse.move(640, 5); // no hover effect in the picture
  return byTestId(page, testId).screenshot({ path: path.join(ARTIFACTS, file), animations: 'disabled', caret: 'hide' });
}

// ── the demo page, one conversation from start to end ──────────────────────────────

describeBrowser('chat on the demo page', () => {
  let opened: Opened;
  let page: Page;

  beforeAll(async () => {
    opened = await openPage('/');
    page = opened.page;
  });
  afterAll(async () => opened?.context.close());

  test('draws only the launcher until opened', async () => {
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await launcher(page).getAttribute('aria-label')).toBe('Mở khung chat');
    expect(await panel(page).count()).toBe(0);
    expect(opened.requests).not.toContain('/widget-panel.js');
    await shot(page, 'og-launcher', 'demo-launcher.png');
  });

  test('opens the panel on click: a focused dialog with the greeting', async () => {
    await openPanel(page);
    expect(opened.requests.filter((p) => p === '/widget-panel.js')).toHaveLength(1);
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('true');
    expect(await panel(page).getAttribute('role')).toBe('dialog');
    expect(await panel(page).getAttribute('aria-label')).toBe('Chat với chúng tôi');
    expect(await byTestId(page, 'og-messages').getAttribute('role')).toBe('log');
    expect(await byTestId(page, 'og-messages').getAttribute('aria-live')).toBe('polite');
    expect(await input(page).getAttribute('placeholder')).toBe('Nhập tin nhắn…');
    await page.locator('.og-greeting', { hasText: 'Xin chào! Điện máy An Phát' }).waitFor();
    await until(async () => (await focusedTestId(page)) === 'og-input', 'focus on the input');
  });

  test('sends a message: shown at once, acknowledged, then the bot answers', async () => {
    await send(page, 'Xin chào shop');
    const mine = bubbles(page, 'in', 'Xin chào shop');
    await mine.waitFor();
    expect(await mine.getAttribute('data-client-id')).toMatch(/^[0-9a-f-]{36}$/);
    await page.locator('[data-testid="og-message"][data-direction="in"][data-id]', { hasText: 'Xin chào shop' }).waitFor();
    await bubbles(page, 'out', 'Chào bạn!').waitFor();
    const sent = fake.sent.find((s) => s.content.type === 'text' && s.content.text === 'Xin chào shop');
    expect(sent?.clientId).toBe(await mine.getAttribute('data-client-id'));
    expect(await input(page).inputValue()).toBe('');
    expect(fake.typing).toContain(true);
    expect(fake.typing[fake.typing.length - 1]).toBe(false); // stopped on send
    expect(fake.reads.length).toBeGreaterThan(0);
  });

  test('quick replies send a quick_reply with the payload', async () => {
    const buttons = byTestId(page, 'og-quick-reply');
    await buttons.first().waitFor();
    expect(await buttons.allTextContents()).toEqual(FAKE_QUICK_REPLIES.map((q) => q.title));
    await buttons.first().click();
    await page.locator('[data-testid="og-message"][data-direction="in"][data-id]', { hasText: 'Giờ mở cửa' }).waitFor();
    expect(fake.sent.some((s) => s.content.type === 'quick_reply' && s.content.payload === 'HOURS' && s.content.text === 'Giờ mở cửa')).toBe(true);
    await bubbles(page, 'out', 'Bạn đã chọn: Giờ mở cửa').waitFor();
    expect(await buttons.count()).toBe(0); // the answer had none
  });

  test('message text is never HTML; only http(s) links are clickable', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await send(page, evil);
    await page.locator('[data-testid="og-message"][data-direction="in"][data-id]', { hasText: evil }).waitFor();
    await send(page, 'Xem https://anphat.vn/khuyen-mai. hoặc javascript:alert(2)');
    await page.locator('[data-testid="og-message"][data-id]', { hasText: 'javascript:alert(2)' }).waitFor();
    await page.waitForTimeout(300);
    const dom = await page.evaluate(() => {
      const list = document.querySelector('#omnigate-widget')!.shadowRoot!.querySelector('[data-testid="og-messages"]')!;
      return {
        images: list.querySelectorAll('img').length,
        texts: Array.from(list.querySelectorAll('[data-direction="in"] .og-bubble')).map((b) => b.textContent),
        links: Array.from(list.querySelectorAll('a')).map((a) => ({ href: a.getAttribute('href'), text: a.textContent, target: a.target, rel: a.rel })),
      };
    });
    expect(dom.images).toBe(0);
    expect(dom.texts).toContain(evil);
    expect(dom.links).toEqual([{ href: 'https://anphat.vn/khuyen-mai', text: 'https://anphat.vn/khuyen-mai', target: '_blank', rel: 'noopener noreferrer nofollow' }]);
    expect(opened.dialogs).toEqual([]);
  });

  test('shows the agent typing and the "Seen" mark', async () => {
    fake.agentTyping(true);
    await byTestId(page, 'og-typing').waitFor({ state: 'visible' });
    expect(await byTestId(page, 'og-typing').textContent()).toContain('Nhân viên đang nhập…');
    fake.agentTyping(false);
    await byTestId(page, 'og-typing').waitFor({ state: 'hidden' });
    fake.agentRead();
    await page.locator('.og-seen', { hasText: 'Đã xem' }).waitFor();
    expect(await page.locator('.og-seen').count()).toBe(1);
    await shot(page, 'og-panel', 'demo-panel-conversation.png');
    await page.screenshot({ path: path.join(ARTIFACTS, 'demo-page-conversation.png'), animations: 'disabled', caret: 'hide' });
  });

  test('a refused message is marked failed, and the retry button sends it again', async () => {
    await send(page, 'FAIL_ONCE');
    const failed = page.locator('[data-testid="og-message"][data-state="failed"]', { hasText: 'FAIL_ONCE' });
    await failed.waitFor();
    expect(await failed.locator('[role="alert"]').textContent()).toContain('Không gửi được.');
    const clientId = await failed.getAttribute('data-client-id');
    await failed.locator('[data-testid="og-retry"]').click();
    await page.locator(`[data-testid="og-message"][data-id][data-client-id="${clientId}"]`).waitFor();
    expect(fake.sent.filter((s) => s.clientId === clientId)).toHaveLength(2);
  });

  test('attachments: an image uploads and shows; an oversized file is refused', async () => {
    // 1×1 PNG
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await page.locator('.og-file-input').setInputFiles({ name: 'anh-loi.png', mimeType: 'image/png', buffer: png });
    const image = page.locator('[data-testid="og-message"][data-direction="in"][data-id] img');
    await image.waitFor();
    expect(await image.getAttribute('src')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fake-uploads\/[0-9a-f-]{36}$/);
    await until(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth === 1), 'the image to load');
    expect(fake.sent.some((s) => s.content.type === 'upload')).toBe(true);

    await page.locator('.og-file-input').setInputFiles({ name: 'qua-lon.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(MAX_UPLOAD_BYTES + 1) });
    await page.locator('.og-notice', { hasText: 'Tệp quá lớn' }).waitFor();
  });

  test('Escape closes the panel and gives the focus back to the launcher', async () => {
    await input(page).focus();
    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
    expect(await launcher(page).getAttribute('aria-expanded')).toBe('false');
    expect(await focusedTestId(page)).toBe('og-launcher');
    // Keyboard users open it again with Enter
    await page.keyboard.press('Enter');
    await panel(page).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await panel(page).waitFor({ state: 'hidden' });
  });

  test('messages arriving while closed raise the badge, which survives a reload', async () => {
    const badge = byTestId(page, 'og-badge');
    expect(await badge.isVisible()).toBe(false);
    fake.agentSays('Chị Hà đây, em hỗ trợ mình nhé.');
    await badge.waitFor({ state: 'visible' });
    expect(await badge.textContent()).toBe('1');
    expect(await launcher(page).getAttribute('aria-label')).toBe('Mở khung chat (1 tin nhắn chưa đọc)');
    await shot(page, 'og-launcher', 'demo-launcher-badge.png');
    await page.reload();
    await badge.waitFor({ state: 'visible' });
    expect(await badge.textContent()).toBe('1');
    await openPanel(page);
    expect(await badge.isVisible()).toBe(false);
    await bubbles(page, 'out', 'Chị Hà đây').waitFor();
    expect(await page.locator('.og-name', { hasText: 'Nguyễn Thu Hà' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    expect(await badge.isVisible()).toBe(false);
  });

  test('after a reload the history comes back from the server, without duplicates', async () => {
    await page.evaluate((key) => localStorage.removeItem(`${key}:history`), KEY); // keep only the token
    await page.reload();
    await openPanel(page);
    await bubbles(page, 'out', 'Chị Hà đây').waitFor();
    const rows = await page.evaluate(() =>
      Array.from(document.querySelector('#omnigate-widget')!.shadowRoot!.querySelectorAll('[data-testid="og-message"]')).map((r) => ({ id: Number(r.getAttribute('data-id')), text: r.textContent })),
    );
    const ids = rows.map((r) => r.id);
    expect(ids.every((id) => id > 0)).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const text of ['Xin chào shop', 'Chào bạn!', 'Giờ mở cửa', '<img src=x onerror=alert(1)>']) expect(rows.some((r) => r.text?.includes(text))).toBe(true);
  });

  test('messages written while disconnected wait in the outbox and go out in order', async () => {
    fake.setOffline(true);
    const status = byTestId(page, 'og-status');
    await status.waitFor({ state: 'visible' });
    expect(await status.textContent()).toBe('Đang kết nối lại…');
    await send(page, 'Tin thứ nhất');
    await send(page, 'Tin thứ hai');
    expect(await page.locator('[data-testid="og-message"][data-state="sending"]').count()).toBe(2);
    const queued = await page.evaluate((key) => JSON.parse(localStorage.getItem(`${key}:outbox`) ?? '[]') as { content: { text: string } }[], KEY);
    expect(queued.map((q) => q.content.text)).toEqual(['Tin thứ nhất', 'Tin thứ hai']);
    await shot(page, 'og-panel', 'demo-panel-offline.png');
    fake.setOffline(false);
    await page.locator('[data-testid="og-message"][data-id]', { hasText: 'Tin thứ hai' }).waitFor({ timeout: 20_000 });
    await status.waitFor({ state: 'hidden' });
    const order = fake.sent.filter((s) => s.content.type === 'text' && s.content.text.startsWith('Tin thứ')).map((s) => (s.content.type === 'text' ? s.content.text : ''));
    expect(order.indexOf('Tin thứ nhất')).toBeLessThan(order.indexOf('Tin thứ hai'));
    const firstId = Number(await bubbles(page, 'in', 'Tin thứ nhất').getAttribute('data-id'));
    const secondId = Number(await bubbles(page, 'in', 'Tin thứ hai').getAttribute('data-id'));
    expect(firstId).toBeLessThan(secondId);
    expect(await page.evaluate((key) => localStorage.getItem(`${key}:outbox`), KEY)).toBeNull();
  });

  test('a token the socket refuses is replaced by a new session', async () => {
    const before = await page.evaluate((key) => localStorage.getItem(key), KEY);
    const sessions = fake.sessions;
    fake.refuseNextHandshake();
    await until(() => fake.sessions > sessions, 'a new session');
    await until(async () => (await page.evaluate((key) => localStorage.getItem(key), KEY)) !== before, 'a new token');
    await byTestId(page, 'og-status').waitFor({ state: 'hidden' });
    await send(page, 'Vẫn nói chuyện được');
    await page.locator('[data-testid="og-message"][data-id]', { hasText: 'Vẫn nói chuyện được' }).waitFor();
  });
});

// ── forms, languages, layouts ───────────────────────────────────────────────────────

describeBrowser('forms', () => {
  test('the pre-chat form checks required fields and formats, then opens the chat', async () => {
    const { context, page } = await openPage('/test-page?inbox=prechat');
    await openPanel(page);
    const form = byTestId(page, 'og-prechat');
    await form.waitFor();
    expect(await input(page).isVisible()).toBe(false);
    await form.locator('button[type="submit"]').click();
    await form.locator('.og-error', { hasText: 'Vui lòng nhập họ tên.' }).waitFor();
    await form.locator('input[name="name"]').fill('Lê Văn Bình');
    await form.locator('input[name="phone"]').fill('12ab');
    await form.locator('button[type="submit"]').click();
    await form.locator('.og-error', { hasText: 'Số điện thoại không hợp lệ.' }).waitFor();
    await shot(page, 'og-panel', 'prechat-panel.png');
    await form.locator('input[name="phone"]').fill('0912 345 678');
    await form.locator('button[type="submit"]').click();
    await form.waitFor({ state: 'detached' });
    expect(fake.prechats).toContainEqual({ name: 'Lê Văn Bình', phone: '0912 345 678' });
    await until(async () => (await focusedTestId(page)) === 'og-input', 'focus on the input');
    // Remembered: not asked again after a reload
    await page.reload();
    await openPanel(page);
    await input(page).waitFor({ state: 'visible' });
    expect(await byTestId(page, 'og-prechat').count()).toBe(0);
    await context.close();
  });

  test('the offline form appears when no agent is online, and thanks the visitor', async () => {
    const { context, page } = await openPage('/test-page?inbox=offline');
    await openPanel(page);
    await send(page, 'Cho mình hỏi bảo hành');
    const form = byTestId(page, 'og-offline');
    await form.waitFor();
    await form.locator('input[name="contact"]').fill('khong-phai-email@');
    await form.locator('button[type="submit"]').click();
    await form.locator('.og-error', { hasText: 'Địa chỉ email không hợp lệ.' }).waitFor();
    await form.locator('input[name="name"]').fill('Bình');
    await form.locator('input[name="contact"]').fill('binh@example.vn');
    await form.locator('textarea[name="message"]').fill('Gọi lại cho mình sau 17h nhé');
    await form.locator('button[type="submit"]').click();
    await byTestId(page, 'og-offline-thanks').waitFor();
    expect(fake.offlines).toContainEqual({ name: 'Bình', email: 'binh@example.vn', message: 'Gọi lại cho mình sau 17h nhé' });
    await shot(page, 'og-panel', 'offline-panel.png');
    await context.close();
  });
});

describeBrowser('language and layout', () => {
  test.each([
    ['data-lang="en"', '/test-page?inbox=demo&lang=en'],
    ['<html lang="en-US">', '/test-page?inbox=demo&htmllang=en-US'],
    ["the inbox's language", '/test-page?inbox=english'],
  ])('English from %s', async (_how, url) => {
    const { context, page } = await openPage(url);
    await openPanel(page);
    await until(async () => (await launcher(page).getAttribute('aria-label')) === 'Close chat', 'an English launcher label');
    await until(async () => (await panel(page).getAttribute('aria-label')) === 'Chat with us', 'an English panel');
    expect(await input(page).getAttribute('placeholder')).toBe('Type a message…');
    expect(await byTestId(page, 'og-send').getAttribute('aria-label')).toBe('Send');
    await context.close();
  });

  test('Vietnamese wins when the page says vi, even for an English inbox', async () => {
    const { context, page } = await openPage('/test-page?inbox=english&htmllang=vi');
    await openPanel(page);
    expect(await input(page).getAttribute('placeholder')).toBe('Nhập tin nhắn…');
    await context.close();
  });

  test('data-position="left" puts launcher and panel on the left', async () => {
    const { context, page } = await openPage('/test-page?inbox=demo&position=left');
    await openPanel(page);
    const l = (await launcher(page).boundingBox())!;
    const p = (await panel(page).boundingBox())!;
    expect(l.x).toBe(20);
    expect(p.x).toBe(20);
    await context.close();
  });

  test('on a phone the panel is full-screen; on a desktop it is 370×560 at the bottom right', async () => {
    const phone = await openPage('/', { viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true });
    await openPanel(phone.page);
    expect(await panel(phone.page).boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 700 });
    await phone.page.screenshot({ path: path.join(ARTIFACTS, 'phone-panel.png'), animations: 'disabled', caret: 'hide' });
    await byTestId(phone.page, 'og-panel').locator('.og-header button').click(); // the close button
    await panel(phone.page).waitFor({ state: 'hidden' });
    await phone.context.close();

    const desktop = await openPage('/');
    await openPanel(desktop.page);
    expect(await panel(desktop.page).boundingBox()).toEqual({ x: 1280 - 20 - 370, y: 800 - 96 - 560, width: 370, height: 560 });
    await desktop.context.close();
  });
});

// ── isolation from the host page's CSS ──────────────────────────────────────────────

describeBrowser('a hostile page cannot restyle the widget', () => {
  /** Computed styles of key elements, to compare across pages exactly. */
  const styles = (page: Page) =>
    page.evaluate(() => {
      const root = document.querySelector('#omnigate-widget')!.shadowRoot!;
      const props = ['font-family', 'font-size', 'font-style', 'line-height', 'color', 'background-color', 'border-top-width', 'padding-top', 'margin-top', 'width', 'height', 'opacity', 'transform', 'filter', 'display', 'position', 'letter-spacing'];
      const out: Record<string, Record<string, string>> = {};
      for (const sel of ['[data-testid="og-launcher"]', '[data-testid="og-panel"]', '.og-header', '.og-title', '[data-testid="og-input"]', '[data-testid="og-send"]', '.og-greeting .og-bubble']) {
        const el = root.querySelector(sel);
        if (!el) continue;
        const cs = getComputedStyle(el);
        out[sel] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
      }
      const host = getComputedStyle(document.querySelector('#omnigate-widget')!);
      out.host = { display: host.display, position: host.position, visibility: host.visibility, opacity: host.opacity, transform: host.transform, filter: host.filter };
      return out;
    });

  test('launcher and open panel look the same on demo/index.html and demo/hostile.html', async () => {
    const { context, page } = await openPage('/');
    const pictures: Record<string, Buffer> = {};
    const looks: Record<string, Awaited<ReturnType<typeof styles>>> = {};
    for (const name of ['demo', 'hostile']) {
      if (name === 'hostile') {
        await page.goto(`${fake.url}/hostile.html`);
        await launcher(page).waitFor({ state: 'visible' });
      }
      pictures[`${name}-launcher`] = await shot(page, 'og-launcher', `${name}-launcher.png`);
      await openPanel(page);
      await page.locator('.og-greeting').waitFor();
      await until(async () => (await focusedTestId(page)) === 'og-input', 'focus on the input');
      await page.waitForTimeout(200);
      pictures[`${name}-panel`] = await shot(page, 'og-panel', `${name}-panel.png`);
      looks[name] = await styles(page);
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-page-open.png`), animations: 'disabled', caret: 'hide' });
    }
    expect(looks.hostile).toEqual(looks.demo);

    const blank = await context.newPage();
    const launcherDiff = await comparePngs(blank, pictures['demo-launcher']!, pictures['hostile-launcher']!, 30);
    const panelDiff = await comparePngs(blank, pictures['demo-panel']!, pictures['hostile-panel']!, 16);
    console.log(`widget isolation: launcher ${JSON.stringify(launcherDiff)}, panel ${JSON.stringify(panelDiff)}`);
    expect(launcherDiff.differing).toBe(0);
    expect(panelDiff.differing).toBe(0);
    expect(launcherDiff.compared).toBeGreaterThan(2000);
    expect(panelDiff.compared).toBeGreaterThan(150_000);
    await context.close();
  });
});
