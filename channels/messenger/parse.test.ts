import { createHash } from 'node:crypto';
import { GatewayError } from '../../src/core/errors';
import type { ParsedEvent } from '../../src/core/message';
import { fixtureJson, fixtureNames } from './__fixtures__';
import { parseWebhook, type ParseContext } from './parse';
import { echoItem, envelope, textItem } from './simulator/webhooks';

const receivedAt = new Date('2026-01-05T02:00:00Z');
const ctx: ParseContext = { receivedAt };
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Item = { sender?: { id: string }; recipient?: { id: string }; message?: { is_echo?: boolean } };

/** Fixtures that are one messaging item: wrap them in an envelope whose entry.id is the item's Page side. */
function body(name: string): unknown {
  const json = fixtureJson(name) as Record<string, unknown>;
  if (json.object === 'page') return json;
  if (Array.isArray(json.messaging)) return { object: 'page', entry: [json] };
  const item = json as Item;
  const pageId = item.message?.is_echo ? item.sender?.id : item.recipient?.id;
  return { object: 'page', entry: [{ id: pageId, time: 1, messaging: [item] }] };
}

/** The raw messaging item(s) of a fixture, to check `raw` is kept untouched. */
function items(name: string): unknown[] {
  const b = body(name) as { entry: { messaging?: unknown[]; standby?: unknown[] }[] };
  return b.entry.flatMap((e) => [...(e.messaging ?? []), ...(e.standby ?? [])]);
}

const message = (name: string, i: number, m: { accountId: string; externalUserId: string; externalId: string; sentAt: Date; content: unknown }, standby = false): ParsedEvent =>
  ({ kind: 'message', standby, message: { kind: 'message', channel: 'messenger', ...m, raw: items(name)[i] } }) as ParsedEvent;
const origin = (accountId: string, externalUserId: string, at: Date) => ({ channel: 'messenger', accountId, externalUserId, at });
const metadata = 'Additional content that the caller wants to set';

/** One expected normalized output per fixture file. */
const expected: Record<string, ParsedEvent[]> = {
  'attachment-entry-metadocs.json': [
    // The docs' placeholders are no usable type/URL: kept visible as a text note.
    message('attachment-entry-metadocs.json', 0, { accountId: '682498302938465', externalUserId: '<PSID>', externalId: 'mid.$cAAJdkrCd2ORnva8ErFhjGm0X_Q_c', sentAt: new Date(1518479195308), content: { type: 'text', text: '[<image|video|audio|file|reel|ig_reel>] <ATTACHMENT_URL>' } }),
  ],
  'batch-two-entries-bottender.json': [
    message('batch-two-entries-bottender.json', 0, { accountId: '1895382890692545', externalUserId: '1412611362105802', externalId: 'mid.1486464322190:cb04e5a654', sentAt: new Date(1486464322190), content: { type: 'text', text: 'test 1' } }),
    // Routed by entry.id (what Page tokens are keyed by), even though this test body's recipient differs.
    message('batch-two-entries-bottender.json', 1, { accountId: '189538289069256', externalUserId: '1412611362105802', externalId: 'mid.1486464322190:cb04e5a656', sentAt: new Date(1486464322190), content: { type: 'text', text: 'test 2' } }),
  ],
  'delivery-bottender.json': [
    // No timestamp on this item: the event time is when the webhook arrived.
    { kind: 'delivery', origin: origin('1423587017700273', '404217156637689', receivedAt), externalIds: ['mid.1458668856218:ed81099e15d3f4f233'], watermark: new Date(1458668856253) },
  ],
  'delivery-remixz.json': [
    { kind: 'delivery', origin: origin('1751036168465324', '982337261802700', new Date(1460923697635)), externalIds: ['mid.1460923697625:5c96e8279b55505308'], watermark: new Date(1460923697635) },
  ],
  'echo-remixz.json': [
    { kind: 'echo', origin: origin('1751036168465324', '961373540645425', new Date(1474195344285)), externalId: 'mid.1474195344232:c667d9bc3076277d14', content: { type: 'text', text: 'Test äëï' }, ours: false, outboundMessageId: null, raw: items('echo-remixz.json')[0] },
  ],
  'echo-text-metadocs.json': [
    { kind: 'echo', origin: origin('<PAGE_ID>', '<PSID>', new Date(1457764197627)), externalId: 'mid.1457764197618:41d102a3e1ae206a38', content: { type: 'text', text: 'hello, world!' }, ours: false, outboundMessageId: null, raw: items('echo-text-metadocs.json')[0] },
  ],
  'pass-thread-control-metadocs.json': [
    { kind: 'handover', origin: origin('<PAGE_ID>', '<PSID>', new Date(1458692752478)), ownedByUs: true, detail: `pass_thread_control: <previous_app_id or null (idle_mode)> → 123456789 (metadata: ${metadata})` },
  ],
  'pass-thread-control-tock.json': [
    { kind: 'handover', origin: origin('<PAGE_ID>', '<PSID>', new Date(1458692752478)), ownedByUs: true, detail: `pass_thread_control: ? → 123456789 (metadata: ${metadata})` },
  ],
  'postback-referral-bottender.json': [
    message('postback-referral-bottender.json', 0, {
      accountId: '707356222221168',
      externalUserId: '1476077422222289',
      externalId: sha1('1476077422222289|1522222894827|__GET_STARTED__'),
      sentAt: new Date(1522222894827),
      content: { type: 'postback', title: 'Get Started', payload: '__GET_STARTED__' },
    }),
  ],
  'reaction-bottender.json': [
    { kind: 'reaction', origin: origin('707356222221168', '1476077422222289', new Date(1469111400000)), targetExternalId: 'mid.$cAAE1UUyiiwthh0NPrVbVf4HFNDGl', reaction: '❤️', action: 'react' },
  ],
  'read-remixz.json': [
    { kind: 'read', origin: origin('510249619162304', '1066835436691078', new Date(1461167227231)), externalIds: [], watermark: new Date(1461167227231) },
  ],
  'referral-shortlink-bottender.json': [
    { kind: 'ignored', channel: 'messenger', reason: 'referral (source=SHORTLINK, type=OPEN_THREAD, ref=aaaa)', raw: items('referral-shortlink-bottender.json')[0] },
  ],
  'reply-to-metadocs.json': [
    message('reply-to-metadocs.json', 0, { accountId: '<PAGE_ID>', externalUserId: '<PSID>', externalId: 'm_1457764197618:41d102a3e1ae206a38', sentAt: new Date(1458692752478), content: { type: 'text', text: 'hello, world!' } }),
  ],
  'standby-echo-template-metadocs.json': [
    { kind: 'echo', origin: origin('<PAGEID>', '<PSID>', new Date(1570053170673)), externalId: 'qT7ywaKpO9kkQR7Gv-nM8LIfLZDamVrALniheUYEDdHJXjDXEAyaS1xxONzb2Iv-DFzmTihfWJV012P5pK0AhQ', content: { type: 'text', text: '[template] https://www.facebook.com/commerce/update/' }, ours: false, outboundMessageId: null, raw: items('standby-echo-template-metadocs.json')[0] },
  ],
  'sticker-image-customer-chat.json': [
    message('sticker-image-customer-chat.json', 0, {
      accountId: '155365675175754',
      externalUserId: '1920030624688511',
      externalId: 'mid.$cAADXuZMmdtFoBQmKQ1h08RBO4nN3',
      sentAt: new Date(1519676310083),
      content: { type: 'sticker', url: 'https://scontent-dft4-2.xx.fbcdn.net/v/t39.1997-6/851557_369239266556155_759568595_n.png?_nc_ad=z-m&_nc_cid=0&oh=557fb26a3950519bda159df1f43bd7b5&oe=5B1451DC', stickerId: '369239263222822' },
    }),
  ],
  'take-thread-control-tock.json': [
    { kind: 'handover', origin: origin('<PAGE_ID>', '<PSID>', new Date(1458692752478)), ownedByUs: false, detail: `take_thread_control: taken from 123456789 (metadata: ${metadata})` },
  ],
  'text-bottender.json': [
    message('text-bottender.json', 0, { accountId: '1895382890692545', externalUserId: '1412611362105802', externalId: 'mid.1486464322190:cb04e5a654', sentAt: new Date(1486464322190), content: { type: 'text', text: 'text' } }),
  ],
  'text-escaped-unicode-remixz.json': [
    // Numeric ids in the payload come out as strings; \u00e4 escapes decode to ä.
    message('text-escaped-unicode-remixz.json', 0, { accountId: '1751036168465324', externalUserId: '982337261802700', externalId: 'mid.1460923697625:5c96e8279b55505308', sentAt: new Date(1460923697635), content: { type: 'text', text: 'Test äëï' } }),
  ],
  'text-quick-reply-metadocs.json': [
    message('text-quick-reply-metadocs.json', 0, { accountId: '<PAGE_ID>', externalUserId: '<PSID>', externalId: 'mid.1457764197618:41d102a3e1ae206a38', sentAt: new Date(1458692752478), content: { type: 'quick_reply', text: 'hello, world!', payload: '<DEVELOPER_DEFINED_PAYLOAD>' } }),
  ],
};

describe('parseWebhook on every fixture', () => {
  it('has an expectation for each fixture file', () => {
    expect(Object.keys(expected).sort()).toEqual(fixtureNames());
  });

  it.each(fixtureNames())('%s', (name) => {
    expect(parseWebhook(body(name), ctx)).toEqual(expected[name]);
  });
});

describe('parseWebhook: echoes', () => {
  it('recognises our echo by app_id (a JSON number) compared as a string', () => {
    const [remixz] = parseWebhook(body('echo-remixz.json'), { receivedAt, appId: '518384185035814' });
    expect(remixz).toMatchObject({ kind: 'echo', ours: true, outboundMessageId: null });
    const [docs] = parseWebhook(body('echo-text-metadocs.json'), { receivedAt, appId: '1517776481860111' });
    expect(docs).toMatchObject({ kind: 'echo', ours: true });
  });

  it('reads our outbound message id from the metadata marker', () => {
    const b = envelope('111', [echoItem({ pageId: '111', psid: '222', text: 'hi', mid: 'm_1', appId: '999', metadata: 'omnigate:42', timestamp: 1 })]);
    expect(parseWebhook(b, ctx)).toEqual([
      expect.objectContaining({ kind: 'echo', externalId: 'm_1', ours: true, outboundMessageId: 42, origin: origin('111', '222', new Date(1)) }),
    ]);
    expect(parseWebhook(b, { receivedAt, appId: '999' })[0]).toMatchObject({ ours: true, outboundMessageId: 42 });
  });

  it('does not take a marker sent by another known app as ours (e.g. a staging gateway on the same Page)', () => {
    const b = envelope('111', [echoItem({ pageId: '111', psid: '222', text: 'hi', mid: 'm_1', appId: '555', metadata: 'omnigate:42' })]);
    expect(parseWebhook(b, { receivedAt, appId: '999' })[0]).toMatchObject({ kind: 'echo', ours: false, outboundMessageId: null });
  });

  it('treats a Page Inbox echo (a human in Meta Business Suite) as not ours', () => {
    const b = envelope('111', [echoItem({ pageId: '111', psid: '222', text: 'typed in Business Suite', mid: 'm_2', appId: '263902037430900' })]);
    expect(parseWebhook(b, { receivedAt, appId: '999' })[0]).toMatchObject({ kind: 'echo', ours: false, content: { type: 'text', text: 'typed in Business Suite' } });
  });
});

describe('parseWebhook: envelope handling', () => {
  it('throws GW_ERR_VALIDATION for anything but a Page webhook', () => {
    for (const bad of [{ object: 'instagram', entry: [] }, { object: 'page' }, null, 'x', []]) {
      expect(() => parseWebhook(bad, ctx)).toThrow(GatewayError);
    }
    let thrown: unknown = null;
    try {
      parseWebhook({ object: 'whatsapp_business_account', entry: [] }, ctx);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: 'GW_ERR_VALIDATION', retryable: false });
  });

  it('does not crash on entries with only standby, or with neither list (botkit #standby bug)', () => {
    const b = {
      object: 'page',
      entry: [
        { id: '111', time: 1, standby: [textItem({ pageId: '111', psid: '222', text: 'xin chào', mid: 'm_s', timestamp: 5 })] },
        { id: '111', time: 1 },
        { id: '111', time: 1, changes: [{ field: 'feed', value: {} }] },
      ],
    };
    const events = parseWebhook(b, ctx);
    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ kind: 'message', standby: true, message: { externalId: 'm_s', content: { type: 'text', text: 'xin chào' } } });
    expect(events.slice(1).map((e) => e.kind)).toEqual(['ignored', 'ignored']);
  });

  it('sorts by event time, keeping arrival order for ties', () => {
    const b = envelope('111', [
      textItem({ pageId: '111', psid: '222', text: 'second', mid: 'm_b', timestamp: 20 }),
      textItem({ pageId: '111', psid: '222', text: 'first', mid: 'm_a', timestamp: 10 }),
      textItem({ pageId: '111', psid: '222', text: 'third', mid: 'm_c', timestamp: 20 }),
    ]);
    expect(parseWebhook(b, ctx).map((e) => (e.kind === 'message' ? e.message.externalId : e.kind))).toEqual(['m_a', 'm_b', 'm_c']);
  });

  it('turns unknown or broken items into ignored events with a reason', () => {
    const b = envelope('111', [
      { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 1, optin: { ref: 'x' } },
      { sender: { id: '222' }, recipient: { id: '111' }, timestamp: 2, message: { mid: 'm_empty' } },
      42 as unknown as object,
    ]);
    const events = parseWebhook(b, ctx);
    expect(events.map((e) => e.kind)).toEqual(['ignored', 'ignored', 'ignored']);
    expect(events[0]).toMatchObject({ reason: 'unsupported Messenger event (optin)' });
  });
});

describe('parseWebhook: content', () => {
  const one = (message: object) => parseWebhook(envelope('111', [{ sender: { id: '222' }, recipient: { id: '111' }, timestamp: 7, message }]), ctx);

  it.each([
    ['image', { type: 'image', url: 'https://cdn.example.com/a/photo.jpg' }],
    ['video', { type: 'video', url: 'https://cdn.example.com/a/photo.jpg' }],
    ['audio', { type: 'audio', url: 'https://cdn.example.com/a/photo.jpg' }],
    ['file', { type: 'file', url: 'https://cdn.example.com/a/photo.jpg', name: 'photo.jpg' }],
    ['reel', { type: 'text', text: '[reel] https://cdn.example.com/a/photo.jpg' }],
    ['ig_reel', { type: 'text', text: '[ig_reel] https://cdn.example.com/a/photo.jpg' }],
  ])('the docs attachment example with type %s', (type, content) => {
    const entry = fixtureJson('attachment-entry-metadocs.json') as { messaging: { message: { attachments: { type: string; payload: { url: string } }[] } }[] };
    const a = entry.messaging[0]!.message.attachments[0]!;
    a.type = type;
    a.payload.url = 'https://cdn.example.com/a/photo.jpg';
    expect(parseWebhook({ object: 'page', entry: [entry] }, ctx)[0]).toMatchObject({ kind: 'message', message: { content } });
  });

  it('maps the new sticker attachment type (sticker_id, transition to 2026-08-30)', () => {
    const [e] = one({ mid: 'm_st', attachments: [{ type: 'sticker', payload: { url: 'https://cdn.example.com/s.png', sticker_id: 369239263222822 } }] });
    expect(e).toMatchObject({ message: { content: { type: 'sticker', url: 'https://cdn.example.com/s.png', stickerId: '369239263222822' } } });
  });

  it('turns a fallback (shared link) into a text note with title and URL', () => {
    const [e] = one({ mid: 'm_fb', attachments: [{ type: 'fallback', title: 'Giá vé', url: 'https://example.com/gia-ve', payload: null }] });
    expect(e).toMatchObject({ message: { content: { type: 'text', text: 'Giá vé\nhttps://example.com/gia-ve' } } });
  });

  it('gives each extra attachment its own id; text with one image becomes its caption', () => {
    const many = one({ mid: 'm_x', text: 'hai ảnh', attachments: [{ type: 'image', payload: { url: 'https://c.example/1.jpg' } }, { type: 'image', payload: { url: 'https://c.example/2.jpg' } }] });
    expect(many.map((e) => (e.kind === 'message' ? [e.message.externalId, e.message.content.type] : null))).toEqual([
      ['m_x', 'text'],
      ['m_x#1', 'image'],
      ['m_x#2', 'image'],
    ]);
    const captioned = one({ mid: 'm_y', text: 'ảnh đây', attachments: [{ type: 'image', payload: { url: 'https://c.example/1.jpg' } }] });
    expect(captioned).toEqual([expect.objectContaining({ message: expect.objectContaining({ externalId: 'm_y', content: { type: 'image', url: 'https://c.example/1.jpg', caption: 'ảnh đây' } }) })]);
  });
});

describe('parseWebhook: handover', () => {
  const item = (extra: object) => envelope('111', [{ sender: { id: '222' }, recipient: { id: '111' }, timestamp: 3, ...extra }]);

  it('pass_thread_control is ours only when the new owner is our app id', () => {
    const b = item({ pass_thread_control: { new_owner_app_id: '999', previous_owner_app_id: null } });
    expect(parseWebhook(b, { receivedAt, appId: '999' })[0]).toMatchObject({ kind: 'handover', ownedByUs: true, detail: 'pass_thread_control: idle → 999' });
    expect(parseWebhook(b, { receivedAt, appId: '123' })[0]).toMatchObject({ kind: 'handover', ownedByUs: false });
  });

  it('request_thread_control and app_roles are handover events', () => {
    expect(parseWebhook(item({ request_thread_control: { requested_owner_app_id: 263902037430900 } }), ctx)[0]).toMatchObject({
      kind: 'handover',
      ownedByUs: true,
      detail: 'request_thread_control: app 263902037430900 asks for the thread',
    });
    const roles = envelope('111', [{ recipient: { id: '111' }, timestamp: 4, app_roles: { '999': ['primary_receiver'] } }]);
    expect(parseWebhook(roles, { receivedAt, appId: '999' })[0]).toMatchObject({
      kind: 'handover',
      ownedByUs: true,
      origin: { accountId: '111', externalUserId: '' },
      detail: 'app_roles: 999=primary_receiver',
    });
  });
});
