/** The panel's pure logic, without a browser: links, merging, forms, the outbox's order. */
import type { WidgetMessage } from '../../../channels/widget/protocol';
import { PANEL_TEXT } from '../i18n';
import { offlineValues, prechatErrors } from './forms';
import { newClientId } from './ids';
import { linkify, safeHttpUrl } from './linkify';
import { countUnread, mergeMessages } from './messages';
import { Outbox, type SendOutcome } from './outbox';
import { VisitorStorage, type OutboxItem } from './storage';
import { validEmail, validPhone } from './validate';

const msg = (id: number, fields: Partial<WidgetMessage> = {}): WidgetMessage => ({
  id,
  clientId: null,
  direction: 'out',
  senderType: 'bot',
  senderName: null,
  content: { type: 'text', text: `m${id}` },
  status: 'sent',
  createdAt: '2026-01-01T00:00:00Z',
  ...fields,
});

describe('linkify', () => {
  test('only http(s) URLs become links; trailing punctuation stays text', () => {
    expect(linkify('Xem https://anphat.vn/km. Hoặc javascript:alert(1)')).toEqual([
      { text: 'Xem ' },
      { text: 'https://anphat.vn/km', href: 'https://anphat.vn/km' },
      { text: '. Hoặc javascript:alert(1)' },
    ]);
    expect(linkify('(https://vi.wikipedia.org/wiki/A_(b))')).toEqual([{ text: '(' }, { text: 'https://vi.wikipedia.org/wiki/A_(b)', href: 'https://vi.wikipedia.org/wiki/A_(b)' }, { text: ')' }]);
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([{ text: '<img src=x onerror=alert(1)>' }]);
  });

  test('safeHttpUrl refuses other schemes', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,x')).toBeNull();
    expect(safeHttpUrl('/uploads/1', 'https://chat.example.vn')).toBe('https://chat.example.vn/uploads/1');
  });
});

describe('messages', () => {
  test('merge by id, ordered, later copies win', () => {
    const merged = mergeMessages([msg(3), msg(1)], [msg(2), msg(3, { status: 'read' })]);
    expect(merged.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(merged[2]!.status).toBe('read');
  });

  test('unread counts only bot and agent messages after the read mark', () => {
    const list = [msg(1), msg(2, { direction: 'in', senderType: 'contact' }), msg(3, { senderType: 'agent' }), msg(4, { senderType: 'system' })];
    expect(countUnread(list, 1)).toBe(1);
    expect(countUnread(list, 0)).toBe(2);
  });
});

describe('forms', () => {
  const t = PANEL_TEXT.vi;
  test('pre-chat: required, phone and e-mail format', () => {
    const modes = { name: 'required', phone: 'optional', email: 'optional' } as const;
    expect(prechatErrors({}, modes, t)).toEqual({ name: 'Vui lòng nhập họ tên.' });
    expect(prechatErrors({ name: 'An', phone: '12', email: 'a@b' }, modes, t)).toEqual({ phone: t.badPhone, email: t.badEmail });
    expect(prechatErrors({ name: 'An', phone: '+84 912 345 678', email: 'an@example.vn' }, modes, t)).toEqual({});
  });

  test('offline: the contact is a phone or an e-mail', () => {
    expect(offlineValues(' Bình ', '0912345678', ' gọi lại ').values).toEqual({ name: 'Bình', phone: '0912345678', message: 'gọi lại' });
    expect(offlineValues('', 'binh@example.vn', 'x').values).toEqual({ email: 'binh@example.vn', message: 'x' });
    expect(offlineValues('', '', '').errors).toEqual({ contact: 'needContact', message: 'needMessage' });
    expect(offlineValues('', 'abc', 'x').errors).toEqual({ contact: 'badPhone' });
  });

  test('validators', () => {
    expect(validPhone('0912 345 678')).toBe(true);
    expect(validPhone('(028) 3822.1234')).toBe(true);
    expect(validPhone('12345')).toBe(false);
    expect(validEmail('an.nguyen@cong-ty.com.vn')).toBe(true);
    expect(validEmail('an@localhost')).toBe(false);
  });
});

describe('outbox', () => {
  test('client ids are UUIDs the server accepts', () => {
    expect(newClientId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('sends one at a time in order, keeps messages while offline, persists the queue', async () => {
    const storage = new VisitorStorage('unit'); // no localStorage in Node: the in-memory fallback
    let online = false;
    const attempts: string[] = [];
    const stored: number[] = [];
    let nextId = 10;
    const send = async (item: OutboxItem): Promise<SendOutcome> => {
      attempts.push(item.content.type === 'text' ? item.content.text : '?');
      await new Promise((r) => setTimeout(r, 5));
      return online ? { kind: 'stored', message: msg(nextId++, { clientId: item.clientId, direction: 'in' }) } : { kind: 'offline' };
    };
    const outbox = new Outbox(storage, send, (m) => stored.push(m.id), () => undefined);
    outbox.add({ type: 'text', text: 'một' });
    outbox.add({ type: 'text', text: 'hai' });
    await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toEqual(['một']); // the second waits for the first
    expect(storage.outbox().map((i) => i.content)).toEqual([{ type: 'text', text: 'một' }, { type: 'text', text: 'hai' }]);
    online = true;
    outbox.pump();
    await new Promise((r) => setTimeout(r, 40));
    expect(attempts).toEqual(['một', 'một', 'hai']);
    expect(stored).toEqual([10, 11]);
    expect(outbox.list()).toHaveLength(0);
    expect(storage.outbox()).toEqual([]);
  });

  test('a message already stored (seen in a sync) leaves the queue without a resend', () => {
    const outbox = new Outbox(new VisitorStorage('unit2'), () => new Promise<SendOutcome>(() => undefined), () => undefined, () => undefined);
    const item = outbox.add({ type: 'text', text: 'x' });
    outbox.settle([msg(5, { clientId: item.clientId, direction: 'in' })]);
    expect(outbox.list()).toHaveLength(0);
  });
});
