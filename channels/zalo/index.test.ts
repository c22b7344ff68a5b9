import type express from 'express';
import request from 'supertest';
import { recordingHost, type RecordingHost } from '../../test/fakes/recording-host';
import { waitFor } from '../../test/support/wait';
import { HOUR, ManualClock, MINUTE } from '../../src/core/clock';
import type { InboundEvent } from '../../src/core/message';
import type { ZaloConfig } from './config';
import { createZaloChannel, type ZaloChannel } from './index';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';
import { buildFollow, signedWebhookRequest } from './simulator/webhooks';
import { InMemoryTokenStore } from './token-store';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487', oaSecretKey: 'fake-oa-secret-key' };

let clock: ManualClock;
let zalo: FakeZalo;
let channel: ZaloChannel;
let app: express.Express;
let ingested: InboundEvent[];
let rec: RecordingHost;

beforeEach(async () => {
  clock = new ManualClock('2026-01-05T02:00:00Z');
  zalo = await startFakeZalo({ ...APP, now: () => clock.now().getTime(), users: { u1: { displayName: 'Nguyễn Văn A' } } });
  const issued = zalo.issueInitialTokens();
  const config: ZaloConfig = { ...APP, accessToken: undefined, refreshToken: 'unused-seed', apiUrl: zalo.url, oauthUrl: zalo.oauthUrl };
  const store = new InMemoryTokenStore({ [APP.oaId]: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(clock.now().getTime() + 25 * HOUR) } });
  channel = createZaloChannel(config, { store, clock });
  rec = recordingHost(() => channel);
  ingested = rec.ingested;
  await channel.mount(rec.host);
  app = rec.app;
});
afterEach(() => zalo.close());

describe('Zalo channel webhook route', () => {
  it('verifies, stores, answers 200, ingests the message, then adds the contact profile', async () => {
    const sent = zalo.userSendsText('u1', 'Shop ơi, còn hàng không?', { timestamp: clock.now().getTime() });
    await request(app).post('/webhooks/zalo').set(sent.headers).send(sent.rawBody).expect(200);
    expect(rec.accepted).toEqual([sent.rawBody]);
    await rec.settle();
    expect(ingested).toEqual([
      expect.objectContaining({
        channel: 'zalo',
        accountId: APP.oaId,
        externalUserId: 'u1',
        externalId: sent.msgId,
        content: { type: 'text', text: 'Shop ơi, còn hàng không?' },
      }),
    ]);
    const contact = await waitFor(() => rec.platformEvents.find((e) => e.kind === 'contact' && e.profile?.name));
    expect(contact).toMatchObject({ origin: { externalUserId: 'u1' }, profile: { name: 'Nguyễn Văn A' } });
  });

  it('401 on a bad signature or a stale timestamp; nothing ingested', async () => {
    const sent = zalo.userSendsText('u1', 'x', { timestamp: clock.now().getTime() });
    await request(app).post('/webhooks/zalo').set({ ...sent.headers, 'x-zevent-signature': `mac=${'0'.repeat(64)}` }).send(sent.rawBody).expect(401);
    const old = zalo.userSendsText('u1', 'x', { timestamp: clock.now().getTime() - 10 * MINUTE });
    await request(app).post('/webhooks/zalo').set(old.headers).send(old.rawBody).expect(401);
    await rec.settle();
    expect(rec.accepted).toEqual([]);
    expect(ingested).toEqual([]);
  });

  it('hands follow to the core as a contact event, without a message', async () => {
    const follow = signedWebhookRequest(buildFollow({ appId: APP.appId, oaId: APP.oaId, userId: 'u1', timestamp: clock.now().getTime() }), APP.oaSecretKey);
    await request(app).post('/webhooks/zalo').set(follow.headers).send(follow.rawBody).expect(200);
    await rec.settle();
    expect(ingested).toEqual([]);
    expect(rec.platformEvents).toEqual([expect.objectContaining({ kind: 'contact', follower: true })]);
  });

  it('sends through the CS API', async () => {
    const result = await channel.send({
      messageId: 1, conversationId: 1, inboxId: 1,
      address: { channel: 'zalo', accountId: APP.oaId, externalUserId: 'u1' },
      content: { type: 'text', text: 'Dạ còn ạ' }, senderType: 'agent', senderName: 'Lan',
      replyToExternalId: null, lastInboundAt: new Date(clock.now().getTime() - MINUTE),
    });
    expect(result).toEqual({ externalId: zalo.sent[0]?.messageId, status: 'sent' });
    expect(channel.capabilities.quickReplies).toBe(false);
  });
});
