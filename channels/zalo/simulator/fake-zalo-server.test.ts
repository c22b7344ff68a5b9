import axios from 'axios';
import { exchangeAuthorizationCode } from '../oauth-client';
import { buildConsentUrl, createPkcePair } from '../oauth-link';
import { parseWebhook } from '../parse';
import { verifyZaloSignature } from '../verify';
import { startFakeZalo, type FakeZalo } from './fake-zalo-server';
import { buildFollow, buildUserSubmitInfo, signedWebhookRequest } from './webhooks';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487', oaSecretKey: 'fake-oa-secret-key' };
let zalo: FakeZalo;

beforeEach(async () => {
  zalo = await startFakeZalo(APP);
});
afterEach(() => zalo.close());

describe('fake Zalo server', () => {
  it('listens on 127.0.0.1 with ephemeral ports, API and OAuth apart', () => {
    expect(zalo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(zalo.oauthUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(zalo.url).not.toBe(zalo.oauthUrl);
  });

  it('first connection: PKCE consent link + code exchange; the code is single-use', async () => {
    const { codeVerifier, codeChallenge } = createPkcePair();
    const link = new URL(buildConsentUrl({ oauthUrl: 'https://oauth.zaloapp.com', appId: APP.appId, redirectUri: 'https://gw.example.vn/zalo/callback', codeChallenge, state: 's1' }));
    expect(link.origin + link.pathname).toBe('https://oauth.zaloapp.com/v4/oa/permission');
    expect(Object.fromEntries(link.searchParams)).toEqual({ app_id: APP.appId, redirect_uri: 'https://gw.example.vn/zalo/callback', code_challenge: codeChallenge, state: 's1' });

    const code = zalo.createAuthorizationCode(codeChallenge);
    const opts = { oauthUrl: zalo.oauthUrl, appId: APP.appId, appSecret: APP.appSecret };
    const pair = await exchangeAuthorizationCode(opts, code, codeVerifier, new Date());
    expect(pair.accessToken).toMatch(/^fake-at-/);
    await expect(exchangeAuthorizationCode(opts, code, codeVerifier, new Date())).rejects.toMatchObject({ details: { zaloCode: -14019, needsReconnect: true } });
  });

  it('answers OAuth errors with HTTP 200 (wrong secret_key header)', async () => {
    const res = await axios.post(`${zalo.oauthUrl}/v4/oa/access_token`, new URLSearchParams({ app_id: APP.appId, refresh_token: 'x', grant_type: 'refresh_token' }).toString(), {
      headers: { secret_key: 'wrong', 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ error: expect.any(Number), error_name: 'Invalid secret key' });
  });

  it('signs webhooks that verify.ts accepts and parse.ts understands', () => {
    const sent = zalo.userSendsText('u1', 'Cho mình hỏi giá', { timestamp: 1767578400000 });
    expect(verifyZaloSignature(Buffer.from(sent.rawBody), sent.headers, APP.oaSecretKey, new Date(1767578400000)).ok).toBe(true);
    expect(parseWebhook(JSON.parse(sent.rawBody), { receivedAt: new Date() })[0]).toMatchObject({
      kind: 'message',
      message: { accountId: APP.oaId, externalUserId: 'u1', externalId: sent.msgId, content: { type: 'text', text: 'Cho mình hỏi giá' } },
    });
  });

  it('builds follow and user_submit_info bodies in Zalo shapes', () => {
    const follow = signedWebhookRequest(buildFollow({ appId: APP.appId, oaId: APP.oaId, userId: 'u1', timestamp: 1 }), APP.oaSecretKey);
    expect(JSON.parse(follow.rawBody)).toMatchObject({ event_name: 'follow', oa_id: APP.oaId, follower: { id: 'u1' }, timestamp: '1' });
    expect(follow.headers['x-zevent-signature']).toMatch(/^mac=[0-9a-f]{64}$/);
    const info = buildUserSubmitInfo({ appId: APP.appId, oaId: APP.oaId, userId: 'u1', info: { name: 'A', phone: '0912' } });
    expect(parseWebhook(info, { receivedAt: new Date() })[0]).toMatchObject({ kind: 'contact', profile: { name: 'A', phone: '0912' } });
  });
});
