import { staticPageTokens } from './pages';
import type { OutboundMessage } from '../../src/core/channel';
import { failureOf } from '../../test/support/gateway-errors';
import { isAmbiguous } from './errors';
import { createGraphApi, type GraphApi } from './graph-api';
import type { SendRateLimiter } from './rate-limit';
import { createMessengerSender } from './send';
import { parseWebhook } from './parse';
import { startFakeGraph, type FakeGraph } from './simulator/fake-graph-server';
import { echoOfSent, envelope } from './simulator/webhooks';

/** Sends go over real HTTP on loopback to the fake Graph API; assertions read what it received. */
const PAGE = '111';
const PSID = '222';
const TOKEN = 'EAAB-page-token-111';
const H = 3_600_000;
const now = new Date('2026-03-10T12:00:00Z');

let fake: FakeGraph;
beforeAll(async () => {
  fake = await startFakeGraph({ pages: { [PAGE]: TOKEN }, users: { [PSID]: { first_name: 'Lan', last_name: 'Nguyễn' } } });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const graph = (): GraphApi => createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0' });
const sender = (opts: { humanAgent?: boolean; pages?: Record<string, string>; g?: GraphApi; rateLimiter?: SendRateLimiter } = {}) =>
  createMessengerSender({ graph: opts.g ?? graph(), config: { humanAgent: opts.humanAgent ?? false }, pages: staticPageTokens(opts.pages ?? { [PAGE]: TOKEN }), now: () => now, rateLimiter: opts.rateLimiter });

const outbound = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: 42,
  conversationId: 7,
  inboxId: 1,
  address: { channel: 'messenger', accountId: PAGE, externalUserId: PSID },
  content: { type: 'text', text: 'Chào bạn, shop mở cửa lúc 8h.' },
  senderType: 'bot',
  senderName: null,
  replyToExternalId: null,
  lastInboundAt: new Date(now.getTime() - 5 * 60_000),
  ...over,
});

describe('Messenger send over HTTP (fake Graph API)', () => {
  it('sends a text reply: exact Send API body, bearer token in the header, not in the URL', async () => {
    const result = await sender().send(outbound());
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call).toMatchObject({ method: 'POST', path: '/v24.0/me/messages', query: {}, status: 200, pageId: PAGE });
    expect(call?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(call?.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Chào bạn, shop mở cửa lúc 8h.', metadata: 'omnigate:42' },
    });
    expect(`${call?.path}?${new URLSearchParams(call?.query).toString()}`).not.toContain(TOKEN);
    expect(result).toEqual({ externalId: (call?.response as { message_id: string }).message_id, status: 'sent' });
    expect(result.externalId).toMatch(/^m_/);
  });

  it('sends a long text as ordered parts and returns the last message id', async () => {
    const text = 'Câu trả lời dài. '.repeat(300).trim();
    const result = await sender().send(outbound({ content: { type: 'text', text } }));
    const sent = fake.sentMessages();
    expect(sent.length).toBe(3);
    expect(sent.map((c) => (c.body as { message: { text: string } }).message.text).join(' ')).toBe(text);
    expect(result.externalId).toBe((sent[2]?.response as { message_id: string }).message_id);
  });

  it('maps 613 to a retryable rate-limit error', async () => {
    fake.failNext(1, { code: 613 });
    const err = await failureOf(sender().send(outbound()));
    expect(err).toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true });
  });

  it('maps 551 to a permanent "unreachable" error with a clear reason', async () => {
    fake.failNext(1, { code: 551, subcode: 1545041 });
    const err = await failureOf(sender().send(outbound()));
    expect(err).toMatchObject({ code: 'GW_ERR_RECIPIENT_UNREACHABLE', retryable: false });
    expect(err.message).toBe("Messenger: this person isn't available right now (blocked the Page or turned off messages) (code 551/1545041)");
  });

  it('maps a rejected token (190) to auth-expired with needsReconnect', async () => {
    const err = await failureOf(sender({ pages: { [PAGE]: 'EAAB-revoked' } }).send(outbound()));
    expect(err).toMatchObject({ code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', retryable: false, details: { needsReconnect: true, graphCode: 190 } });
    expect(err.message).not.toContain('EAAB-revoked');
  });

  it('refuses an agent reply 25 h after the last inbound without Human Agent — before any HTTP call', async () => {
    const err = await failureOf(sender().send(outbound({ senderType: 'agent', lastInboundAt: new Date(now.getTime() - 25 * H) })));
    expect(err).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false, details: { window: 'human_agent_not_granted' } });
    expect(err.message).toMatch(/24-hour window.*Human Agent/);
    expect(fake.calls).toHaveLength(0);
  });

  it('sends that agent reply as MESSAGE_TAG / HUMAN_AGENT when the permission is granted', async () => {
    await sender({ humanAgent: true }).send(outbound({ senderType: 'agent', senderName: 'Hoa', lastInboundAt: new Date(now.getTime() - 25 * H) }));
    expect(fake.calls[0]?.body).toEqual({
      recipient: { id: PSID },
      messaging_type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      message: { text: 'Chào bạn, shop mở cửa lúc 8h.', metadata: 'omnigate:42' },
    });
  });

  it('refuses a bot message after 24 h even with Human Agent granted', async () => {
    const err = await failureOf(sender({ humanAgent: true }).send(outbound({ senderType: 'bot', lastInboundAt: new Date(now.getTime() - 30 * H) })));
    expect(err).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', details: { window: 'automated_outside_window' } });
    expect(fake.calls).toHaveLength(0);
  });

  it('sends a campaign message inside 24 h as RESPONSE, as the fake records it', async () => {
    await sender({ humanAgent: true }).send(outbound({ purpose: 'campaign', senderType: 'agent', lastInboundAt: new Date(now.getTime() - 2 * H) }));
    expect(fake.sentMessages().map((c) => c.body)).toEqual([
      { recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Chào bạn, shop mở cửa lúc 8h.', metadata: 'omnigate:42' } },
    ]);
  });

  it('never tags a campaign message: 25 h later it is refused even from an agent with Human Agent granted', async () => {
    const err = await failureOf(sender({ humanAgent: true }).send(outbound({ purpose: 'campaign', senderType: 'agent', lastInboundAt: new Date(now.getTime() - 25 * H) })));
    expect(err).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false, details: { window: 'automated_outside_window' } });
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses a Page it has no token for, permanently, without calling Meta', async () => {
    const err = await failureOf(sender().send(outbound({ address: { channel: 'messenger', accountId: '999', externalUserId: PSID } })));
    expect(err).toMatchObject({ code: 'GW_ERR_CONFIG_INVALID', retryable: false });
    expect(fake.calls).toHaveLength(0);
  });

  it('makes a failure after some parts were sent non-retryable, so a retry cannot duplicate them', async () => {
    const g = graph();
    const failSecond: GraphApi = {
      ...g,
      sendMessage: async (token, body) => {
        const r = await g.sendMessage(token, body);
        fake.failNext(1, { code: 613 });
        return r;
      },
    };
    const text = 'Một đoạn rất dài. '.repeat(150).trim();
    const err = await failureOf(sender({ g: failSecond }).send(outbound({ content: { type: 'text', text } })));
    expect(err).toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: false, details: { partial: { sentParts: 1, totalParts: 2 } } });
    expect(fake.sentMessages()).toHaveLength(1);
  });

  it('marks a send that timed out as ambiguous (may have been sent) and not retryable', async () => {
    fake.hangNext(1);
    const slow = createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0', timeoutMs: 300 });
    const err = await failureOf(sender({ g: slow }).send(outbound()));
    expect(err).toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: false });
    expect(isAmbiguous(err)).toBe(true);
  });

  it('paces every part through the rate limiter, audio/video in the media class', async () => {
    const acquired: string[] = [];
    const rateLimiter: SendRateLimiter = { acquire: async (page, thread, kind) => void acquired.push(`${page}/${thread}/${kind}`), backOff: async () => undefined };
    await sender({ rateLimiter }).send(outbound({ content: { type: 'image', url: 'https://cdn.example.com/a.jpg', caption: 'Menu' } }));
    await sender({ rateLimiter }).send(outbound({ content: { type: 'video', url: 'https://cdn.example.com/v.mp4' } }));
    expect(acquired).toEqual(['111/222/text', '111/222/text', '111/222/media']);
    expect(fake.sentMessages().map((c) => (c.body as { message: object }).message)).toEqual([
      { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/a.jpg', is_reusable: true } }, metadata: 'omnigate:42' },
      { text: 'Menu', metadata: 'omnigate:42' },
      { attachment: { type: 'video', payload: { url: 'https://cdn.example.com/v.mp4', is_reusable: true } }, metadata: 'omnigate:42' },
    ]);
  });

  it("holds the Page back (every node, through the shared budget) when Meta says too fast — not for other errors", async () => {
    const backedOff: string[] = [];
    const rateLimiter: SendRateLimiter = { acquire: async () => undefined, backOff: async (page) => void backedOff.push(page) };
    fake.failNext(1, { code: 613, status: 400 });
    await expect(sender({ rateLimiter }).send(outbound())).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true });
    expect(backedOff).toEqual([PAGE]);
    fake.failNext(1, { code: 2, status: 500 });
    await expect(sender({ rateLimiter }).send(outbound())).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT' });
    expect(backedOff).toEqual([PAGE]);
  });

  it('sends typing and mark_seen sender actions without a message', async () => {
    const s = sender();
    await s.typing({ channel: 'messenger', accountId: PAGE, externalUserId: PSID }, true);
    await s.typing({ channel: 'messenger', accountId: PAGE, externalUserId: PSID }, false);
    await s.markSeen({ channel: 'messenger', accountId: PAGE, externalUserId: PSID });
    expect(fake.calls.map((c) => c.body)).toEqual([
      { recipient: { id: PSID }, sender_action: 'typing_on' },
      { recipient: { id: PSID }, sender_action: 'typing_off' },
      { recipient: { id: PSID }, sender_action: 'mark_seen' },
    ]);
    expect(fake.calls.every((c) => c.status === 200)).toBe(true);
  });

  it('sends 13 quick replies with titles Meta accepts (long Vietnamese titles cut to 20)', async () => {
    const quickReplies = Array.from({ length: 13 }, (_, i) => ({ title: `Tư vấn sản phẩm số ${i + 1} ngay`, payload: `PRODUCT_${i + 1}` }));
    await sender().send(outbound({ content: { type: 'text', text: 'Bạn cần gì?', quickReplies } }));
    expect(fake.calls[0]?.status).toBe(200);
    const sentQr = (fake.calls[0]?.body as { message: { quick_replies: { title: string; payload: string }[] } }).message.quick_replies;
    expect(sentQr).toHaveLength(13);
    expect(sentQr[0]).toEqual({ content_type: 'text', title: 'Tư vấn sản phẩm số…', payload: 'PRODUCT_1' });
  });

  it('closes the loop: the echo of what was sent parses as ours, with the same id and our message id', async () => {
    const result = await sender().send(outbound({ messageId: 314 }));
    const echo = echoOfSent(fake.calls[0]!, '999', now.getTime());
    const [event] = parseWebhook(envelope(PAGE, [echo!]), { receivedAt: now, appId: '999' });
    expect(event).toMatchObject({ kind: 'echo', externalId: result.externalId, ours: true, outboundMessageId: 314, origin: { accountId: PAGE, externalUserId: PSID } });
  });
});
