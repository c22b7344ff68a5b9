import { renderMessage, splitText, truncateTitle } from './render';

describe('renderMessage', () => {
  it('renders a short text with our metadata marker', () => {
    expect(renderMessage({ type: 'text', text: 'Xin chào!' }, { messageId: 7 })).toEqual([{ message: { text: 'Xin chào!', metadata: 'omnigate:7' }, media: false }]);
  });

  it('splits a long text into ordered parts of at most 2000 characters, quick replies on the last', () => {
    const paragraph = 'Cửa hàng mở cửa từ 8 giờ sáng đến 10 giờ tối, tất cả các ngày trong tuần. ';
    const text = paragraph.repeat(70).trim(); // ~5000 characters
    const parts = renderMessage({ type: 'text', text, quickReplies: [{ title: 'Có', payload: 'YES' }] }, { messageId: 9 });
    expect(parts.length).toBe(3);
    const texts = parts.map((p) => ('text' in p.message ? p.message.text : ''));
    for (const t of texts) expect(t.length).toBeLessThanOrEqual(2000);
    expect(texts.join(' ')).toBe(text);
    // Sentences are not cut in the middle.
    for (const t of texts.slice(0, -1)) expect(t.endsWith('.')).toBe(true);
    expect(parts.map((p) => p.message.metadata)).toEqual(['omnigate:9', 'omnigate:9', 'omnigate:9']);
    expect(parts.map((p) => 'quick_replies' in p.message)).toEqual([false, false, true]);
  });

  it('caps quick replies at 13 and shows titles of at most 20 characters, cut with an ellipsis', () => {
    const quickReplies = Array.from({ length: 15 }, (_, i) => ({ title: i === 0 ? 'Tôi muốn gặp nhân viên tư vấn' : `Lựa chọn ${i}`, payload: `P${i}` }));
    const [part] = renderMessage({ type: 'text', text: 'Chọn một:', quickReplies }, { messageId: 1 });
    const qr = part && 'quick_replies' in part.message ? part.message.quick_replies ?? [] : [];
    expect(qr).toHaveLength(13);
    expect(qr[0]).toEqual({ content_type: 'text', title: 'Tôi muốn gặp nhân v…', payload: 'P0' });
    expect(qr[1]).toEqual({ content_type: 'text', title: 'Lựa chọn 1', payload: 'P1' });
  });

  it('sends media by URL, reusable, with audio/video marked for the media rate limit; a caption follows as text', () => {
    expect(renderMessage({ type: 'image', url: 'https://cdn.example.com/a.jpg', caption: 'Thực đơn' }, { messageId: 3 })).toEqual([
      { message: { attachment: { type: 'image', payload: { url: 'https://cdn.example.com/a.jpg', is_reusable: true } }, metadata: 'omnigate:3' }, media: false },
      { message: { text: 'Thực đơn', metadata: 'omnigate:3' }, media: false },
    ]);
    expect(renderMessage({ type: 'video', url: 'https://cdn.example.com/v.mp4' }, { messageId: 3 })[0]).toMatchObject({ message: { attachment: { type: 'video' } }, media: true });
    expect(renderMessage({ type: 'file', url: 'https://cdn.example.com/f.pdf', name: 'f.pdf' }, { messageId: 3 })[0]).toMatchObject({ message: { attachment: { type: 'file' } }, media: false });
  });

  it('resolves stored upload links and refuses links Meta cannot download', () => {
    const resolveUrl = (u: string) => u.replace('upload://', 'https://gw.example.com/uploads/');
    expect(renderMessage({ type: 'image', url: 'upload://abc' }, { messageId: 1, resolveUrl })[0]).toMatchObject({ message: { attachment: { payload: { url: 'https://gw.example.com/uploads/abc' } } } });
    expect(() => renderMessage({ type: 'image', url: 'upload://abc' }, { messageId: 1 })).toThrow(expect.objectContaining({ code: 'GW_ERR_CONTENT_UNSUPPORTED' }));
  });

  it('degrades what Messenger cannot send to text on purpose', () => {
    const text = (c: Parameters<typeof renderMessage>[0]) => renderMessage(c, { messageId: 1 }).map((p) => ('text' in p.message ? p.message.text : 'attachment'));
    expect(text({ type: 'location', lat: 10.7769, lng: 106.7009, label: 'Quận 1' })).toEqual(['📍 Quận 1\nhttps://maps.google.com/?q=10.7769,106.7009']);
    expect(text({ type: 'postback', title: 'Bắt đầu', payload: 'GET_STARTED' })).toEqual(['Bắt đầu']);
    expect(text({ type: 'sticker', stickerId: '369239263222822' })).toEqual(['[sticker]']);
    expect(text({ type: 'sticker', url: 'https://cdn.example.com/s.png' })).toEqual(['attachment']);
  });
});

describe('splitText', () => {
  it('never cuts between a letter and its combining diacritic (decomposed Vietnamese)', () => {
    const word = 'Việt'.normalize('NFD'); // e + combining marks
    const text = word.repeat(600); // no spaces: a hard cut is needed
    const chunks = splitText(text, 2000);
    expect(chunks.join('')).toBe(text);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(2000);
      expect(/^\p{M}/u.test(c)).toBe(false);
    }
  });

  it('never splits an emoji surrogate pair', () => {
    const text = '😀'.repeat(1500);
    const chunks = splitText(text, 2000);
    expect(chunks.join('')).toBe(text);
    expect(chunks[0]).toHaveLength(2000);
  });
});

describe('truncateTitle', () => {
  it.each([
    ['Có', 'Có'],
    ['Exactly twenty chars', 'Exactly twenty chars'],
    ['Đặt lịch hẹn với bác sĩ', 'Đặt lịch hẹn với bá…'],
    ['Đặt lịch hẹn với bác sĩ'.normalize('NFD'), 'Đặt lịch hẹn với bá…'],
  ])('%s → %s', (input, output) => {
    expect(truncateTitle(input)).toBe(output);
    expect([...truncateTitle(input)].length).toBeLessThanOrEqual(20);
  });
});
