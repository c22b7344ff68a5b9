/**
 * The agent inbox in a real browser (headless Chromium via playwright-core) against a
 * REAL gateway (PGlite store, fake channels named like the real ones), serving the
 * freshly built bundle the way the app does (/inbox, /inbox/assets/*).
 *
 * Without /usr/bin/chromium the browser tests are skipped with a notice, except in CI
 * (CI=true) where that is a failure. Screenshots go to test-artifacts/inbox/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { GatewayError } from '../src/core/errors';
import type { ChannelAddress } from '../src/core/channel';
import type { MessageContent } from '../src/core/message';
import { createGateway, type Gateway } from '../src/server/gateway';
import { upsertAgent } from '../src/store/repos/agents';
import { createInbox } from '../src/store/repos/inboxes';
import { FakeChannel } from '../test/fakes/fake-channel';
import { artifact, byTestId, describeInBrowser, HAVE_CHROMIUM, launchChromium, signInToInbox, until } from '../test/support/browser';
import { testDatabases } from '../test/support/databases';
import { testConfig } from '../test/support/test-config';
import { faqAdminRoutes } from '../bots/faq/admin-routes';
import { FaqBot } from '../bots/faq/faq-bot';
import { entriesForInbox } from '../bots/faq/faq-store';
import { inboxStaticRouter } from './test-support/static-router';

interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}
interface BuildInboxModule {
  buildInbox(options: { outdir: string }): { files: BuiltFile[]; totalGzipBytes: number };
}

/** A fake channel that records the agent typing indicator it is asked to show. */
class TypingFake extends FakeChannel {
  readonly typingCalls: { userId: string; typing: boolean; name: string | null }[] = [];
  async typing(address: ChannelAddress, _conversationId: number, typing: boolean, senderName: string | null): Promise<void> {
    this.typingCalls.push({ userId: address.externalUserId, typing, name: senderName });
  }
}

const ROOT = path.resolve(__dirname, '..');
const PASSWORD = 'password-123456';
const XSS = '<img src=x onerror=alert(1)>';
const [database] = HAVE_CHROMIUM ? testDatabases() : [];
jest.setTimeout(120_000);

const convItem = (page: Page, id: number) => page.locator(`[data-testid="conv-item"][data-id="${id}"]`);

describeInBrowser('agent inbox (browser, real gateway)', () => {
  let outdir = '';
  let build: ReturnType<BuildInboxModule['buildInbox']>;
  let gw: Gateway;
  let url = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const web = new TypingFake('shop-web', 'widget');
  const messenger = new TypingFake('page-anphat', 'messenger');
  const zalo = new TypingFake('oa-anphat', 'zalo');
  const ids: Record<string, number> = {};
  let seq = 0;

  /** A contact message through a fake channel, optionally with the contact's name. */
  const say = async (ch: FakeChannel, user: string, content: string | MessageContent, name?: string): Promise<number> => {
    const r = await ch.ingestRaw({
      kind: 'message',
      channel: ch.id,
      accountId: ch.accountId,
      externalUserId: user,
      externalId: `${user}-${++seq}`,
      sentAt: new Date(),
      content: typeof content === 'string' ? { type: 'text', text: content } : content,
      ...(name ? { profile: { name } } : {}),
    });
    return r.conversationId!;
  };

  const login = (p: Page, email: string) => signInToInbox(p, url, email, PASSWORD);

  beforeAll(async () => {
    const { buildInbox } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-inbox.js')) as BuildInboxModule;
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-inbox-'));
    build = buildInbox({ outdir });

    const { store } = await database!.open();
    gw = await createGateway({
      config: testConfig(),
      store,
      channels: [web, messenger, zalo],
      mount: (g) => {
        g.routes.use(inboxStaticRouter({ dist: outdir }));
        g.api.router.use(faqAdminRoutes(g.db, g.api, new FaqBot((inboxId) => entriesForInbox(g.db, inboxId))));
      },
    });
    const manual = { routing: 'manual' };
    const inboxes = [
      await createInbox(gw.db, { channel: 'widget', accountId: web.accountId, name: 'Website An Phát', botEnabled: false, settings: { ...manual, allowedOrigins: ['https://anphat.vn'] } }),
      await createInbox(gw.db, { channel: 'messenger', accountId: messenger.accountId, name: 'Fanpage An Phát', botEnabled: false, settings: manual }),
      await createInbox(gw.db, { channel: 'zalo', accountId: zalo.accountId, name: 'Zalo OA An Phát', botEnabled: false, settings: manual }),
    ];
    for (const [key, name, role] of [['lan', 'Nguyễn Thu Lan', 'agent'], ['minh', 'Trần Đức Minh', 'agent'], ['admin', 'Quản trị', 'admin']] as const) {
      ids[key] = (await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name, role, password: PASSWORD })).id;
    }
    for (const inbox of inboxes) {
      for (const agent of [ids.lan!, ids.minh!]) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox.id, agent_id: agent }).execute();
    }
    const team = await gw.db.insertInto('teams').values({ name: 'Chăm sóc khách hàng' }).returning('id').executeTakeFirstOrThrow();
    for (const agent of [ids.lan!, ids.minh!]) await gw.db.insertInto('team_members').values({ team_id: team.id, agent_id: agent }).execute();
    await gw.db
      .insertInto('canned_responses')
      .values([
        { short_code: 'chao', content: 'Dạ em chào anh/chị, em có thể hỗ trợ gì ạ?' },
        { short_code: 'diachi', content: 'Anh/chị cho em xin địa chỉ nhận hàng ạ.' },
      ])
      .execute();

    // A few conversations so the list and the screenshots look like a working day.
    ids.mai = await say(web, 'v-mai', 'Shop ơi, áo sơ mi trắng size M còn hàng không ạ?', 'Nguyễn Thị Mai');
    ids.hung = await say(messenger, 'psid-hung', 'Cho mình hỏi đơn #A1023 khi nào giao vậy shop?', 'Trần Văn Hùng');
    await say(messenger, 'psid-hung', { type: 'file', url: 'https://example.com/hoa-don-A1023.pdf', name: 'hoa-don-A1023.pdf', size: 184_320, mimeType: 'application/pdf' });
    ids.yen = await say(zalo, 'z-yen', 'Mình muốn đổi giày sang size 38 được không ạ?', 'Lê Hoàng Yến');
    ids.guest = await say(web, 'v-guest', 'Hello, do you ship to Da Nang?');
    // Yến's conversation: taken by Lan, a bot greeting, a reply, a note, a failed send.
    await gw.actions.assign(ids.yen, { agentId: ids.lan! }, { type: 'agent', id: ids.lan! });
    await gw.outbound.post(ids.yen, { content: { type: 'text', text: 'Chào chị! Nhân viên sẽ hỗ trợ chị ngay ạ.' }, sender: { type: 'bot', id: null } });
    await gw.outbound.post(ids.yen, { content: { type: 'text', text: 'Dạ được ạ, chị gửi giúp em mã đơn hàng nhé.' }, sender: { type: 'agent', id: ids.lan! } });
    await gw.dispatcher.idle();
    await say(zalo, 'z-yen', 'Mã đơn là Z-88412 nha em');
    await gw.outbound.post(ids.yen, { content: { type: 'text', text: 'Khách thân thiết, ưu tiên đổi trong ngày.' }, sender: { type: 'agent', id: ids.lan! }, private: true });
    zalo.failWith = new GatewayError('GW_ERR_MESSAGING_WINDOW_CLOSED', 'Zalo chỉ cho trả lời trong 7 ngày kể từ tin nhắn cuối của khách');
    await gw.outbound.post(ids.yen, { content: { type: 'text', text: 'Em đã đổi sang size 38 cho chị rồi ạ.' }, sender: { type: 'agent', id: ids.lan! } });
    await gw.dispatcher.idle();
    zalo.failWith = null;

    url = await gw.listen();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('the build writes inbox.js and inbox.css, and the chart library apart (inbox-charts.js)', () => {
    expect(build.files.map((f) => f.name)).toEqual(['inbox.js', 'inbox.css', 'inbox-charts.js']);
    for (const f of build.files) expect(fs.statSync(path.join(outdir, f.name)).size).toBe(f.bytes);
    for (const f of ['inbox.js', 'inbox-charts.js']) expect(fs.readFileSync(path.join(outdir, f), 'utf8').startsWith('/* eslint-disable */')).toBe(true);
    // uPlot is only in the bundle the reports screen loads; agents never download it.
    expect(fs.readFileSync(path.join(outdir, 'inbox.js'), 'utf8')).not.toContain('u-legend');
    expect(fs.readFileSync(path.join(outdir, 'inbox-charts.js'), 'utf8')).toContain('u-legend');
  });

  test('the build fits the size budget: what an agent loads at sign-in ≤ 100 KB gzip, the charts ≤ 30 KB', () => {
    const gzip = (name: string) => build.files.find((f) => f.name === name)!.gzipBytes;
    expect(gzip('inbox.js') + gzip('inbox.css')).toBeLessThan(100 * 1024);
    expect(gzip('inbox-charts.js')).toBeLessThan(30 * 1024);
  });

  test('the source never renders text as HTML', () => {
    const files = fs.readdirSync(path.join(__dirname, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      expect([f, fs.readFileSync(path.join(__dirname, 'src', f), 'utf8')]).not.toEqual([f, expect.stringMatching(/dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/)]);
    }
  });

  test("login shows the API's error, then signs in with the cookie session", async () => {
    await page.goto(`${url}/inbox`);
    await byTestId(page, 'login-email').fill('lan@anphat.vn');
    await byTestId(page, 'login-password').fill('wrong-password');
    await byTestId(page, 'login-submit').click();
    await expectText(byTestId(page, 'login-error'), 'wrong e-mail or password');
    await page.screenshot({ path: artifact('inbox', 'login.png') });
    await byTestId(page, 'login-password').fill(PASSWORD);
    await byTestId(page, 'login-submit').click();
    for (const f of ['bot', 'pending', 'mine', 'team', 'all', 'resolved']) await byTestId(page, `folder-${f}`).waitFor();
    await page.locator('.app[data-connected="true"]').waitFor();
    // Vietnamese by default; an agent has no admin screens.
    await expectText(byTestId(page, 'folder-pending'), 'Đang chờ');
    expect(await byTestId(page, 'nav-admin').count()).toBe(0);
    // The bearer token stays in memory: storage holds preferences only.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(stored).not.toMatch(/[A-Za-z0-9_-]{40,}/);
    // A reload signs in again through the httpOnly cookie (GET /auth/me).
    await page.reload();
    await byTestId(page, 'folder-pending').waitFor();
    expect(await byTestId(page, 'login-email').count()).toBe(0);
    await page.locator('.app[data-connected="true"]').waitFor();
  });

  test('a contact message appears in the list without a reload', async () => {
    await byTestId(page, 'folder-pending').click();
    await convItem(page, ids.mai!).waitFor();
    ids.live = await say(web, 'v-live', 'Cho em hỏi giờ mở cửa của cửa hàng ạ?', 'Võ Minh Khoa');
    await convItem(page, ids.live).waitFor({ timeout: 5000 });
    await expectText(convItem(page, ids.live), 'Võ Minh Khoa');
    await expectText(convItem(page, ids.live), 'Website');
    await expectText(convItem(page, ids.live).locator('.badge'), '1');
  });

  test('open it and reply: the channel receives the reply and the bubble shows its status', async () => {
    await convItem(page, ids.live!).click();
    await expectText(byTestId(page, 'conv-title'), 'Võ Minh Khoa');
    await page.locator('[data-testid="msg"][data-direction="in"]', { hasText: 'giờ mở cửa' }).waitFor();
    // Opened and visible: marked read.
    await until(async () => (await convItem(page, ids.live!).locator('.badge').count()) === 0, 'the unread badge to clear');

    const input = byTestId(page, 'composer-input');
    await input.click();
    await input.pressSequentially('Dạ cửa hàng mở cửa ', { delay: 5 });
    await until(() => web.typingCalls.some((c) => c.userId === 'v-live' && c.typing), 'the typing indicator to reach the channel');
    await input.press('Shift+Enter');
    await input.pressSequentially('từ 8h đến 21h ạ.', { delay: 2 });
    await input.press('Enter');
    const text = 'Dạ cửa hàng mở cửa \ntừ 8h đến 21h ạ.';
    await until(async () => {
      await gw.dispatcher.idle();
      return web.sentTo('v-live').some((m) => (m.content as { text?: string }).text === text.trim());
    }, 'the fake channel to receive the reply');
    const reply = page.locator('[data-testid="msg"][data-direction="out"]', { hasText: 'từ 8h đến 21h' });
    await reply.waitFor();
    await until(async () => (await reply.getAttribute('data-status')) === 'sent', 'the reply to show as sent');
    await expectText(reply, 'Đã gửi');
    expect(await input.inputValue()).toBe('');
  });

  test('a private note is shown as a note and never sent to the contact', async () => {
    await byTestId(page, 'composer-private-toggle').click();
    const input = byTestId(page, 'composer-input');
    await input.fill('Khách hỏi lần 2, nhớ gửi khuyến mãi');
    await byTestId(page, 'composer-send').click();
    const note = page.locator('[data-testid="msg"][data-private="true"]', { hasText: 'nhớ gửi khuyến mãi' });
    await note.waitFor();
    await expectText(note, 'Ghi chú nội bộ');
    expect(await note.evaluate((el) => getComputedStyle(el.querySelector('.bubble')!).backgroundColor)).toBe('rgb(255, 247, 214)');
    await gw.dispatcher.idle();
    expect(web.sentTo('v-live').map((m) => (m.content as { text?: string }).text)).not.toContain('Khách hỏi lần 2, nhớ gửi khuyến mãi');
    await byTestId(page, 'composer-reply-toggle').click();
  });

  test('"/" opens the canned responses; Enter inserts one', async () => {
    const input = byTestId(page, 'composer-input');
    await input.click();
    await input.pressSequentially('/ch', { delay: 10 });
    await byTestId(page, 'canned-list').waitFor();
    // Short codes starting with the query come first (/chao), then those containing it (/diachi).
    expect(await byTestId(page, 'canned-item').allTextContents()).toEqual([
      expect.stringContaining('/chao'),
      expect.stringContaining('/diachi'),
    ]);
    await page.screenshot({ path: artifact('inbox', 'canned.png'), clip: { x: 536, y: 400, width: 744, height: 400 } });
    await input.press('Enter');
    expect(await input.inputValue()).toBe('Dạ em chào anh/chị, em có thể hỗ trợ gì ạ?');
    expect(await byTestId(page, 'canned-list').count()).toBe(0);
    await input.fill('');
  });

  test('"Khách đang nhập…" shows while the contact types', async () => {
    gw.activity.emit('activity', { type: 'typing', conversationId: ids.live, typing: true });
    await expectText(byTestId(page, 'contact-typing'), 'Khách đang nhập…');
    gw.activity.emit('activity', { type: 'typing', conversationId: ids.live, typing: false });
    await byTestId(page, 'contact-typing').waitFor({ state: 'detached' });
  });

  test('resolve moves the conversation to "Đã xong"', async () => {
    await byTestId(page, 'action-resolve').click();
    await page.locator('[data-testid="conv-status"][data-status="resolved"]').waitFor();
    await convItem(page, ids.live!).waitFor({ state: 'detached' }); // gone from "Đang chờ"
    await byTestId(page, 'folder-resolved').click();
    await convItem(page, ids.live!).waitFor();
    await byTestId(page, 'action-reopen').waitFor();
    await byTestId(page, 'folder-pending').click();
  });

  test('a message that looks like HTML is shown as text and runs nothing', async () => {
    const id = await say(messenger, 'psid-xss', XSS, '<b>Hacker</b>');
    await convItem(page, id).waitFor();
    await expectText(convItem(page, id), '<b>Hacker</b>');
    await convItem(page, id).click();
    const bubble = page.locator('[data-testid="msg"][data-direction="in"]');
    await bubble.first().waitFor();
    expect(await bubble.first().locator('.msg-text').textContent()).toBe(XSS);
    expect(await page.locator('img[src="x"], b').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  test('assign to a colleague with a note, then snooze', async () => {
    await byTestId(page, 'action-assign').click();
    await byTestId(page, 'assign-dialog').waitFor();
    await byTestId(page, 'assign-agent').selectOption(String(ids.minh));
    await byTestId(page, 'assign-note').fill('Anh Minh xem giúp khách này');
    await page.screenshot({ path: artifact('inbox', 'assign.png') });
    await byTestId(page, 'assign-submit').click();
    await byTestId(page, 'assign-dialog').waitFor({ state: 'detached' });
    await expectText(byTestId(page, 'conv-assignee'), 'Trần Đức Minh');
    await page.locator('[data-testid="conv-status"][data-status="open"]').waitFor();
    await byTestId(page, 'action-snooze').click();
    await byTestId(page, 'snooze-1h').click();
    await page.locator('[data-testid="conv-status"][data-status="snoozed"]').waitFor();
    await expectText(page.locator('.conv-head-sub'), 'Tạm hoãn đến');
  });

  test('keyboard: "?" lists the shortcuts, j/k move through the list', async () => {
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    await page.keyboard.press('?');
    await expectText(page.locator('.modal'), 'Phím tắt');
    await page.keyboard.press('Escape');
    await page.locator('.modal').waitFor({ state: 'detached' });
    // An Esc typed the moment the dialog shows closes it too (it is listened for from the render on, not a frame later).
    const closedAtOnce = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) => {
          const seen = new MutationObserver(() => {
            if (!document.querySelector('.modal')) return;
            seen.disconnect();
            window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
            setTimeout(() => resolve(document.querySelector('.modal') === null), 50);
          });
          seen.observe(document.body, { childList: true, subtree: true });
          document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '?', bubbles: true }));
        }),
    );
    expect(closedAtOnce).toBe(true);
    await byTestId(page, 'folder-all').click();
    const first = Number(await byTestId(page, 'conv-item').first().getAttribute('data-id'));
    const second = Number(await byTestId(page, 'conv-item').nth(1).getAttribute('data-id'));
    await page.locator('body').click({ position: { x: 5, y: 400 } });
    const count = await byTestId(page, 'conv-item').count();
    for (let i = 0; i < count; i++) await page.keyboard.press('k'); // up to the top
    await page.locator(`[data-testid="conv-item"][data-id="${first}"].active`).waitFor();
    await page.keyboard.press('j');
    await page.locator(`[data-testid="conv-item"][data-id="${second}"].active`).waitFor();
  });

  test('a failed send shows its reason in red', async () => {
    await byTestId(page, 'folder-mine').click();
    await convItem(page, ids.yen!).click();
    const failed = page.locator('[data-testid="msg"][data-status="failed"]');
    await failed.waitFor();
    await expectText(failed.locator('[data-testid="msg-error"]'), 'Zalo chỉ cho trả lời trong 7 ngày');
    expect(await failed.locator('[data-testid="msg-error"]').evaluate((el) => getComputedStyle(el).color)).toBe('rgb(196, 41, 28)');
    await expectText(page.locator('.msg-bot'), 'Bot');
    // The customer wrote again (the window is open): "Thử lại" sends the same message from the server.
    const id = await failed.getAttribute('data-id');
    zalo.failWith = null;
    await failed.locator('[data-testid="msg-error"]').getByRole('button', { name: 'Thử lại' }).click();
    await page.locator(`[data-testid="msg"][data-id="${id}"][data-status="sent"]`).waitFor();
    expect(await page.locator(`[data-testid="msg"][data-id="${id}"] [data-testid="msg-error"]`).count()).toBe(0);
  });

  test('screenshots of the inbox (1280 and 1024 wide)', async () => {
    await say(zalo, 'z-yen', 'Dạ em cảm ơn, chị chờ nhé');
    await page.locator('[data-testid="msg"]', { hasText: 'chị chờ nhé' }).waitFor();
    await page.mouse.move(0, 0);
    await page.waitForTimeout(200);
    await page.screenshot({ path: artifact('inbox', 'inbox.png') });
    // Wide screens show the contact panel as a fourth column.
    await page.setViewportSize({ width: 1440, height: 900 });
    if ((await byTestId(page, 'contact-panel').count()) === 0) await byTestId(page, 'toggle-contact').click();
    await expectText(byTestId(page, 'contact-panel'), 'Lê Hoàng Yến');
    await page.waitForTimeout(200);
    await page.screenshot({ path: artifact('inbox', 'inbox-1440.png') });
    // 1024 wide: the contact panel is a drawer over the conversation.
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.waitForTimeout(200);
    await page.screenshot({ path: artifact('inbox', 'inbox-1024-contact.png') });
    await byTestId(page, 'contact-panel').getByRole('button', { name: 'Đóng' }).click();
    await byTestId(page, 'contact-panel').waitFor({ state: 'detached' });
    await page.screenshot({ path: artifact('inbox', 'inbox-1024.png') });
    // Every conversation action is still reachable at this width.
    for (const id of ['action-assign', 'action-snooze', 'action-resolve', 'toggle-contact']) expect(await byTestId(page, id).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(pageErrors).toEqual([]);
  });

  test('admin screens: FAQ and its unanswered questions, inboxes with the embed snippet', async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
    const admin = await adminContext.newPage();
    admin.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await login(admin, 'admin@anphat.vn');
      await byTestId(admin, 'nav-admin').click();
      for (const n of ['faq', 'agents', 'teams', 'inboxes', 'canned']) await byTestId(admin, `nav-admin-${n}`).waitFor();
      await byTestId(admin, 'nav-admin-faq').click();
      // The gateway's own FAQ routes (bots/faq/admin-routes.ts), as app/compose.ts mounts them.
      const adminToken = await token('admin@anphat.vn');
      for (const entry of [
        { question: 'Phí giao hàng bao nhiêu?', variants: ['ship bao nhiêu tiền', 'phí ship', 'giao hàng mất phí không'], answer: 'Giao hàng miễn phí cho đơn từ 500.000đ; đơn nhỏ hơn phí 30.000đ toàn quốc.' },
        { question: 'Đổi trả trong bao lâu?', variants: ['đổi hàng', 'trả hàng được không'], answer: 'Anh/chị được đổi trả trong 7 ngày, sản phẩm còn tem mác và hóa đơn.' },
        { question: 'Do you ship internationally?', answer: 'Not yet — we ship within Vietnam only.', lang: 'en' },
      ]) {
        const created = await fetch(`${url}/api/v1/faq`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(entry) });
        expect(created.status).toBe(201);
      }
      // Two questions the bot handed off for low confidence, as the bot runner logs them (src/listeners/bot-runner.ts).
      const webInbox = await gw.db.selectFrom('inboxes').select('id').where('account_id', '=', web.accountId).executeTakeFirstOrThrow();
      await gw.db
        .insertInto('bot_decisions')
        .values([
          { conversation_id: ids.guest!, inbox_id: webInbox.id, question: 'Shop có giao hàng ra Phú Quốc không?', action: 'handoff', reason: 'low_confidence', at: new Date(Date.now() - 3_600_000) },
          { conversation_id: ids.mai!, inbox_id: webInbox.id, question: 'Cho mình xuất hóa đơn VAT được không?', action: 'handoff', reason: 'low_confidence', at: new Date(Date.now() - 86_400_000) },
        ])
        .execute();
      await byTestId(admin, 'nav-admin-unanswered').click();
      await byTestId(admin, 'nav-admin-faq').click();
      await admin.locator('[data-testid="faq-row"]', { hasText: 'Phí giao hàng bao nhiêu?' }).waitFor();
      const before = await byTestId(admin, 'faq-row').count();
      await byTestId(admin, 'faq-new').click();
      await byTestId(admin, 'faq-question').fill('Cửa hàng mở cửa mấy giờ?');
      await byTestId(admin, 'faq-variants').fill('giờ mở cửa\nmấy giờ đóng cửa');
      await byTestId(admin, 'faq-answer').fill('Cửa hàng mở cửa từ 8h đến 21h mỗi ngày, kể cả Chủ nhật.');
      await byTestId(admin, 'form-submit').click();
      await admin.locator('[data-testid="faq-row"]', { hasText: 'Cửa hàng mở cửa mấy giờ?' }).waitFor();
      expect(await byTestId(admin, 'faq-row').count()).toBe(before + 1);
      // A broken import file: the server's error is shown.
      await byTestId(admin, 'faq-import-file').setInputFiles({ name: 'faq.json', mimeType: 'application/json', buffer: Buffer.from('{"question": "thiếu ngoặc"') });
      await expectText(byTestId(admin, 'faq-import-error'), 'Không nhập được');
      await admin.waitForTimeout(200);
      await admin.screenshot({ path: artifact('inbox', 'admin-faq.png') });
      // Search filters the list (without diacritics too).
      await byTestId(admin, 'faq-search').fill('mo cua');
      await until(async () => (await byTestId(admin, 'faq-row').count()) === 1, 'the FAQ search to filter');
      await byTestId(admin, 'faq-search').fill('');
      await byTestId(admin, 'nav-admin-unanswered').click();
      await admin.locator('[data-testid="unanswered-row"]', { hasText: 'Phú Quốc' }).waitFor();
      await expectText(byTestId(admin, 'admin-unanswered'), 'xuất hóa đơn VAT');
      await admin.waitForTimeout(200);
      await admin.screenshot({ path: artifact('inbox', 'admin-unanswered.png') });

      await byTestId(admin, 'nav-admin-inboxes').click();
      await expectText(admin.locator('[data-testid="embed-snippet"]').first(), `<script src="${url}/widget.js" data-inbox="shop-web" async></script>`);
      await admin.screenshot({ path: artifact('inbox', 'admin-inboxes.png') });

      // Change the website inbox's routing and allowed origins; the server keeps them.
      await admin.locator('[data-testid="inbox-row"]', { hasText: 'Website An Phát' }).locator('[data-testid="inbox-edit"]').click();
      await byTestId(admin, 'inbox-routing').selectOption('least_busy');
      await byTestId(admin, 'inbox-origins').fill('https://anphat.vn\nhttps://www.anphat.vn');
      await byTestId(admin, 'form-submit').click();
      await byTestId(admin, 'form-submit').waitFor({ state: 'detached' });
      const row = await gw.db.selectFrom('inboxes').select(['settings']).where('account_id', '=', web.accountId).executeTakeFirstOrThrow();
      expect(row.settings).toMatchObject({ routing: 'least_busy', allowedOrigins: ['https://anphat.vn', 'https://www.anphat.vn'] });

      await byTestId(admin, 'nav-admin-agents').click();
      await admin.locator('[data-testid="agent-row"]', { hasText: 'Nguyễn Thu Lan' }).waitFor();
      await admin.screenshot({ path: artifact('inbox', 'admin-agents.png') });
      // English on demand, remembered across reloads.
      await byTestId(admin, 'lang-en').click();
      await expectText(byTestId(admin, 'nav-admin-agents'), 'Agents');
      await admin.reload();
      await expectText(byTestId(admin, 'nav-admin-agents'), 'Agents');
      await byTestId(admin, 'nav-inbox').click();
      await expectText(byTestId(admin, 'folder-pending'), 'Waiting');
      await admin.screenshot({ path: artifact('inbox', 'inbox-en.png') });
    } finally {
      await adminContext.close();
    }
    expect(dialogs).toEqual([]);
  });

  async function token(email: string): Promise<string> {
    const res = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
    return ((await res.json()) as { token: string }).token;
  }
});

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.first().waitFor();
  await until(async () => ((await locator.first().textContent()) ?? '').includes(text), `"${text}" in ${locator.toString()}`);
}
