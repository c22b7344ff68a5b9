import axios from 'axios';
import { startFakeGraph, type FakeGraph } from './fake-graph-server';

/** The fake answers like Meta for malformed requests, so the channel's bodies are checked for real. */
const TOKEN = 'EAAB-page-token-111';
let fake: FakeGraph;
beforeAll(async () => {
  fake = await startFakeGraph({ pages: { '111': TOKEN }, humanAgent: false });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const post = (body: unknown, opts: { path?: string; token?: string; query?: string } = {}) =>
  axios.post(`${fake.url}${opts.path ?? '/v24.0/me/messages'}${opts.query ?? ''}`, body, {
    headers: opts.token === '' ? {} : { Authorization: `Bearer ${opts.token ?? TOKEN}` },
    validateStatus: () => true,
  });
const text = (t: string, extra: object = {}) => ({ recipient: { id: '222' }, messaging_type: 'RESPONSE', message: { text: t, ...extra } });
const errorOf = (res: { data: unknown }) => (res.data as { error: { code: number; error_subcode?: number; message: string } }).error;

describe('fake Graph API server', () => {
  it('listens on loopback and returns fresh message ids', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const a = await post(text('hi'));
    const b = await post(text('hi'), { path: '/v24.0/111/messages' });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.data.message_id).not.toBe(b.data.message_id);
    expect(a.data.recipient_id).toBe('222');
  });

  it('checks the token (header or access_token query) and answers 190 otherwise', async () => {
    expect(errorOf(await post(text('hi'), { token: 'wrong' })).code).toBe(190);
    expect(errorOf(await post(text('hi'), { token: '' })).code).toBe(190);
    expect((await post(text('hi'), { token: '', query: `?access_token=${TOKEN}` })).status).toBe(200);
    expect(fake.calls[2]?.query.access_token).toBe(TOKEN);
  });

  it.each([
    ['text over 2000 characters', text('x'.repeat(2001))],
    ['text and attachment together', text('x', { attachment: { type: 'image', payload: { url: 'https://a.example/x.png' } } })],
    ['14 quick replies', text('x', { quick_replies: Array.from({ length: 14 }, (_, i) => ({ content_type: 'text', title: `t${i}`, payload: `p${i}` })) })],
    ['a quick-reply title over 20 characters', text('x', { quick_replies: [{ content_type: 'text', title: 'x'.repeat(21), payload: 'p' }] })],
    ['a missing messaging_type', { recipient: { id: '222' }, message: { text: 'x' } }],
    ['MESSAGE_TAG without a tag', { recipient: { id: '222' }, messaging_type: 'MESSAGE_TAG', message: { text: 'x' } }],
    ['a deprecated tag', { recipient: { id: '222' }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'x' } }],
    ['a tag on a RESPONSE', { recipient: { id: '222' }, messaging_type: 'RESPONSE', tag: 'HUMAN_AGENT', message: { text: 'x' } }],
    ['no recipient', { messaging_type: 'RESPONSE', message: { text: 'x' } }],
    ['an attachment without URL', text('', { text: undefined, attachment: { type: 'image', payload: {} } })],
  ])('rejects %s with code 100', async (_name, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe(100);
  });

  it('answers HUMAN_AGENT with a permission error when the feature is not granted', async () => {
    const res = await post({ recipient: { id: '222' }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { text: 'x' } });
    expect(errorOf(res).code).toBe(10);
  });

  it('fails on demand: the next n calls, or every call for a while', async () => {
    fake.failNext(2, { code: 613 });
    expect(errorOf(await post(text('1'))).code).toBe(613);
    expect(errorOf(await post(text('2'))).code).toBe(613);
    expect((await post(text('3'))).status).toBe(200);
    fake.failFor(60_000, { status: 500, code: 2 });
    const res = await post(text('4'));
    expect([res.status, errorOf(res).code]).toEqual([500, 2]);
    expect(fake.calls.map((c) => c.status)).toEqual([400, 400, 200, 500]);
  });
});
