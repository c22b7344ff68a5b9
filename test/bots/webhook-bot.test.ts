import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookBot } from '../../bots/webhook/webhook-bot';
import { botDecisionRoute } from '../../bots/webhook/decision-route';
import { sign, verify } from '../../bots/webhook/signature';
import type { WebhookTurnPayload } from '../../bots/webhook/contract';
import { createLogger } from '../../src/server/logger';
import { testDatabases } from '../support/databases';
import { startHarness, type Harness } from '../support/gateway-harness';
import { contact } from '../fakes/contact-script';

const SECRET = 'bot-secret-0123456789';
const [database] = testDatabases();

describe('webhook bot contract', () => {
  let h: Harness;
  let botServer: http.Server;
  let botUrl = '';
  let apiUrl = '';
  const received: { payload: WebhookTurnPayload; signatureOk: boolean }[] = [];
  let reply: (payload: WebhookTurnPayload) => { status: number; body?: unknown } = () => ({ status: 202 });

  beforeAll(async () => {
    botServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const payload = JSON.parse(raw.toString('utf8')) as WebhookTurnPayload;
        received.push({ payload, signatureOk: verify(SECRET, req.headers['x-omnigate-timestamp'] as string, req.headers['x-omnigate-signature'] as string, raw) });
        const r = reply(payload);
        res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body === undefined ? '' : JSON.stringify(r.body));
      });
    });
    await new Promise<void>((r) => botServer.listen(0, '127.0.0.1', () => r()));
    botUrl = `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/bot`;
    const { store } = await database!.open();
    const bot = new WebhookBot(async () => ({ url: botUrl, secret: SECRET }), createLogger('silent'), 2000);
    h = await startHarness(store, {
      bot,
      botEnabled: true,
      mount: (gw) => {
        gw.api.router.use(
          botDecisionRoute({
            inboxOf: async (id) => (await gw.db.selectFrom('conversations').select('inbox_id').where('id', '=', id).executeTakeFirst())?.inbox_id ?? null,
            targetOf: async () => ({ url: botUrl, secret: SECRET }),
            apply: (id, d, q) => gw.applyBotDecision(id, d, q),
          }),
        );
      },
    });
    apiUrl = await h.gw.listen();
  });
  afterAll(async () => {
    await h?.gw.close();
    botServer?.close();
  });

  const postDecision = (body: unknown, secret = SECRET) => {
    const raw = JSON.stringify(body);
    const ts = Math.floor(Date.now() / 1000);
    return fetch(`${apiUrl}/api/v1/bot/decisions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-omnigate-timestamp': String(ts), 'x-omnigate-signature': sign(secret, ts, raw) }, body: raw });
  };

  test('each turn is POSTed signed, and a decision in the response is carried out', async () => {
    reply = (p) => ({ status: 200, body: { type: 'reply', ref: 'greeting', messages: [{ type: 'text', text: `Bot nhận: ${p.message.text}` }], state: { n: 1 } } });
    const c = contact(h.gw, h.fake, 'w1');
    await c.says('xin chào').expectReply('Bot nhận: xin chào').expectStatus('bot');
    const last = received.at(-1)!;
    expect(last.signatureOk).toBe(true);
    expect(last.payload).toMatchObject({ event: 'message.received', message: { text: 'xin chào' }, conversation: { channel: 'fake' }, state: {} });
    reply = (p) => ({ status: 200, body: { type: 'handoff', reason: 'requested', messages: [{ type: 'text', text: `state=${JSON.stringify(p.state)}` }] } });
    await c.says('gặp người').expectReply('state={"n":1}').expectStatus('pending');
  });

  test('202 now, a signed decision later through the API; a bad signature is refused', async () => {
    reply = () => ({ status: 202 });
    const r = await h.fake.receive('w2', 'cần tư vấn máy lạnh');
    const bad = await postDecision({ conversationId: r.conversationId, decision: { type: 'reply', messages: [{ type: 'text', text: 'x' }] } }, 'wrong-secret-000000');
    expect(bad.status).toBe(401);
    const ok = await postDecision({ conversationId: r.conversationId, question: 'cần tư vấn máy lạnh', decision: { type: 'reply', messages: [{ type: 'text', text: 'Dạ máy lạnh nào ạ?' }] } });
    expect(ok.status).toBe(204);
    await contact(h.gw, h.fake, 'w2').expectReply('Dạ máy lạnh nào ạ?');
    await h.gw.actions.handoff(r.conversationId!, 'rule', { type: 'system' });
    const late = await postDecision({ conversationId: r.conversationId, decision: { type: 'none' } });
    expect(late.status).toBe(409);
    expect((await postDecision({ conversationId: r.conversationId, decision: { type: 'dance' } })).status).toBe(400);
  });

  test('a broken bot hands the customer to people instead of leaving them waiting', async () => {
    reply = () => ({ status: 500, body: { oops: true } });
    await contact(h.gw, h.fake, 'w3').says('alo').expectStatus('pending');
    reply = () => ({ status: 200, body: { type: 'reply', messages: [] } });
    await contact(h.gw, h.fake, 'w4').says('alo').expectStatus('pending');
    const reasons = await h.gw.db.selectFrom('conversation_events').select('data').where('type', '=', 'bot.handoff').execute();
    expect(reasons.map((r) => r.data)).toEqual(expect.arrayContaining([{ reason: 'rule' }]));
  });
});
