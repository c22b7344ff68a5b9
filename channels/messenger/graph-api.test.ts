import { createHmac } from 'node:crypto';
import { createGraphApi } from './graph-api';
import { startFakeGraph, type FakeGraph } from './simulator/fake-graph-server';

const SECRET = 'app-secret-for-proof';
const TOKEN = 'EAAB-page-token-111';
let fake: FakeGraph;
beforeAll(async () => {
  fake = await startFakeGraph({ pages: { '111': TOKEN }, appSecret: SECRET });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('Graph API client', () => {
  const body = { recipient: { id: '222' }, messaging_type: 'RESPONSE' as const, message: { text: 'hi', metadata: 'omnigate:1' } };

  it('adds appsecret_proof = HMAC-SHA256(app secret, token) when configured, token only in the header', async () => {
    const graph = createGraphApi({ graphUrl: `${fake.url}/`, apiVersion: 'v24.0', appSecret: SECRET });
    const res = await graph.sendMessage(TOKEN, body);
    expect(res).toEqual({ recipientId: '222', messageId: expect.stringMatching(/^m_/) });
    expect(fake.calls[0]?.query).toEqual({ appsecret_proof: createHmac('sha256', SECRET).update(TOKEN).digest('hex') });
    expect(fake.calls[0]?.path).toBe('/v24.0/me/messages');
  });

  it('surfaces a missing proof as Meta rejects it', async () => {
    const graph = createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0' });
    await expect(graph.sendMessage(TOKEN, body)).rejects.toMatchObject({ code: 'GW_ERR_VALIDATION', message: expect.stringContaining('appsecret_proof') });
  });

  it('maps an unreachable Graph URL to a retryable transient error', async () => {
    const closed = await startFakeGraph({ pages: {} });
    const url = closed.url;
    await closed.close();
    const graph = createGraphApi({ graphUrl: url, apiVersion: 'v24.0' });
    await expect(graph.sendMessage(TOKEN, body)).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT', retryable: true });
  });

  it('does not leak the token through a mapped error', async () => {
    const graph = createGraphApi({ graphUrl: fake.url, apiVersion: 'v24.0', appSecret: SECRET });
    fake.failNext(1, { code: 2 });
    const err = await graph.sendMessage(TOKEN, body).catch((e: unknown) => e);
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(String((err as Error).stack)).not.toContain(TOKEN);
    expect(Object.values(err as object).some((v) => JSON.stringify(v ?? null).includes(TOKEN))).toBe(false);
  });
});
