import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookBot } from '../../bots/webhook/webhook-bot';
import type { BotTurn } from '../../src/core/bot';
import { createLogger } from '../../src/server/logger';
import { TEST_SECRETS } from '../support/test-secrets';

const SECRET = TEST_SECRETS.botSecretSecurity;

interface Delivery {
  deliveryHeader: string;
  attempt: string;
  bodyDeliveryId: string;
  signatureOk: boolean;
  timestamp: string;
  signature: string;
  raw: Buffer;
}

/** What an integrator writes: HMAC-SHA256(secret, "<timestamp>.<raw body>"), compared in constant time. */
function receiverVerifies(secret: string, timestamp: string | undefined, signature: string | undefined, raw: Buffer): boolean {
  if (!timestamp || !signature?.startsWith('sha256=')) return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest();
  const given = Buffer.from(signature.slice(7), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const turn = (conversationId: number): BotTurn => ({
  conversationId,
  inboxId: 1,
  channel: 'widget',
  content: { type: 'text', text: 'bảo hành bao lâu' },
  text: 'bảo hành bao lâu',
  capabilities: { quickReplies: 10, images: true, files: true, typingIndicator: true, maxTextLength: 2000 },
  state: {},
  lang: 'vi',
});

describe('outgoing webhook deliveries: signed, retried with one delivery id', () => {
  let server: http.Server;
  let url = '';
  let deliveries: Delivery[] = [];
  let answers: number[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const ts = req.headers['x-omnigate-timestamp'] as string | undefined;
        deliveries.push({
          deliveryHeader: String(req.headers['x-omnigate-delivery']),
          attempt: String(req.headers['x-omnigate-attempt']),
          bodyDeliveryId: (JSON.parse(raw.toString('utf8')) as { deliveryId: string }).deliveryId,
          signatureOk: receiverVerifies(SECRET, ts, req.headers['x-omnigate-signature'] as string | undefined, raw),
          timestamp: String(ts),
          signature: String(req.headers['x-omnigate-signature']),
          raw,
        });
        const status = answers.shift() ?? 200;
        const body = status === 200 ? JSON.stringify({ type: 'reply', ref: 'warranty', messages: [{ type: 'text', text: 'Bảo hành 12 tháng ạ.' }] }) : '';
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    deliveries = [];
    answers = [];
  });

  const bot = (target = url) => new WebhookBot(async () => ({ url: target, secret: SECRET }), createLogger('silent'), 2000, [20, 40]);

  test('a delivery the bot could not take is sent again, signed afresh, with the same delivery id', async () => {
    answers = [503, 429];
    const decision = await bot().decide(turn(1));
    expect(decision).toMatchObject({ type: 'answer', faqId: 'webhook:warranty', content: [{ type: 'text', text: 'Bảo hành 12 tháng ạ.' }] });
    expect(deliveries).toHaveLength(3);
    expect(deliveries.map((d) => d.attempt)).toEqual(['1', '2', '3']);
    expect(deliveries.every((d) => d.signatureOk)).toBe(true);
    const [first] = deliveries;
    expect(first!.deliveryHeader).toMatch(/^[0-9a-f-]{36}$/);
    for (const d of deliveries) expect([d.deliveryHeader, d.bodyDeliveryId]).toEqual([first!.deliveryHeader, first!.deliveryHeader]);
  });

  test('the signature covers secret, timestamp and body: another secret, a changed body or timestamp fail', async () => {
    await bot().decide(turn(2));
    const [d] = deliveries;
    expect(d!.signatureOk).toBe(true);
    expect(receiverVerifies(TEST_SECRETS.botSecret, d!.timestamp, d!.signature, d!.raw)).toBe(false);
    expect(receiverVerifies(SECRET, d!.timestamp, d!.signature, Buffer.from(d!.raw.toString().replace('bảo hành', 'đổi trả')))).toBe(false);
    expect(receiverVerifies(SECRET, String(Number(d!.timestamp) - 1), d!.signature, d!.raw)).toBe(false);
  });

  test('each turn is a new delivery id; a refusal (4xx) is not retried and hands off', async () => {
    await bot().decide(turn(3));
    answers = [400];
    const decision = await bot().decide(turn(4));
    expect(decision).toMatchObject({ type: 'handoff', reason: 'rule' });
    expect(deliveries).toHaveLength(2);
    expect(deliveries[0]!.deliveryHeader).not.toBe(deliveries[1]!.deliveryHeader);
  });

  test('a bot that stays down gets the last attempt, then the customer goes to people', async () => {
    answers = [500, 502, 503];
    expect(await bot().decide(turn(5))).toMatchObject({ type: 'handoff', reason: 'rule' });
    expect(deliveries.map((d) => d.attempt)).toEqual(['1', '2', '3']);
    expect(new Set(deliveries.map((d) => d.deliveryHeader)).size).toBe(1);
    // unreachable altogether (nothing listens): retried too, then handed off
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const started = Date.now();
    expect(await bot(`http://127.0.0.1:${port}/bot`).decide(turn(6))).toMatchObject({ type: 'handoff', reason: 'rule' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(60); // both retry delays were waited
  });
});
