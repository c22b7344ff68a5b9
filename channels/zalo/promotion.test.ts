import type { OutboundMessage } from '../../src/core/channel';
import { DAY, HOUR, ManualClock } from '../../src/core/clock';
import { failureOf } from '../../test/support/gateway-errors';
import type { MessageContent } from '../../src/core/message';
import { createZaloApi } from './oa-api';
import { createZaloSender, type ZaloSender } from './send';
import { startFakeZalo, type FakeZalo } from './simulator/fake-zalo-server';
import { InMemoryTokenStore } from './token-store';
import { TokenManager } from './tokens';
import { ZALO_NIGHT } from './campaign-window';

const APP = { appId: '2553928453557884079', appSecret: 'fake-app-secret', oaId: '3662729599332560487', oaSecretKey: 'fake-oa-secret-key' };
const FOLLOWER = '6142494823000000001';
const STRANGER = '6142494823000000002';

let clock: ManualClock;
let zalo: FakeZalo;
let sender: ZaloSender;
let accessToken: string;
let nextId = 1;

beforeEach(async () => {
  clock = new ManualClock('2026-01-05T02:00:00Z'); // 09:00 in Vietnam
  zalo = await startFakeZalo({ ...APP, now: () => clock.now().getTime(), users: { [FOLLOWER]: { displayName: 'Lan', follower: true }, [STRANGER]: { displayName: 'Khách', follower: false } } });
  const issued = zalo.issueInitialTokens();
  accessToken = issued.accessToken;
  const store = new InMemoryTokenStore({ [APP.oaId]: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, expiresAt: new Date(clock.now().getTime() + 25 * HOUR) } });
  sender = createZaloSender({ api: createZaloApi({ baseUrl: zalo.url }), tokens: new TokenManager({ ...APP, oauthUrl: zalo.oauthUrl, store, clock }), config: { oaId: APP.oaId }, clock });
});
afterEach(() => zalo.close());

/** A campaign message; the user last wrote a month ago (no CS window applies to promotions). */
const campaign = (content: MessageContent, userId = FOLLOWER): OutboundMessage => ({
  messageId: nextId++,
  conversationId: 7,
  inboxId: 1,
  address: { channel: 'zalo', accountId: APP.oaId, externalUserId: userId },
  content,
  senderType: 'system',
  senderName: null,
  replyToExternalId: 'in-1',
  lastInboundAt: new Date(clock.now().getTime() - 30 * DAY),
  purpose: 'campaign',
});

describe('Zalo campaign messages go by the promotion endpoint', () => {
  it('sends text with quick replies as one promotion template to user_id, a month after the last message', async () => {
    const result = await sender.send(campaign({ type: 'text', text: 'Tết sale 20%', quickReplies: [{ title: 'Xem ngay', payload: 'see' }, { title: 'Để sau', payload: 'later' }] }));
    const calls = zalo.calls.filter((c) => c.path.startsWith('/v3.0/oa/message/'));
    expect(calls.map((c) => c.path)).toEqual(['/v3.0/oa/message/promotion']);
    expect(calls[0]?.headers.accessToken).toBe(accessToken);
    expect(calls[0]?.body).toEqual({
      recipient: { user_id: FOLLOWER },
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'promotion',
            elements: [{ type: 'text', align: 'left', content: 'Tết sale 20%' }],
            buttons: [
              { type: 'oa.query.show', title: 'Xem ngay', payload: 'Xem ngay' },
              { type: 'oa.query.show', title: 'Để sau', payload: 'Để sau' },
            ],
          },
        },
      },
    });
    expect(zalo.sentOf('promotion')).toHaveLength(1);
    expect(zalo.sentOf('cs')).toHaveLength(0);
    expect(result).toEqual({ externalId: zalo.sentOf('promotion')[0]?.messageId, status: 'sent' });
  });

  it('sends an image as the banner, its caption as the text', async () => {
    await sender.send(campaign({ type: 'image', url: 'https://shop.example/tet.jpg', caption: 'Chúc mừng năm mới' }));
    expect(zalo.sentOf('promotion')[0]?.message).toEqual({
      attachment: { type: 'template', payload: { template_type: 'promotion', elements: [{ type: 'banner', image_url: 'https://shop.example/tet.jpg' }, { type: 'text', align: 'left', content: 'Chúc mừng năm mới' }] } },
    });
  });

  it('a non-follower: −213 becomes a permanent "not a follower" failure', async () => {
    const err = await failureOf(sender.send(campaign({ type: 'text', text: 'Ưu đãi' }, STRANGER)));
    expect(err).toMatchObject({ code: 'GW_ERR_RECIPIENT_UNREACHABLE', retryable: false, message: 'Zalo: the user is not a follower of the OA (−213)', details: { zaloCode: -213 } });
    expect(zalo.sentOf('promotion')).toHaveLength(0);
  });

  it('at 22:00 Vietnam time the sender refuses before any call; at 21:59 it sends', async () => {
    clock.set('2026-01-05T22:00:00+07:00');
    const err = await failureOf(sender.send(campaign({ type: 'text', text: 'Ưu đãi đêm' })));
    expect(err).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false, message: ZALO_NIGHT });
    expect(zalo.calls.filter((c) => c.path === '/v3.0/oa/message/promotion')).toHaveLength(0);
    clock.set('2026-01-05T21:59:00+07:00');
    await sender.send(campaign({ type: 'text', text: 'Ưu đãi tối' }));
    expect(zalo.sentOf('promotion')).toHaveLength(1);
  });

  it('the fake enforces the night like Zalo: −234, mapped to a permanent window failure', async () => {
    clock.set('2026-01-05T05:59:00+07:00');
    const api = createZaloApi({ baseUrl: zalo.url });
    const body = { recipient: { user_id: FOLLOWER }, message: { attachment: { type: 'template' as const, payload: { template_type: 'promotion' as const, elements: [{ type: 'text' as const, content: 'x' }] } } } };
    const err = await failureOf(api.sendPromotion(accessToken, body));
    expect(err).toMatchObject({ code: 'GW_ERR_MESSAGING_WINDOW_CLOSED', retryable: false, details: { zaloCode: -234 } });
    expect(err.message).toBe('Zalo: this message type cannot be sent at night (22:00–06:00) (−234)');
    clock.set('2026-01-05T06:00:00+07:00');
    await expect(api.sendPromotion(accessToken, body)).resolves.toMatchObject({ userId: FOLLOWER });
  });

  it('the fake accepts one promotion per user per Vietnam day', async () => {
    await sender.send(campaign({ type: 'text', text: 'Lần 1' }));
    const err = await failureOf(sender.send(campaign({ type: 'text', text: 'Lần 2' })));
    expect(err).toMatchObject({ code: 'GW_ERR_RECIPIENT_UNREACHABLE', retryable: false, details: { zaloCode: -218 } });
    clock.set('2026-01-06T06:00:00+07:00');
    await sender.send(campaign({ type: 'text', text: 'Hôm sau' }));
    expect(zalo.sentOf('promotion').map((m) => (m.message as { attachment: { payload: { elements: { content: string }[] } } }).attachment.payload.elements[0]?.content)).toEqual(['Lần 1', 'Hôm sau']);
  });

  it('refuses what cannot be a promotion, without a call', async () => {
    const err = await failureOf(sender.send(campaign({ type: 'file', url: 'https://shop.example/a.pdf', name: 'a.pdf' })));
    expect(err).toMatchObject({ code: 'GW_ERR_CONTENT_UNSUPPORTED', retryable: false });
    const long = await failureOf(sender.send(campaign({ type: 'text', text: 'x'.repeat(2001) })));
    expect(long).toMatchObject({ code: 'GW_ERR_CONTENT_TOO_LARGE' });
    expect(zalo.calls.filter((c) => c.path === '/v3.0/oa/message/promotion')).toHaveLength(0);
  });

  it('a reply (no purpose) still goes by message/cs', async () => {
    await sender.send({ ...campaign({ type: 'text', text: 'Dạ' }), purpose: undefined, replyToExternalId: null, lastInboundAt: new Date(clock.now().getTime() - HOUR) });
    expect(zalo.sentOf('cs')).toHaveLength(1);
    expect(zalo.sentOf('promotion')).toHaveLength(0);
  });
});
