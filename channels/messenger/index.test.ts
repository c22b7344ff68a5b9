import request from 'supertest';
import type { ChannelAdapter } from '../../src/core/channel';
import { recordingHost, type RecordingHost } from '../../test/fakes/recording-host';
import { waitFor } from '../../test/support/wait';
import { createGraphApi } from './graph-api';
import { createMessengerChannel, type MessengerConfig } from './index';
import { startFakeGraph, type FakeGraph } from './simulator/fake-graph-server';
import { echoItem, signedWebhook, signWebhook, textItem } from './simulator/webhooks';

/** The webhook edge through Express (supertest, no port) with the fake Graph API for profiles and sends. */
const PAGE = '111';
const PSID = '222';
const TOKEN = 'EAAB-page-token-111';
const config: MessengerConfig = {
  appSecret: 'test-app-secret-123',
  verifyToken: 'verify-me-please',
  pages: { [PAGE]: TOKEN },
  graphUrl: 'set in beforeAll',
  apiVersion: 'v24.0',
  humanAgent: false,
  appId: '999',
};

let fake: FakeGraph;
beforeAll(async () => {
  fake = await startFakeGraph({ pages: { [PAGE]: TOKEN }, users: { [PSID]: { first_name: 'Lan', last_name: 'Nguyễn' } } });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function mounted(): RecordingHost & { channel: ChannelAdapter } {
  const channel = createMessengerChannel(config, { graph: createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0' }) });
  const rec = recordingHost(() => channel);
  void channel.mount(rec.host);
  return { ...rec, channel };
}

describe('Messenger channel webhook routes', () => {
  it('answers the subscription handshake', async () => {
    const { app } = mounted();
    const ok = await request(app).get('/webhooks/messenger').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'verify-me-please', 'hub.challenge': 'CHALLENGE_ACCEPTED' });
    expect([ok.status, ok.text]).toEqual([200, 'CHALLENGE_ACCEPTED']);
    const bad = await request(app).get('/webhooks/messenger').query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': 'x' });
    expect(bad.status).toBe(403);
  });

  it('stores a signed webhook, acks it with 200, ingests the contact message, then adds the profile', async () => {
    const { app, ingested, accepted, platformEvents, settle } = mounted();
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: PSID, text: 'Cho mình hỏi giá vé ạ', mid: 'm_in_1', timestamp: 1_700_000_000_000 })], config.appSecret);
    expect(body).toContain('Cho m\\u00ecnh h\\u1ecfi gi\\u00e1 v\\u00e9 \\u1ea1');
    const res = await request(app).post('/webhooks/messenger').set(headers).send(body);
    expect([res.status, res.text]).toEqual([200, 'EVENT_RECEIVED']);
    expect(accepted).toEqual([body]); // stored byte for byte before the 200
    await settle();
    expect(ingested).toEqual([
      expect.objectContaining({
        kind: 'message',
        channel: 'messenger',
        accountId: PAGE,
        externalUserId: PSID,
        externalId: 'm_in_1',
        sentAt: new Date(1_700_000_000_000),
        content: { type: 'text', text: 'Cho mình hỏi giá vé ạ' },
      }),
    ]);
    expect(ingested[0]).not.toHaveProperty('profile'); // the lookup never holds the message up
    const contact = await waitFor(() => platformEvents.find((e) => e.kind === 'contact'));
    expect(contact).toMatchObject({ kind: 'contact', origin: { accountId: PAGE, externalUserId: PSID }, profile: { name: 'Lan Nguyễn' } });
  });

  it('rejects a bad signature, and a re-serialized body under the original signature, with 401', async () => {
    const { app, settle, ingested, accepted } = mounted();
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: PSID, text: 'Xin chào', mid: 'm_x' })], config.appSecret);
    const wrong = await request(app).post('/webhooks/messenger').set(signWebhook(body, 'another-secret')).send(body);
    const reserialized = await request(app).post('/webhooks/messenger').set(headers).send(JSON.stringify(JSON.parse(body)));
    const unsigned = await request(app).post('/webhooks/messenger').set('content-type', 'application/json').send(body);
    expect([wrong.status, reserialized.status, unsigned.status]).toEqual([401, 401, 401]);
    await settle();
    expect(accepted).toEqual([]);
    expect(ingested).toEqual([]);
  });

  it('hands echoes to the core as platform events and stores standby messages passive (never answered)', async () => {
    const { app, settle, ingested, platformEvents } = mounted();
    const echo = signedWebhook(PAGE, [echoItem({ pageId: PAGE, psid: PSID, text: 'ok', mid: 'm_e', appId: '999', metadata: 'omnigate:5' })], config.appSecret);
    const standby = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: PSID, text: 'hi', mid: 'm_s' })], config.appSecret, { standby: true });
    expect((await request(app).post('/webhooks/messenger').set(echo.headers).send(echo.body)).status).toBe(200);
    expect((await request(app).post('/webhooks/messenger').set(standby.headers).send(standby.body)).status).toBe(200);
    await settle();
    expect(platformEvents.filter((e) => e.kind === 'echo')).toEqual([expect.objectContaining({ kind: 'echo', externalId: 'm_e' })]);
    expect(ingested).toEqual([expect.objectContaining({ externalId: 'm_s', passive: true })]);
  });

  it('answers 503, never 200, when the body cannot be stored (Meta retries)', async () => {
    const channel = createMessengerChannel(config, { graph: createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0' }) });
    const rec = recordingHost(() => channel, { accept: () => Promise.reject(new Error('database unavailable')) });
    void channel.mount(rec.host);
    const { body, headers } = signedWebhook(PAGE, [textItem({ pageId: PAGE, psid: PSID, text: 'alo', mid: 'm_503' })], config.appSecret);
    expect((await request(rec.app).post('/webhooks/messenger').set(headers).send(body)).status).toBe(503);
  });

  it('answers 400 to a signed body that is not a Page webhook', async () => {
    const { app, accepted } = mounted();
    const body = JSON.stringify({ object: 'instagram', entry: [] });
    expect((await request(app).post('/webhooks/messenger').set(signWebhook(body, config.appSecret)).send(body)).status).toBe(400);
    expect(accepted).toEqual([]);
  });

  it('sends through the adapter, signing stored upload links for Meta', async () => {
    const { channel } = mounted();
    const result = await channel.send({
      messageId: 5,
      conversationId: 1,
      inboxId: 1,
      address: { channel: 'messenger', accountId: PAGE, externalUserId: PSID },
      content: { type: 'image', url: 'upload://0f0e1d2c-3b4a-5968-7766-554433221100' },
      senderType: 'agent',
      senderName: 'Hoa',
      replyToExternalId: null,
      lastInboundAt: new Date(),
    });
    expect(result.externalId).toMatch(/^m_/);
    expect((fake.calls[0]?.body as { message: object }).message).toEqual({
      attachment: { type: 'image', payload: { url: 'https://gw.example.com/uploads/0f0e1d2c-3b4a-5968-7766-554433221100?sig=x', is_reusable: true } },
      metadata: 'omnigate:5',
    });
  });
});
