/**
 * Issue #11's screens in a real browser (headless Chromium via playwright-core) against a
 * REAL gateway (PGlite store, the real contacts / segments / campaigns / follow-ups routes,
 * fake channels named like the real ones, with the real Messenger and Zalo campaign rules),
 * on a controlled clock: contacts on the website, Messenger and Zalo; search without
 * accents; a contact's identities and cross-channel timeline; merge and undo; a follow-up
 * the channel no longer allows; a supervisor's segment, campaign preview per channel with
 * reasons, sending, and the delivery report.
 *
 * The gateway's clock and the browser's are 2026-03-12 22:30 in Vietnam when the campaign is
 * sent: Zalo promotions wait for 06:00. Screenshots go to test-artifacts/contacts/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { messengerCampaignWindow } from '../channels/messenger/campaign-window';
import { zaloCampaignWindow } from '../channels/zalo/campaign-window';
import type { Bot } from '../src/core/bot';
import type { ChannelAddress, ReplyWindow } from '../src/core/channel';
import { HOUR, ManualClock, MINUTE } from '../src/core/clock';
import { createGateway, type Gateway } from '../src/server/gateway';
import { upsertAgent } from '../src/store/repos/agents';
import { createInbox } from '../src/store/repos/inboxes';
import { FakeChannel } from '../test/fakes/fake-channel';
import { artifact, byTestId, describeInBrowser, HAVE_CHROMIUM, launchChromium, signInToInbox, until } from '../test/support/browser';
import { testDatabases } from '../test/support/databases';
import { testConfig } from '../test/support/test-config';
import { inboxStaticRouter } from './test-support/static-router';

interface BuildInboxModule {
  buildInbox(options: { outdir: string }): { files: { name: string; bytes: number; gzipBytes: number }[]; totalGzipBytes: number };
}

/** Messenger's 24-hour rule for agent replies (what the real channel's replyWindow says, in short). */
class MessengerFake extends FakeChannel {
  async replyWindow(_address: ChannelAddress, lastInboundAt: Date | null, now: Date): Promise<ReplyWindow> {
    const open = lastInboundAt !== null && now.getTime() - lastInboundAt.getTime() < 24 * HOUR;
    return { canReply: open, closesAt: lastInboundAt ? new Date(lastInboundAt.getTime() + 24 * HOUR) : null, freeRepliesLeft: null, note: open ? 'inside the 24-hour window' : 'Messenger: outside the 24-hour window' };
  }
}

const ROOT = path.resolve(__dirname, '..');
const PASSWORD = 'password-123456';
const T_OLD = new Date('2026-03-10T02:00:00Z'); // Tue 10/03 09:00 in Vietnam
const T_DAY = new Date('2026-03-12T03:00:00Z'); // Thu 12/03 10:00
const T_NIGHT = new Date('2026-03-12T15:30:00Z'); // Thu 12/03 22:30
const T_MORNING = new Date('2026-03-12T23:05:00Z'); // Fri 13/03 06:05
const silentBot: Bot = { name: 'silent', decide: async (turn) => ({ type: 'none', state: turn.state }) };
const [database] = HAVE_CHROMIUM ? testDatabases() : [];
jest.setTimeout(180_000);

async function textOf(locator: ReturnType<Page['locator']>): Promise<string> {
  return ((await locator.first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.first().waitFor();
  try {
    await until(async () => (await textOf(locator)).includes(text), `"${text}"`);
  } catch {
    throw new Error(`expected "${text}" in ${locator.toString()}, got "${await textOf(locator)}"`);
  }
}

describeInBrowser('contacts, segments and campaigns screens (browser, real gateway)', () => {
  let outdir = '';
  let gw: Gateway;
  let url = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clock: ManualClock;
  const pageErrors: string[] = [];
  const web = new FakeChannel('shop-web', 'widget');
  const messenger = new MessengerFake('page-anphat', 'messenger');
  const zalo = new FakeChannel('oa-anphat', 'zalo');
  messenger.campaignWindow = async (target, now) => messengerCampaignWindow(target, now);
  zalo.campaignWindow = async (target, now) => zaloCampaignWindow(target, now);
  const ids: Record<string, number> = {};
  const contacts: Record<string, number> = {};
  const convs: Record<string, number> = {};
  let seq = 0;
  let token = '';

  const say = async (ch: FakeChannel, user: string, text: string, name?: string): Promise<number> => {
    const r = await ch.ingestRaw({
      kind: 'message',
      channel: ch.id,
      accountId: ch.accountId,
      externalUserId: user,
      externalId: `${user}-${++seq}`,
      sentAt: clock.now(),
      content: { type: 'text', text },
      ...(name ? { profile: { name } } : {}),
    });
    return r.conversationId!;
  };
  const contactOf = async (conv: number) => (await gw.db.selectFrom('conversations').select('contact_id').where('id', '=', conv).executeTakeFirstOrThrow()).contact_id;
  const api = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/api/v1${p}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const login = (p: Page, email: string) => signInToInbox(p, url, email, PASSWORD);
  const newContext = async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
    await ctx.clock.setFixedTime(T_NIGHT);
    return ctx;
  };
  const shot = async (p: Page, name: string) => {
    // Toasts close themselves after a few seconds; close them so they hide nothing.
    for (const close of await p.locator('[data-testid="toast"] button[title="Đóng"]').all()) await close.click({ timeout: 500 }).catch(() => undefined);
    await p.mouse.move(0, 0);
    await p.waitForTimeout(150);
    await p.screenshot({ path: artifact('contacts', name) });
  };

  beforeAll(async () => {
    const { buildInbox } = createRequire(__filename)(path.join(ROOT, 'scripts', 'build-inbox.js')) as BuildInboxModule;
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-contacts-'));
    const build = buildInbox({ outdir });
    console.info(`[contacts test] bundles: ${build.files.map((f) => `${f.name} ${(f.gzipBytes / 1024).toFixed(1)} KB gzip`).join(', ')}`);

    const { store } = await database!.open();
    clock = new ManualClock(T_OLD);
    gw = await createGateway({ config: testConfig(), store, clock, bot: silentBot, channels: [web, messenger, zalo], mount: (g) => void g.routes.use(inboxStaticRouter({ dist: outdir })) });
    const manual = { routing: 'manual' };
    ids.webInbox = (await createInbox(gw.db, { channel: 'widget', accountId: web.accountId, name: 'Website An Phát', botEnabled: false, settings: manual })).id;
    ids.fbInbox = (await createInbox(gw.db, { channel: 'messenger', accountId: messenger.accountId, name: 'Fanpage An Phát', botEnabled: false, settings: manual })).id;
    ids.zaloInbox = (await createInbox(gw.db, { channel: 'zalo', accountId: zalo.accountId, name: 'Zalo OA An Phát', botEnabled: false, settings: manual })).id;
    for (const [key, name, role] of [['lan', 'Nguyễn Thu Lan', 'agent'], ['ha', 'Phạm Thu Hà', 'supervisor']] as const) {
      ids[key] = (await upsertAgent(gw.db, { email: `${key}@anphat.vn`, name, role, password: PASSWORD })).id;
    }
    for (const inbox of [ids.webInbox, ids.fbInbox, ids.zaloInbox]) await gw.db.insertInto('inbox_members').values({ inbox_id: inbox!, agent_id: ids.lan! }).execute();

    // Tuesday: Bảo writes on Messenger (his 24-hour window is long closed by Thursday night).
    convs.bao = await say(messenger, 'psid-bao', 'Máy lọc nước nhà mình bị rò nước ạ', 'Phạm Quốc Bảo');
    // Thursday morning: the others.
    clock.set(T_DAY);
    convs.maiWeb = await say(web, 'v-mai', 'Shop ơi, nồi chiên không dầu 5L còn hàng không ạ?', 'Nguyễn Thị Mai');
    clock.advance(2 * MINUTE);
    convs.hung = await say(messenger, 'psid-hung', 'Cho mình hỏi đơn #A1023 khi nào giao vậy shop?', 'Nguyễn Văn Hùng');
    clock.advance(2 * MINUTE);
    convs.yen = await say(zalo, 'z-yen', 'Mình muốn đổi giày sang size 38 được không ạ?', 'Lê Hoàng Yến');
    clock.advance(2 * MINUTE);
    convs.tu = await say(zalo, 'z-tu', 'Bảo hành máy lạnh bao lâu vậy ạ?', 'Trần Minh Tú');
    clock.advance(2 * MINUTE);
    convs.maiZalo = await say(zalo, 'z-mai', 'Em đặt nồi chiên rồi, khi nào giao ạ?', 'Mai Nguyễn');
    clock.advance(MINUTE);
    await gw.outbound.post(convs.maiZalo, { content: { type: 'text', text: 'Dạ đơn của chị giao trong hôm nay ạ.' }, sender: { type: 'agent', id: ids.lan! } });
    await gw.dispatcher.idle();
    for (const [k, c] of Object.entries(convs)) contacts[k] = await contactOf(c);

    // Zalo follow status, as the OA's follow / unfollow events record it.
    await gw.db.updateTable('contact_identities').set({ follower: true }).where('external_id', 'in', ['z-yen', 'z-mai']).execute();
    await gw.db.updateTable('contact_identities').set({ follower: false }).where('external_id', '=', 'z-tu').execute();

    // Thursday night; the profiles through the real API: the same phone in two formats, verified on both Mai records.
    clock.set(T_NIGHT);
    url = await gw.listen();
    token = ((await (await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ha@anphat.vn', password: PASSWORD }) })).json()) as { token: string }).token;
    await api('PATCH', `/contacts/${contacts.maiWeb}`, { phone: '0912 345 678', phoneVerified: true, email: 'mai.nguyen@example.vn', labels: ['tet-2026', 'khách quen'], attributes: { city: 'Hà Nội' } });
    await api('PATCH', `/contacts/${contacts.maiZalo}`, { phone: '84912345678', phoneVerified: true });
    for (const k of ['hung', 'bao', 'yen', 'tu']) await api('PATCH', `/contacts/${contacts[k]}`, { labels: ['tet-2026'] });
    await api('PATCH', `/contacts/${contacts.hung}`, { phone: '+84 903 111 222', attributes: { city: 'TP.HCM' } });

    browser = await launchChromium();
    context = await newContext();
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('Khách hàng: the list, and a search without accents finds “Nguyễn”; a phone in another format finds Mai', async () => {
    await login(page, 'ha@anphat.vn');
    await expectText(byTestId(page, 'nav-contacts'), 'Khách hàng');
    await byTestId(page, 'nav-contacts').click();
    expect(new URL(page.url()).hash).toBe('#/contacts');
    const rows = page.locator('[data-testid="contact-row"]');
    await until(async () => (await rows.count()) === 6, 'six contacts');
    await expectText(rows.filter({ hasText: 'Nguyễn Thị Mai' }), '+84912345678');
    await expectText(rows.filter({ hasText: 'Nguyễn Thị Mai' }), 'khách quen');
    await page.locator('[data-testid="contacts"][data-busy="false"]').waitFor();
    await shot(page, 'contacts-list.png');

    await byTestId(page, 'contacts-search').fill('nguyen');
    await until(async () => (await rows.count()) === 3, 'three Nguyễn');
    const names = (await rows.locator('.cc-name').allTextContents()).sort();
    expect(names).toEqual(['Mai Nguyễn', 'Nguyễn Thị Mai', 'Nguyễn Văn Hùng']);
    await shot(page, 'contacts-search-nguyen.png');

    await byTestId(page, 'contacts-search').fill('0912.345.678');
    await until(async () => (await rows.count()) === 2, 'both Mai records by phone');
    await byTestId(page, 'contacts-search').fill('');
    await byTestId(page, 'contacts-channel').selectOption('zalo');
    await until(async () => (await rows.count()) === 3, 'three Zalo contacts');
    await byTestId(page, 'contacts-channel').selectOption('');
    await until(async () => (await rows.count()) === 6, 'all contacts again');
    expect(await byTestId(page, 'export-csv').getAttribute('href')).toBe('/api/v1/contacts/export.csv');
  });

  test('merge suggestions: the two Mai records (same verified phone) are merged, then the merge is undone', async () => {
    const suggestion = byTestId(page, 'merge-suggestion');
    await expectText(suggestion, 'Cùng số điện thoại đã xác minh');
    expect(await suggestion.count()).toBe(1);
    await shot(page, 'merge-suggestions.png');
    const before = await textOf(suggestion);
    expect(before).toContain('Nguyễn Thị Mai');
    expect(before).toContain('Mai Nguyễn');
    await byTestId(page, 'merge-button').click();
    await expectText(byTestId(page, 'toast'), 'Đã gộp');
    await expectText(byTestId(page, 'merge-suggestions'), 'Không có gợi ý gộp nào.');
    await until(async () => (await page.locator('[data-testid="contact-row"]').count()) === 5, 'five contacts after the merge');

    // The survivor keeps both identities and both conversations.
    const survivorText = await textOf(page.locator('[data-testid="contact-row"]').filter({ hasText: 'Mai' }));
    await page.locator('[data-testid="contact-row"]').filter({ hasText: 'Mai' }).locator('[data-testid="contact-link"]').click();
    await byTestId(page, 'contact-page').waitFor();
    const survivorId = Number(await byTestId(page, 'contact-page').getAttribute('data-id'));
    expect([contacts.maiWeb, contacts.maiZalo]).toContain(survivorId);
    expect(survivorText).toContain('Mai');
    await until(async () => (await byTestId(page, 'identity').count()) === 2, 'two identities');
    await until(async () => (await byTestId(page, 'contact-conversation').count()) === 2, 'two conversations');
    await expectText(byTestId(page, 'merge-history'), 'Hoàn tác');
    await byTestId(page, 'merge-undo').click();
    await expectText(byTestId(page, 'toast'), 'Đã tách lại');
    await until(async () => (await byTestId(page, 'identity').count()) === 1, 'one identity again');
    await expectText(byTestId(page, 'merge-history'), 'Đã hoàn tác');
    expect(await byTestId(page, 'merge-undo').count()).toBe(0);
  });

  test('contact page: profile with the normalised phone, identities with the Zalo follower, one timeline across channels', async () => {
    // Merge the two Mai records again, this time from the contact page's own suggestion.
    await page.goto(`${url}/inbox#/contacts/${contacts.maiWeb}`);
    await byTestId(page, 'contact-page').waitFor();
    await expectText(byTestId(page, 'contact-suggestions'), 'Mai Nguyễn');
    await byTestId(page, 'contact-merge').click();
    await until(async () => (await byTestId(page, 'identity').count()) === 2, 'two identities after the merge');
    await expectText(byTestId(page, 'contact-name'), 'Nguyễn Thị Mai');
    await expectText(byTestId(page, 'contact-e164'), '+84912345678');
    expect(await byTestId(page, 'profile-phone').inputValue()).toBe('0912 345 678');
    await expectText(byTestId(page, 'contact-profile'), 'Chuẩn hoá: +84912345678');
    expect(await byTestId(page, 'profile-phone-verified').isChecked()).toBe(true);
    expect(await byTestId(page, 'attr-key').first().inputValue()).toBe('city');
    await expectText(page.locator('[data-testid="identity"][data-channel="zalo"]'), 'Đang quan tâm OA');
    await expectText(page.locator('[data-testid="identity"][data-channel="widget"]'), 'Website An Phát');
    // One timeline: the website question, the Zalo question and the agent's Zalo answer.
    const items = byTestId(page, 'timeline-item');
    await until(async () => (await items.count()) === 3, 'three messages in the timeline');
    expect((await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-channel')))).sort()).toEqual(['widget', 'zalo', 'zalo']);
    await expectText(items.first(), 'Dạ đơn của chị giao trong hôm nay ạ.');
    await shot(page, 'contact-page.png');
    await page.setViewportSize({ width: 1280, height: 1500 });
    await shot(page, 'contact-page-full.png');
    await page.setViewportSize({ width: 1280, height: 860 });

    // Editing: a label, and a phone that is not one is refused by the server.
    await byTestId(page, 'profile-label-input').fill('vip');
    await byTestId(page, 'profile-label-add').click();
    await byTestId(page, 'profile-save').click();
    await expectText(byTestId(page, 'toast'), 'Đã lưu hồ sơ');
    await expectText(page.locator('.cc-hero'), 'vip');
    await byTestId(page, 'profile-phone').fill('abc');
    await byTestId(page, 'profile-save').click();
    await byTestId(page, 'form-error').waitFor();
    await byTestId(page, 'profile-phone').fill('0912 345 678');
    await byTestId(page, 'profile-save').click();
    await byTestId(page, 'form-error').waitFor({ state: 'detached' });

    // A conversation of the timeline opens in the inbox.
    await page.locator(`[data-testid="contact-conversation"][data-id="${convs.maiZalo}"]`).click();
    await until(() => new URL(page.url()).hash === `#/inbox/all/${convs.maiZalo}`, 'the conversation route');
    await page.locator('.conv-pane').waitFor();
  });

  test('a follow-up on a conversation the channel no longer allows: scheduled, then the agent is told it was blocked', async () => {
    const agentContext = await newContext();
    const agent = await agentContext.newPage();
    agent.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await login(agent, 'lan@anphat.vn');
      expect(await byTestId(agent, 'nav-campaigns').count()).toBe(0);
      await agent.goto(`${url}/inbox#/inbox/all/${convs.bao}`);
      await agent.locator('.conv-pane').waitFor();
      if ((await byTestId(agent, 'contact-panel').count()) === 0) await byTestId(agent, 'toggle-contact').click();
      await expectText(byTestId(agent, 'contact-panel'), 'Phạm Quốc Bảo');
      expect(await byTestId(agent, 'contact-open-full').getAttribute('href')).toBe(`#/contacts/${contacts.bao}`);
      await expectText(byTestId(agent, 'contact-panel'), 'tet-2026');
      await byTestId(agent, 'follow-up-text').fill('Dạ máy lọc nước của anh đã hết rò chưa ạ?');
      await byTestId(agent, 'follow-up-after').selectOption('at');
      await byTestId(agent, 'follow-up-at').fill('2026-03-12T23:00');
      await byTestId(agent, 'follow-up-submit').click();
      await expectText(byTestId(agent, 'follow-up'), 'Dạ máy lọc nước của anh đã hết rò chưa ạ?');
      await expectText(byTestId(agent, 'follow-up'), 'Đã lên lịch');
      // 23:00 comes: Messenger's window closed two days ago, so it is not sent and Lan is told.
      clock.set(new Date('2026-03-12T16:01:00Z'));
      const outcomes = await gw.followUps.runOnce();
      expect(outcomes.length).toBe(1);
      const told = Date.now();
      await agent.locator('[data-testid="toast"]', { hasText: 'Không gửi được tin hỏi thăm' }).waitFor();
      await expectText(byTestId(agent, 'follow-up-blocked'), 'Không gửi được tin hỏi thăm');
      expect(Date.now() - told).toBeLessThan(5000);
      await expectText(byTestId(agent, 'follow-up'), 'Không gửi được');
      expect(messenger.sentTo('psid-bao')).toHaveLength(0);
      await agent.screenshot({ path: artifact('contacts', 'follow-up-blocked-toast.png') });
      await byTestId(agent, 'follow-ups').scrollIntoViewIfNeeded();
      await shot(agent, 'follow-up-blocked.png');
      // Agents have no campaigns, no import/export.
      await agent.goto(`${url}/inbox#/campaigns`);
      await expectText(agent.locator('.cc-screen'), 'Chỉ giám sát viên và quản trị viên dùng được chiến dịch.');
      await agent.goto(`${url}/inbox#/contacts`);
      await byTestId(agent, 'contacts').waitFor();
      expect(await byTestId(agent, 'export-csv').count()).toBe(0);
      expect(await byTestId(agent, 'import-csv').count()).toBe(0);
    } finally {
      await agentContext.close();
      clock.set(T_NIGHT);
    }
  });

  test('a supervisor builds a segment with a live count, composes a campaign, sees the preview per channel with reasons, sends it, and reads the report', async () => {
    await page.goto(`${url}/inbox#/contacts`);
    await byTestId(page, 'nav-campaigns').click();
    expect(new URL(page.url()).hash).toBe('#/campaigns');
    await byTestId(page, 'tab-segments').click();
    await byTestId(page, 'new-segment').click();
    await byTestId(page, 'segment-name').fill('Khách Tết 2026');
    await byTestId(page, 'seg-labels').fill('tet-2026');
    // Mai (merged: website + Zalo), Hùng, Bảo, Yến, Tú.
    await until(async () => (await byTestId(page, 'segment-count').getAttribute('data-count')) === '5' && (await byTestId(page, 'segment-count').getAttribute('data-stale')) === 'false', 'five contacts in the live count');
    await byTestId(page, 'seg-channel-zalo').check();
    await until(async () => (await byTestId(page, 'segment-count').getAttribute('data-count')) === '3' && (await byTestId(page, 'segment-count').getAttribute('data-stale')) === 'false', 'three on Zalo');
    await byTestId(page, 'seg-follower').selectOption('false');
    await until(async () => (await byTestId(page, 'segment-count').getAttribute('data-count')) === '1' && (await byTestId(page, 'segment-count').getAttribute('data-stale')) === 'false', 'one known non-follower');
    await expectText(byTestId(page, 'segment-preview'), 'Trần Minh Tú');
    await shot(page, 'segment-builder.png');
    await byTestId(page, 'seg-follower').selectOption('');
    await byTestId(page, 'seg-channel-zalo').uncheck();
    await until(async () => (await byTestId(page, 'segment-count').getAttribute('data-count')) === '5' && (await byTestId(page, 'segment-count').getAttribute('data-stale')) === 'false', 'five again');
    await byTestId(page, 'segment-save').click();
    await expectText(byTestId(page, 'segment-row'), 'Khách Tết 2026');

    await byTestId(page, 'tab-campaigns').click();
    await byTestId(page, 'new-campaign').click();
    await byTestId(page, 'campaign-name').fill('Chúc Tết 2026');
    await byTestId(page, 'campaign-segment').selectOption({ label: 'Khách Tết 2026 (5)' });
    await byTestId(page, 'campaign-text').fill('An Phát chúc anh/chị năm mới an khang! Giảm 20% nồi chiên đến hết mùng 10.');
    await byTestId(page, 'campaign-qr-0').fill('Xem ưu đãi');
    await byTestId(page, 'campaign-qr-1').fill('Không, cảm ơn');
    await byTestId(page, 'campaign-save').click();
    await byTestId(page, 'campaign-preview').waitFor();
    const row = (ch: string) => page.locator(`[data-testid="preview-row"][data-channel="${ch}"]`);
    const cells = async (ch: string) => {
      const out: (string | null)[] = [];
      for (const c of ['reachable', 'later', 'skipped']) out.push(await row(ch).locator(`[data-testid="preview-${c}-cell"]`).getAttribute('data-n'));
      return out;
    };
    // Widget: Mai (on her next visit); Messenger: Hùng inside the window, Bảo outside; Zalo at 22:30: Yến later (06:00), Tú not a follower.
    // Mai's Zalo identity (merged) is a follower too: later.
    expect(await textOf(byTestId(page, 'preview-contacts').locator('.cc-stat-value'))).toBe('5'); // contacts
    expect(await textOf(byTestId(page, 'preview-total').locator('.cc-stat-value'))).toBe('6'); // recipients: Mai on the website and on Zalo
    expect(await cells('widget')).toEqual(['1', '0', '0']);
    expect(await cells('messenger')).toEqual(['1', '0', '1']);
    expect(await cells('zalo')).toEqual(['0', '2', '1']);
    await expectText(row('messenger'), 'Ngoài cửa sổ 24 giờ của Messenger');
    await expectText(row('zalo'), 'Chưa quan tâm Zalo OA');
    await expectText(row('zalo'), 'sớm nhất 06:00 13/03/2026');
    await shot(page, 'campaign-composer-preview.png');
    await page.setViewportSize({ width: 1280, height: 1300 });
    await shot(page, 'campaign-composer-preview-full.png');
    await page.setViewportSize({ width: 1280, height: 860 });

    await byTestId(page, 'campaign-send').click();
    await byTestId(page, 'campaign-report').waitFor();
    await gw.campaigns.runOnce();
    await gw.dispatcher.idle();
    await byTestId(page, 'report-refresh').click();
    await until(async () => (await textOf(byTestId(page, 'r-sent').locator('.cc-stat-value'))) === '2', 'two sent at once');
    expect(web.sentTo('v-mai')).toHaveLength(1);
    expect(messenger.sentTo('psid-hung')).toHaveLength(1);
    expect(messenger.sentTo('psid-bao')).toHaveLength(0);
    expect(zalo.sent.filter((m) => m.purpose === 'campaign')).toHaveLength(0);
    await expectText(byTestId(page, 'r-waiting').locator('.cc-stat-value'), '2');
    await expectText(byTestId(page, 'r-skipped').locator('.cc-stat-value'), '2');

    // Hùng answers; 06:05 comes and the Zalo promotions go out.
    clock.set(new Date(T_NIGHT.getTime() + 20 * MINUTE));
    await say(messenger, 'psid-hung', 'Xem ưu đãi');
    clock.set(T_MORNING);
    await gw.campaigns.runOnce();
    await gw.dispatcher.idle();
    await gw.campaigns.runOnce();
    await byTestId(page, 'report-refresh').click();
    await until(async () => (await textOf(byTestId(page, 'r-sent').locator('.cc-stat-value'))) === '4', 'four sent after 06:00');
    const promotions = (user: string) => zalo.sentTo(user).filter((m) => m.purpose === 'campaign');
    expect(promotions('z-yen')).toHaveLength(1);
    expect(promotions('z-mai')).toHaveLength(1);
    expect(promotions('z-tu')).toHaveLength(0);
    await expectText(byTestId(page, 'r-replied').locator('.cc-stat-value'), '1');
    await expectText(byTestId(page, 'r-waiting').locator('.cc-stat-value'), '0');
    await expectText(page.locator('[data-testid="report-channel-row"][data-channel="zalo"]'), 'Chưa quan tâm Zalo OA');
    await expectText(byTestId(page, 'report-skipped-reasons'), 'Ngoài cửa sổ 24 giờ của Messenger');
    await until(async () => (await byTestId(page, 'recipient-row').count()) === 6, 'six recipient rows (Mai on two channels)');
    await expectText(page.locator('[data-testid="recipient-row"][data-status="skipped"]').filter({ hasText: 'Trần Minh Tú' }), 'Chưa quan tâm Zalo OA');
    await until(async () => (await byTestId(page, 'campaign-status').getAttribute('data-status')) === 'sent', 'the campaign is sent');
    await shot(page, 'campaign-report.png');
    await page.setViewportSize({ width: 1280, height: 1400 });
    await shot(page, 'campaign-report-full.png');
    await page.setViewportSize({ width: 1280, height: 860 });

    await byTestId(page, 'tab-campaigns').click();
    await expectText(byTestId(page, 'campaign-row'), 'Đã gửi');
    await shot(page, 'campaign-list.png');
  });

  test('a campaign scheduled at a Vietnam date and time is stored at that instant, shown as scheduled, and can be cancelled', async () => {
    await page.goto(`${url}/inbox#/campaigns/new`);
    await byTestId(page, 'campaign-name').fill('Trung thu 2026');
    await byTestId(page, 'campaign-text').fill('Bánh trung thu An Phát giảm 15%!');
    await byTestId(page, 'campaign-save').click();
    await byTestId(page, 'campaign-preview').waitFor();
    await byTestId(page, 'send-mode-schedule').click();
    await byTestId(page, 'schedule-date').fill('2026-03-14');
    await byTestId(page, 'schedule-time').fill('09:00');
    await expectText(byTestId(page, 'schedule-summary'), 'Lên lịch lúc 09:00 14/03/2026 (giờ Việt Nam)');
    await byTestId(page, 'campaign-send').click();
    await page.locator('[data-testid="campaign-report"][data-status="scheduled"]').waitFor();
    await expectText(byTestId(page, 'campaign-times'), 'Lên lịch lúc 09:00 14/03/2026 (giờ Việt Nam)');
    const id = Number(new URL(page.url()).hash.split('/')[2]);
    const { campaign } = await api<{ campaign: { scheduledAt: string; status: string } }>('GET', `/campaigns/${id}`);
    expect(campaign).toMatchObject({ status: 'scheduled', scheduledAt: '2026-03-14T02:00:00.000Z' });
    await byTestId(page, 'campaign-cancel').click();
    await page.locator('[data-testid="campaign-report"][data-status="cancelled"]').waitFor();
    await byTestId(page, 'tab-campaigns').click();
    await until(async () => (await byTestId(page, 'campaign-row').count()) === 2, 'two campaigns');
    await expectText(page.locator('[data-testid="campaign-row"]').filter({ hasText: 'Trung thu 2026' }), 'Đã hủy');
  });

  test('CSV import: the report lists the created and updated rows and each rejected one with its line and reason', async () => {
    await page.goto(`${url}/inbox#/contacts`);
    await byTestId(page, 'contacts').waitFor();
    const csv = 'name,phone,email,labels\nVõ Thị Lan,0987 654 321,,tet-2026;vip\nNguyễn Văn Hùng,0903111222,hung@example.vn,\nSai số,abc,,\n';
    await byTestId(page, 'import-file').setInputFiles({ name: 'khach-hang.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await expectText(byTestId(page, 'import-result'), 'Kết quả nhập: 1 mới, 1 cập nhật, 1 bị từ chối');
    expect(await byTestId(page, 'import-rejected').count()).toBe(1);
    await expectText(byTestId(page, 'import-rejected'), 'phone');
    await expectText(page.locator('[data-testid="contact-row"]').filter({ hasText: 'Võ Thị Lan' }), '+84987654321');
    await shot(page, 'contacts-import.png');
  });

  test('English labels; no page errors', async () => {
    await byTestId(page, 'lang-en').click();
    await expectText(byTestId(page, 'nav-contacts'), 'Contacts');
    await byTestId(page, 'nav-contacts').click();
    await expectText(byTestId(page, 'contacts'), 'One record per customer');
    await byTestId(page, 'lang-vi').click();
    // At 1024 px the contact page and the campaign report fit without sideways scrolling (wide tables scroll in their own box).
    await page.setViewportSize({ width: 1024, height: 768 });
    for (const hash of [`#/contacts/${contacts.maiWeb}`, '#/campaigns']) {
      await page.goto(`${url}/inbox${hash}`);
      await page.locator('.cc-page').first().waitFor();
      await page.waitForTimeout(300);
      const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: document.querySelector('.cc-screen')!.scrollWidth - document.querySelector('.cc-screen')!.clientWidth }));
      expect(widths).toEqual({ page: 1024, screen: 0 });
    }
    await page.goto(`${url}/inbox#/contacts/${contacts.maiWeb}`);
    await byTestId(page, 'contact-page').waitFor();
    await shot(page, 'contact-page-1024.png');
    await page.setViewportSize({ width: 1280, height: 860 });
    expect(pageErrors).toEqual([]);
  });
});
