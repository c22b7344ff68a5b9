import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { composeGateway } from '../../app/compose';
import { seedDemo } from '../../app/demo-seed';
import type { Gateway } from '../../src/server/gateway';
import { loadSettings } from '../../app/settings';
import { freshDataDir } from '../support/databases';
import { artifact, describeInBrowser, launchChromium } from '../support/browser';

const ROOT = path.resolve(__dirname, '..', '..');
jest.setTimeout(120_000);

/** The demo shop a newcomer opens after `npm start`, in a real browser against the real server. */
describeInBrowser('demo page with the widget, end to end', () => {
  let gw: Gateway;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    const { buildWidget } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-widget.js')) as { buildWidget(o: { outdir: string }): { ok: boolean } };
    expect(buildWidget({ outdir: path.join(ROOT, 'widget', 'dist') }).ok).toBe(true);
    const dataDir = await freshDataDir();
    gw = await composeGateway(loadSettings({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }));
    await seedDemo(gw.db);
    url = await gw.listen();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const widget = (page: Page) => page.locator('#omnigate-widget');
  const bubbles = (page: Page) => widget(page).locator('[data-testid="og-message"]');
  const openWidget = async (page: Page) => {
    await widget(page).locator('[data-testid="og-launcher"]').click();
    await widget(page).locator('[data-testid="og-input"]').waitFor();
  };
  const say = async (page: Page, text: string) => {
    await widget(page).locator('[data-testid="og-input"]').fill(text);
    await widget(page).locator('[data-testid="og-send"]').click();
  };

  test('open the demo page, chat with the bot, reload and see the whole history', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${url}/`);
    await openWidget(page);
    await say(page, 'cửa hàng mở cửa mấy giờ vậy shop');
    await bubbles(page).filter({ hasText: /\d{1,2}(h|:\d\d)/ }).first().waitFor({ timeout: 15_000 });
    await say(page, '<img src=x onerror=alert(1)>');
    await bubbles(page).filter({ hasText: '<img src=x onerror=alert(1)>' }).waitFor();
    const before = await bubbles(page).allInnerTexts();
    await page.screenshot({ path: artifact('e2e', 'demo-chat.png') });

    await page.reload();
    await openWidget(page);
    await bubbles(page).filter({ hasText: '<img src=x onerror=alert(1)>' }).waitFor();
    const after = await bubbles(page).allInnerTexts();
    for (const text of before.filter((t) => !/Đang gửi/.test(t))) expect(after.join('\n')).toContain(text.split('\n')[0]!);
    expect(await widget(page).locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toEqual([]);
    const stored = await gw.db.selectFrom('messages').select(['direction', 'sender_type']).orderBy('id').execute();
    expect(stored.filter((m) => m.direction === 'in')).toHaveLength(2);
    expect(stored.some((m) => m.sender_type === 'bot')).toBe(true);
    await context.close();
  });
});
