import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { composeGateway } from '../../app/compose';
import { seedDemo, DEMO } from '../../app/demo-seed';
import { loadSettings } from '../../app/settings';
import type { Gateway } from '../../src/server/gateway';
import { freshDataDir } from '../support/databases';
import { artifact, describeInBrowser, launchChromium } from '../support/browser';

const ROOT = path.resolve(__dirname, '..', '..');
jest.setTimeout(150_000);

/** Issue #5's story: a visitor asks for a person, an agent in /inbox (another browser) answers and resolves. */
describeInBrowser('hand-off from the widget to an agent in the inbox', () => {
  let gw: Gateway;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const req = createRequire(__filename);
    const { buildWidget } = req(path.join(ROOT, 'scripts', 'build-widget.js')) as { buildWidget(o: { outdir: string }): { ok: boolean } };
    const { buildInbox } = req(path.join(ROOT, 'scripts', 'build-inbox.js')) as { buildInbox(o: { outdir: string }): unknown };
    expect(buildWidget({ outdir: path.join(ROOT, 'widget', 'dist') }).ok).toBe(true);
    buildInbox({ outdir: path.join(ROOT, 'inbox', 'dist') });
    gw = await composeGateway(loadSettings({ DATA_DIR: await freshDataDir(), PORT: '0', LOG_LEVEL: 'silent' }));
    await seedDemo(gw.db);
    url = await gw.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const widget = (page: Page) => page.locator('#omnigate-widget');

  test('the agent sees the conversation appear live, replies, the visitor sees it, the agent resolves', async () => {
    const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await agentCtx.newPage();
    await agent.goto(`${url}/inbox`);
    await agent.getByTestId('login-email').fill(DEMO.agent.email);
    await agent.getByTestId('login-password').fill(DEMO.agent.password);
    await agent.getByTestId('login-submit').click();
    await agent.getByTestId('folder-all').click();

    const visitorCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const visitor = await visitorCtx.newPage();
    await visitor.goto(`${url}/`);
    await widget(visitor).locator('[data-testid="og-launcher"]').click();
    await widget(visitor).locator('[data-testid="og-input"]').fill('cho mình gặp nhân viên tư vấn với');
    await widget(visitor).locator('[data-testid="og-send"]').click();

    // appears in the inbox without a reload
    const item = agent.getByTestId('conv-item').first();
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await agent.getByTestId('msg').filter({ hasText: 'gặp nhân viên tư vấn' }).first().waitFor();
    await agent.getByTestId('composer-input').fill('Dạ em là Hà, em hỗ trợ anh/chị ngay ạ.');
    await agent.getByTestId('composer-send').click();

    await widget(visitor).locator('[data-testid="og-message"]').filter({ hasText: 'em hỗ trợ anh/chị ngay' }).waitFor({ timeout: 15_000 });

    // the agent sends a picture from the composer; the visitor sees it
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await agent.getByTestId('composer-attach').locator('input[type=file]').setInputFiles({ name: 'bao-gia.png', mimeType: 'image/png', buffer: png });
    await widget(visitor).locator('[data-testid="og-message"] img').first().waitFor({ timeout: 15_000 });
    await agent.screenshot({ path: artifact('e2e', 'handoff-inbox.png') });
    await visitor.screenshot({ path: artifact('e2e', 'handoff-widget.png') });

    await agent.getByTestId('action-resolve').click();
    const resolved = async () => (await gw.db.selectFrom('conversations').select('status').executeTakeFirst())?.status;
    for (let i = 0; i < 50 && (await resolved()) !== 'resolved'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await resolved()).toBe('resolved');
    const events = (await gw.db.selectFrom('conversation_events').select('type').orderBy('id').execute()).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['bot.handoff', 'conversation.assigned', 'message.sent', 'conversation.resolved']));

    // A channel account that lost its token (what a Messenger 190 or a Zalo revocation records) shows on its conversations.
    // The resolution's CSAT question goes out first: a successful send marks the account as working again
    // (outbox-dispatcher.ts), so the problem is recorded only once that send and its dispatcher pass are over.
    const surveySent = async () => (await gw.db.selectFrom('surveys').select('status').executeTakeFirst())?.status;
    const outboxBusy = async () => (await gw.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'sending']).execute()).length;
    for (let i = 0; i < 100 && ((await surveySent()) !== 'sent' || (await outboxBusy()) > 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await surveySent()).toBe('sent');
    expect(await outboxBusy()).toBe(0);
    await gw.dispatcher.idle();
    await gw.db.updateTable('inboxes').set({ connection_error: 'Messenger: the Page access token is invalid, expired or revoked — reconnect the Page', connection_error_at: new Date() }).execute();
    await agent.reload();
    const banner = agent.getByTestId('connection-problem');
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.textContent()).toMatch(/kết nối lại|reconnect/);
    await agent.screenshot({ path: artifact('e2e', 'connection-problem.png') });
    await agentCtx.close();
    await visitorCtx.close();
  });
});
