import fs from 'node:fs';
import path from 'node:path';
import type { ParsedEvent } from '../../src/core/message';
import { isPermissionRevoked, parseWebhook, zaloParties } from './parse';

const receivedAt = new Date('2026-01-05T02:00:00Z');
const ctx = { receivedAt };
const fixture = (name: string): string => fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');
const parseText = (text: string): ParsedEvent[] => parseWebhook(JSON.parse(text), ctx);

const PHP_OA = '2197174064623873199';
const PHP_USER = '4339761418830368433';
const PHP_AT = (ms: string) => new Date(Number(ms));

describe('parseWebhook on every fixture, verbatim', () => {
  it.each<[string, unknown]>([
    [
      'user_send_text-a4b-docs.json',
      [{ kind: 'message', standby: false, message: expect.objectContaining({
        channel: 'zalo', accountId: '3662729599332560487', externalUserId: '6142494823xxxxxxxx', externalId: 'cb31dff1c39642cc1b83',
        sentAt: PHP_AT('1699003881354'), content: { type: 'text', text: 'Chào A4B' },
      }) }],
    ],
    [
      'user_seen_message-captured.json',
      [{ kind: 'read', externalIds: ['e72c0a55e95fcb00924f'], watermark: null,
        origin: { channel: 'zalo', accountId: '7605173638941758527', externalUserId: '2687558107438251665', at: PHP_AT('1594636778967') } }],
    ],
    [
      'user_send_link-php-fixture.json',
      [{ kind: 'message', standby: false, message: expect.objectContaining({
        accountId: PHP_OA, externalUserId: PHP_USER, externalId: 'This is message id', content: { type: 'text', text: 'This is testing message\nlink' },
      }) }],
    ],
    // The PHP fixtures' media URLs are placeholders ("url_to_thumbnail"): not URLs, so the event is ignored with the reason.
    ['user_send_audio-php-fixture.json', [expect.objectContaining({ kind: 'ignored', channel: 'zalo', reason: expect.stringMatching(/^user_send_audio: invalid audio content \(url: /) })]],
    ['user_send_gif-php-fixture.json', [expect.objectContaining({ kind: 'ignored', reason: expect.stringMatching(/^user_send_gif: invalid gif content/) })]],
    ['user_send_video-php-fixture.json', [expect.objectContaining({ kind: 'ignored', reason: expect.stringMatching(/^user_send_video: invalid video content/) })]],
    // OA echoes: OA = sender, user = recipient; no admin_id → sent through the API (ours). Unusable content → null, the echo stays.
    ...(['oa_send_file', 'oa_send_gif', 'oa_send_image'] as const).map((name): [string, unknown] => [
      `${name}-php-fixture.json`,
      [expect.objectContaining({ kind: 'echo', externalId: 'This is message id', ours: true, content: null, outboundMessageId: null,
        origin: expect.objectContaining({ accountId: PHP_OA, externalUserId: PHP_USER }) })],
    ]),
    [
      'oa_send_list-php-fixture.json',
      [expect.objectContaining({ kind: 'echo', ours: true, content: { type: 'text', text: 'This is testing message\ntitle\nlink' },
        origin: { channel: 'zalo', accountId: PHP_OA, externalUserId: PHP_USER, at: PHP_AT('1609984527181') } })],
    ],
    ['api-oauth-v4-token-response-docs.json', [expect.objectContaining({ kind: 'ignored', reason: 'no event_name' })]],
  ])('%s', (file, expected) => {
    expect(parseText(fixture(file))).toEqual(expected);
  });

  it('covers every fixture file', () => {
    const files = fs.readdirSync(path.join(__dirname, '__fixtures__')).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(11);
  });
});

describe('the PHP fixtures with real URLs in place of the placeholders', () => {
  const real = (file: string) => parseText(fixture(file).replace(/"(url_to_[a-z_]+|link_to_download_file)"/g, '"https://s120.zdn.vn/$1"'));
  const contentOf = (events: ParsedEvent[]) => (events[0]?.kind === 'message' ? events[0].message.content : events[0]?.kind === 'echo' ? events[0].content : events[0]);

  it.each<[string, unknown]>([
    ['user_send_audio-php-fixture.json', { type: 'audio', url: 'https://s120.zdn.vn/url_to_audio_file' }],
    ['user_send_video-php-fixture.json', { type: 'video', url: 'https://s120.zdn.vn/url_to_video_file' }],
    ['user_send_gif-php-fixture.json', { type: 'image', url: 'https://s120.zdn.vn/url_to_thumbnail', caption: 'This is testing message' }],
    ['oa_send_image-php-fixture.json', { type: 'image', url: 'https://s120.zdn.vn/url_to_thumbnail', caption: 'This is testing message' }],
    ['oa_send_file-php-fixture.json', { type: 'file', url: 'https://s120.zdn.vn/link_to_download_file', name: 'file_name', size: 9999 }],
  ])('%s', (file, content) => {
    expect(contentOf(real(file))).toEqual(content);
  });
});

const base = { app_id: '2553928453557884079', user_id_by_app: '979122185046046317', timestamp: '1767578400000' };
const fromUser = { ...base, sender: { id: '6142494823000000001' }, recipient: { id: '3662729599332560487' } };
const origin = { channel: 'zalo', accountId: '3662729599332560487', externalUserId: '6142494823000000001', at: new Date(1767578400000) };

describe('hand-written payloads', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['follow (top-level oa_id, follower.id)', { ...base, event_name: 'follow', oa_id: '3662729599332560487', follower: { id: '6142494823000000001' }, source: 'oa_profile' },
      { kind: 'contact', origin, externalId: 'follow:6142494823000000001:1767578400000', profile: null, follower: true }],
    ['unfollow', { ...base, event_name: 'unfollow', oa_id: '3662729599332560487', follower: { id: '6142494823000000001' } },
      { kind: 'contact', origin, externalId: 'unfollow:6142494823000000001:1767578400000', profile: null, follower: false }],
    ['user_submit_info (phone as a number)', { ...fromUser, event_name: 'user_submit_info', info: { name: ' Nguyễn Văn A ', phone: 84912345678, address: '1 Lê Lợi', city: 'HCM' } },
      { kind: 'contact', origin, externalId: 'user_submit_info:6142494823000000001:1767578400000', profile: { name: 'Nguyễn Văn A', phone: '84912345678' }, follower: null }],
    ['user_send_location (coordinates as strings)', { ...fromUser, event_name: 'user_send_location', message: { msg_id: 'loc1', text: 'Nhà tôi', attachments: [{ type: 'location', payload: { coordinates: { latitude: '10.7642473', longitude: '106.6564638' } } }] } },
      { kind: 'message', standby: false, message: expect.objectContaining({ externalId: 'loc1', content: { type: 'location', lat: 10.7642473, lng: 106.6564638, label: 'Nhà tôi' } }) }],
    ['user_received_message', { ...fromUser, event_name: 'user_received_message', message: { msg_id: 'oa-msg-1' } },
      { kind: 'delivery', origin, externalIds: ['oa-msg-1'], watermark: null }],
    ['user_reacted_message', { ...fromUser, event_name: 'user_reacted_message', message: { msg_id: 'oa-msg-1', react_icon: '/-heart' } },
      { kind: 'reaction', origin, targetExternalId: 'oa-msg-1', reaction: '/-heart', action: 'react' }],
    ['user_reacted_message, removed', { ...fromUser, event_name: 'user_reacted_message', message: { msg_id: 'oa-msg-1', react_icon: '/-remove' } },
      { kind: 'reaction', origin, targetExternalId: 'oa-msg-1', reaction: '/-remove', action: 'unreact' }],
    ['user_send_sticker', { ...fromUser, event_name: 'user_send_sticker', message: { msg_id: 'st1', attachments: [{ type: 'sticker', payload: { id: 'bfe458bf64fa8da4d4eb', url: 'https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1' } }] } },
      { kind: 'message', standby: false, message: expect.objectContaining({ content: { type: 'sticker', stickerId: 'bfe458bf64fa8da4d4eb', url: 'https://zalo-api.zadn.vn/api/emoticon/sticker/webpc?eid=1' } }) }],
    ['user_send_business_card', { ...fromUser, event_name: 'user_send_business_card', message: { msg_id: 'bc1', text: 'Trần B', attachments: [{ type: 'link', payload: { description: '{"phone":"0912345678","qrCodeUrl":"https://x"}', thumbnail: 'https://t' } }] } },
      { kind: 'message', standby: false, message: expect.objectContaining({ content: { type: 'text', text: 'Danh thiếp: Trần B · 0912345678' } }) }],
    ['oa_send_text typed in Zalo\'s OA tool (admin_id) → not ours', { ...base, event_name: 'oa_send_text', sender: { id: '3662729599332560487', admin_id: '555' }, recipient: { id: '6142494823000000001' }, message: { msg_id: 'oa2', text: 'Chào anh' } },
      { kind: 'echo', origin, externalId: 'oa2', content: { type: 'text', text: 'Chào anh' }, ours: false, outboundMessageId: null, raw: expect.anything() }],
    ['unknown event name', { ...fromUser, event_name: 'shop_has_order' }, { kind: 'ignored', channel: 'zalo', reason: 'unhandled event "shop_has_order"', raw: expect.anything() }],
    ['user_click_chatnow (not handled)', { ...fromUser, event_name: 'user_click_chatnow' }, expect.objectContaining({ kind: 'ignored', reason: 'unhandled event "user_click_chatnow"' })],
    ['permission_revoked', { ...base, event_name: 'permission_revoked', oa_id: '3662729599332560487' }, expect.objectContaining({ kind: 'ignored', reason: 'permission_revoked' })],
    ['anonymous chat', { ...fromUser, event_name: 'anonymous_send_text', message: { msg_id: 'a', text: 'hi' } }, expect.objectContaining({ kind: 'ignored', reason: expect.stringContaining('anonymous') })],
    ['user message without sender', { ...base, event_name: 'user_send_text', recipient: { id: '1' }, message: { msg_id: 'x', text: 'hi' } }, expect.objectContaining({ kind: 'ignored', reason: 'user_send_text: missing OA or user id' })],
    ['empty text', { ...fromUser, event_name: 'user_send_text', message: { msg_id: 'x', text: '  ' } }, expect.objectContaining({ kind: 'ignored', reason: expect.stringContaining('without usable text') })],
  ])('%s', (_label, body, expected) => {
    const events = parseWebhook(body, ctx);
    expect(events).toHaveLength(1);
    expect(events[0]).toEqual(expected);
  });

  it('flags permission_revoked for the caller', () => {
    const [event] = parseWebhook({ ...base, event_name: 'permission_revoked' }, ctx);
    expect(event && isPermissionRevoked(event)).toBe(true);
  });

  it('one event per image when a message carries several; the first keeps msg_id', () => {
    const events = parseWebhook({ ...fromUser, event_name: 'user_send_image', message: { msg_id: 'm1', text: 'ảnh', attachments: [
      { type: 'image', payload: { url: 'https://a/1.jpg' } }, { type: 'image', payload: { url: 'https://a/2.jpg' } },
    ] } }, ctx);
    expect(events.map((e) => (e.kind === 'message' ? [e.message.externalId, e.message.content] : e))).toEqual([
      ['m1', { type: 'image', url: 'https://a/1.jpg', caption: 'ảnh' }],
      ['m1#1', { type: 'image', url: 'https://a/2.jpg' }],
    ]);
  });

  it('keeps ids as strings (numbers coerced), the raw body for audit, and falls back to receivedAt without a timestamp', () => {
    const [event] = parseWebhook({ app_id: '1', event_name: 'user_send_text', sender: { id: 6142494823 }, recipient: { id: 366272 }, message: { msg_id: 'z', text: 'hi' } }, ctx);
    expect(event).toMatchObject({ kind: 'message', message: { accountId: '366272', externalUserId: '6142494823', sentAt: receivedAt, raw: expect.any(Object) } });
  });

  it('never throws, whatever the body', () => {
    for (const body of [null, 42, 'text', [], {}, { event_name: 7 }, { event_name: 'user_send_text', message: 'x', sender: {}, recipient: {} }]) {
      expect(() => parseWebhook(body, ctx)).not.toThrow();
      expect(parseWebhook(body, ctx)[0]?.kind).toBe('ignored');
    }
  });

  it('swaps a receipt whose sides are reversed when the OA id is known', () => {
    const swapped = { ...base, event_name: 'user_seen_message', sender: { id: '3662729599332560487' }, recipient: { id: '6142494823000000001' }, message: { msg_ids: ['a'] } };
    expect(parseWebhook(swapped, { receivedAt, oaId: '3662729599332560487' })[0]).toMatchObject({ kind: 'read', origin });
    expect(zaloParties(swapped)).toEqual({ oaId: '6142494823000000001', userId: '3662729599332560487' });
  });
});
