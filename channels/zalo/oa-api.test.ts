import { createZaloApi } from './oa-api';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';

const APP = { appId: '1', appSecret: 'fake-app-secret', oaId: '2' };
let zalo: FakeZalo;
let token: string;

beforeEach(async () => {
  zalo = await startFakeZalo(APP);
  token = zalo.issueInitialTokens().accessToken;
});
afterEach(() => zalo.close());

describe('OA API client', () => {
  it('always checks body.error: an HTTP 200 error body is a coded failure', async () => {
    const api = createZaloApi({ baseUrl: zalo.url });
    zalo.failNext(1, -230);
    await expect(api.sendCs(token, { recipient: { user_id: 'u' }, message: { text: 'x' } })).rejects.toMatchObject({
      code: 'GW_ERR_MESSAGING_WINDOW_CLOSED',
      details: { zaloCode: -230, zaloMessage: 'User has not interacted with the OA in the past 7 days' },
    });
  });

  it('sends the token as the access_token header, never as Bearer or a query parameter', async () => {
    const api = createZaloApi({ baseUrl: zalo.url });
    await api.sendCs(token, { recipient: { user_id: 'u' }, message: { text: 'x' } });
    const [call] = zalo.calls;
    expect(call?.headers.accessToken).toBe(token);
    expect(call?.query).toEqual({});
  });

  it('an unknown token is −216 inside HTTP 200', async () => {
    const api = createZaloApi({ baseUrl: zalo.url });
    await expect(api.sendCs('nope', { recipient: { user_id: 'u' }, message: { text: 'x' } })).rejects.toMatchObject({
      code: 'GW_ERR_CHANNEL_AUTH_EXPIRED',
      details: { zaloCode: -216, tokenRejected: true },
    });
  });

  it('a wrong base path (bare /v3.0/oa/message style 404) is a configuration error, not retried', async () => {
    const api = createZaloApi({ baseUrl: `${zalo.url}/wrong` });
    await expect(api.userDetail(token, 'u')).rejects.toMatchObject({ code: 'GW_ERR_CONFIG_INVALID', retryable: false });
  });

  it('an unreachable server is transient and the error carries no token', async () => {
    const url = zalo.url;
    await zalo.close();
    const api = createZaloApi({ baseUrl: url, timeoutMs: 2000 });
    const error = await api.sendCs(token, { recipient: { user_id: 'u' }, message: { text: 'x' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
    expect(JSON.stringify(error) + String(error)).not.toContain(token);
    zalo = await startFakeZalo(APP); // for afterEach
  });

  it('uploads an image (multipart) and returns attachment_id', async () => {
    const api = createZaloApi({ baseUrl: zalo.url });
    const id = await api.uploadImage(token, { data: Buffer.from([0xff, 0xd8, 0xff]), filename: 'a.jpg', mimeType: 'image/jpeg' });
    expect(id).toMatch(/^[0-9a-f]{24}$/);
  });
});
