import type { OutboundMessage } from '../../src/core/channel';
import { DAY, HOUR, ManualClock, MINUTE } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import type { MessageContent } from '../../src/core/message';
import { createZaloApi } from './oa-api';
import { createZaloSender, type ZaloSender } from './send';
import { createZaloRateLimiter } from './rate-limit';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';
import { InMemoryTokenStore } from './token-store';
import { TokenManager } from './tokens';
import type { WindowDecision } from './window';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487', oaSecretKey: 'fake-oa-secret-key' };
const USER = '6142494823000000001';

let clock: ManualClock;
let zalo: FakeZalo;
let store: InMemoryTokenStore;
let tokens: TokenManager;
let sender: ZaloSender;
let decisions: WindowDecision[];
let nextId = 1;

beforeEach(async () => {
  clock = new ManualClock('2026-01-05T02:00:00Z');
  zalo = await startFakeZalo({ ...APP, now: () => clock.now().getTime(), users: { [USER]: { displayName: 'Nguyễn Văn A' } } });
  const issued = zalo.issueInitialTokens();
  store = new InMemoryTokenStore({ [APP.oaId]: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(clock.now().getTime() + 25 * HOUR) } });
  tokens = new TokenManager({ ...APP, oauthUrl: zalo.oauthUrl, store, clock });
  decisions = [];
  sender = createZaloSender({
    api: createZaloApi({ baseUrl: zalo.url }),
    tokens,
    config: { oaId: APP.oaId },
    clock,
    fetchFile: async (_url, name) => ({ data: Buffer.from('%PDF-1.4 fake'), filename: name, mimeType: 'application/pdf' }),
    onWindow: (d) => decisions.push(d),
  });
});
afterEach(() => zalo.close());

/** The user wrote `msgId` `minutesAgo` minutes ago; the fake knows the msg_id belongs to USER. */
function outbound(content: MessageContent, o: { msgId?: string; lastInboundAt?: Date | null; userId?: string; accountId?: string } = {}): OutboundMessage {
  const msgId = o.msgId ?? `in-${nextId}`;
  zalo.registerInboundMessage(msgId, o.userId ?? USER);
  return {
    messageId: nextId++,
    conversationId: 7,
    inboxId: 1,
    address: { channel: 'zalo', accountId: o.accountId ?? APP.oaId, externalUserId: o.userId ?? USER },
    content,
    senderType: 'agent',
    senderName: 'Lan',
    replyToExternalId: msgId,
    lastInboundAt: o.lastInboundAt === undefined ? new Date(clock.now().getTime() - 5 * MINUTE) : o.lastInboundAt,
  };
}

const csCalls = () => zalo.calls.filter((c) => c.path === '/v3.0/oa/message/cs');

describe('Zalo sender against the fake Zalo over real HTTP', () => {
  it('sends a text reply: exact message/cs body, access_token header, recipient.message_id, data.message_id as externalId', async () => {
    const result = await sender.send(outbound({ type: 'text', text: 'Dạ, shop xin chào!' }, { msgId: 'cb31dff1c39642cc1b83' }));
    const [call] = csCalls();
    expect(call?.method).toBe('POST');
    expect(call?.body).toEqual({ recipient: { message_id: 'cb31dff1c39642cc1b83' }, message: { text: 'Dạ, shop xin chào!' } });
    expect(call?.headers.accessToken).toBe((await store.load(APP.oaId))?.accessToken);
    expect(call?.query).toEqual({});
    expect(result).toEqual({ externalId: zalo.sent[0]?.messageId, status: 'sent' });
    expect(zalo.sent[0]?.userId).toBe(USER);
  });

  it('after 48 h replies to recipient.user_id (the message_id reply window is over)', async () => {
    await sender.send(outbound({ type: 'text', text: 'Chào anh' }, { lastInboundAt: new Date(clock.now().getTime() - 3 * DAY) }));
    expect(csCalls()[0]?.body).toEqual({ recipient: { user_id: USER }, message: { text: 'Chào anh' } });
    expect(decisions[0]).toMatchObject({ allowed: true, charged: true });
  });

  it('refuses an 8-days-late send BEFORE any HTTP call, with a clear reason', async () => {
    const error = await sender.send(outbound({ type: 'text', text: 'Chào anh' }, { lastInboundAt: new Date(clock.now().getTime() - 8 * DAY) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false });
    expect((error as Error).message).toBe('Zalo: the user has not interacted in 7 days (last message 8 days ago); customer-care messages are refused (−230)');
    expect(zalo.calls).toHaveLength(0);
  });

  it('splits text over 2000 characters into ordered messages; externalId is the first part', async () => {
    const text = Array.from({ length: 1000 }, (_, i) => `câu${i}`).join(' ');
    const result = await sender.send(outbound({ type: 'text', text }));
    const texts = csCalls().map((c) => (c.body as { message: { text: string } }).message.text);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join(' ')).toBe(text);
    expect(texts.every((t) => t.length <= 2000)).toBe(true);
    expect(result.externalId).toBe(zalo.sent[0]?.messageId);
  });

  it('on −32 the OA is held back for everyone (shared budget): the next send, to another user, waits without calling Zalo', async () => {
    let t = 0;
    const waits: number[] = [];
    const rateLimiter = createZaloRateLimiter({ backOffMs: 30_000, maxWaitMs: 60_000, now: () => t, sleep: async (ms) => void (waits.push(ms), (t += ms)) });
    const paced = createZaloSender({ api: createZaloApi({ baseUrl: zalo.url }), tokens, config: { oaId: APP.oaId }, clock, rateLimiter });
    zalo.failNext(1, -32, { path: '/v3.0/oa/message/cs' });
    await expect(paced.send(outbound({ type: 'text', text: 'một' }))).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true });
    const other = '6142494823000000002';
    zalo.setUser(other, { displayName: 'Trần B' });
    await paced.send(outbound({ type: 'text', text: 'hai' }, { userId: other }));
    expect(waits).toEqual([30_000]); // held back the whole pause before the call
    expect(csCalls()).toHaveLength(2);
    expect(zalo.sent.map((m) => (m.message as { text: string }).text)).toEqual(['hai']);
  });

  it('resumes a split message after a retryable failure instead of re-sending the parts already delivered', async () => {
    const text = ['a'.repeat(1500), 'b'.repeat(1500), 'c'.repeat(1500)].join(' ');
    const message = outbound({ type: 'text', text });
    zalo.failNext(1, 'http500', { path: '/v3.0/oa/message/cs', after: 1 }); // part 1 passes, part 2 fails (retryable)
    await expect(sender.send(message)).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
    const retry = await sender.send(message); // what the outbox does later
    expect(zalo.sent.map((s) => (s.message as { text: string }).text[0])).toEqual(['a', 'b', 'c']);
    expect(retry.externalId).toBe(zalo.sent[0]?.messageId);
  });

  it('degrades quick replies to numbered lines', async () => {
    await sender.send(outbound({ type: 'text', text: 'Câu trả lời có giúp ích không?', quickReplies: [{ title: 'Có', payload: 'y' }, { title: 'Không', payload: 'n' }] }));
    expect((csCalls()[0]?.body as { message: unknown }).message).toEqual({ text: 'Câu trả lời có giúp ích không?\n\n1. Có\n2. Không' });
  });

  it('sends an image by URL in a media template', async () => {
    await sender.send(outbound({ type: 'image', url: 'https://cdn.example.vn/a.jpg' }));
    expect((csCalls()[0]?.body as { message: unknown }).message).toEqual({
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://cdn.example.vn/a.jpg' }] } },
    });
  });

  it('uploads a PDF first (multipart, access_token header), then sends its token', async () => {
    await sender.send(outbound({ type: 'file', url: 'https://cdn.example.vn/bao-gia.pdf', name: 'bao-gia.pdf' }));
    const upload = zalo.calls.find((c) => c.path === '/v2.0/oa/upload/file');
    expect(upload?.headers.contentType).toMatch(/^multipart\/form-data/);
    expect(upload?.headers.accessToken).toBeTruthy();
    const token = (upload?.answer as { data: { token: string } }).data.token;
    expect((csCalls()[0]?.body as { message: unknown }).message).toEqual({ attachment: { type: 'file', payload: { token } } });
  });

  it.each([
    ['−216 (invalid)', () => zalo.invalidateAccessTokens(), -216],
    ['−220 (expired)', () => zalo.expireAccessTokens(), -220],
  ])('%s mid-burst → one refresh, one retry each, every message delivered once', async (_label, breakTokens, code) => {
    await sender.send(outbound({ type: 'text', text: 'trước' }));
    breakTokens();
    const burst = Array.from({ length: 10 }, (_, i) => outbound({ type: 'text', text: `tin ${i}` }));
    const results = await Promise.all(burst.map((m) => sender.send(m)));

    expect(zalo.refreshCount).toBe(1);
    const delivered = zalo.sent.map((s) => (s.message as { text: string }).text);
    expect(delivered.sort()).toEqual(['trước', ...burst.map((_, i) => `tin ${i}`)].sort());
    const rejected = csCalls().filter((c) => (c.answer as { error: number }).error === code);
    expect(rejected).toHaveLength(10);
    expect(csCalls()).toHaveLength(1 + 10 + 10);
    expect(new Set(results.map((r) => r.externalId)).size).toBe(10);
    const fresh = (await store.load(APP.oaId))?.accessToken;
    const accepted = csCalls().slice(1).filter((c) => (c.answer as { error: number }).error === 0);
    expect(accepted).toHaveLength(10);
    expect(accepted.every((c) => c.headers.accessToken === fresh)).toBe(true);
    expect(rejected.every((c) => c.headers.accessToken !== fresh)).toBe(true);
  });

  it('a fresh token refused again → no second refresh, reconnect required', async () => {
    zalo.failNext(2, -216, { path: '/v3.0/oa/message/cs' });
    const error = await sender.send(outbound({ type: 'text', text: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GW_ERR_CHANNEL_AUTH_EXPIRED', details: { needsReconnect: true } });
    expect(zalo.refreshCount).toBe(1);
    expect(csCalls()).toHaveLength(2);
  });

  it.each<[number, string, string]>([
    [-230, 'GW_ERR_MESSAGING_WINDOW_CLOSED', 'Zalo: the user has not interacted with the OA in 7 days (−230)'],
    [-213, 'GW_ERR_RECIPIENT_UNREACHABLE', 'Zalo: the user is not a follower of the OA (−213)'],
  ])('%i from Zalo → permanent %s with a visible reason, no retry', async (code, gatewayCode, message) => {
    zalo.setUserError(USER, code);
    const error = await sender.send(outbound({ type: 'text', text: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: gatewayCode, retryable: false, message });
    expect(csCalls()).toHaveLength(1);
    expect(zalo.refreshCount).toBe(0);
  });

  it('−32 → retryable rate-limit error (the outbox backs off and retries)', async () => {
    zalo.failNext(1, -32);
    await expect(sender.send(outbound({ type: 'text', text: 'x' }))).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true });
  });

  it('HTTP 500 and a dropped connection → transient, retryable', async () => {
    zalo.failNext(1, 'http500');
    await expect(sender.send(outbound({ type: 'text', text: 'x' }))).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
    zalo.failNext(1, 'drop');
    await expect(sender.send(outbound({ type: 'text', text: 'x' }))).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
  });

  it('counts replies since the user last wrote: the 9th within 48 h is charged, a new user message resets', async () => {
    const lastInboundAt = new Date(clock.now().getTime() - MINUTE);
    for (let i = 0; i < 9; i++) await sender.send(outbound({ type: 'text', text: `r${i}` }, { lastInboundAt }));
    expect(decisions.map((d) => d.freeRepliesLeft)).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(decisions[8]?.charged).toBe(true);
    await sender.send(outbound({ type: 'text', text: 'again' }, { lastInboundAt: clock.now() }));
    expect(decisions[9]).toMatchObject({ freeRepliesLeft: 8, charged: false });
  });

  it('refuses a message for another OA', async () => {
    await expect(sender.send(outbound({ type: 'text', text: 'x' }, { accountId: '999' }))).rejects.toMatchObject({ code: 'GW_ERR_VALIDATION' });
    expect(zalo.calls).toHaveLength(0);
  });
});
