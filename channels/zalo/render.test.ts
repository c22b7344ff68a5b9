import { renderContent, splitText } from './render';

describe('rendering outbound content for Zalo CS', () => {
  it('sends short text as one message', () => {
    expect(renderContent({ type: 'text', text: 'Xin chào' })).toEqual([{ kind: 'message', message: { text: 'Xin chào' } }]);
  });

  it('degrades quick replies to numbered lines', () => {
    const parts = renderContent({ type: 'text', text: 'Câu trả lời có giúp ích không?', quickReplies: [{ title: 'Có', payload: 'yes' }, { title: 'Không', payload: 'no' }] });
    expect(parts).toEqual([{ kind: 'message', message: { text: 'Câu trả lời có giúp ích không?\n\n1. Có\n2. Không' } }]);
  });

  it('splits text over 2000 characters in order, at word boundaries, nothing lost', () => {
    const words = Array.from({ length: 900 }, (_, i) => `từ${i}`);
    const text = words.join(' ');
    const chunks = splitText(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 2000 && c.length > 0)).toBe(true);
    expect(chunks.join(' ')).toBe(text);
  });

  it('hard-cuts text without spaces, never inside a surrogate pair', () => {
    const text = 'a'.repeat(1999) + '😀' + 'b'.repeat(10);
    const chunks = splitText(text);
    expect(chunks).toEqual(['a'.repeat(1999), '😀' + 'b'.repeat(10)]);
  });

  it('sends images by URL in a media template, caption as text', () => {
    expect(renderContent({ type: 'image', url: 'https://cdn.example.vn/a.jpg', caption: 'Hóa đơn' })).toEqual([
      { kind: 'message', message: { text: 'Hóa đơn', attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://cdn.example.vn/a.jpg' }] } } } },
    ]);
  });

  it('uploads PDF/DOC/DOCX/CSV files; other files go as links', () => {
    expect(renderContent({ type: 'file', url: 'https://cdn.example.vn/bao-gia.pdf', name: 'bao-gia.pdf' })).toEqual([
      { kind: 'file', url: 'https://cdn.example.vn/bao-gia.pdf', name: 'bao-gia.pdf', fallbackText: 'bao-gia.pdf: https://cdn.example.vn/bao-gia.pdf' },
    ]);
    expect(renderContent({ type: 'file', url: 'https://cdn.example.vn/x.zip' })).toEqual([{ kind: 'message', message: { text: 'x.zip: https://cdn.example.vn/x.zip' } }]);
    expect(renderContent({ type: 'file', url: 'https://cdn.example.vn/big.pdf', size: 6 * 1024 * 1024 })[0]).toMatchObject({ kind: 'message' });
  });

  it('turns location, audio and video into links', () => {
    expect(renderContent({ type: 'location', lat: 10.76, lng: 106.65, label: 'Cửa hàng' })).toEqual([
      { kind: 'message', message: { text: 'Cửa hàng\nhttps://www.google.com/maps?q=10.76,106.65' } },
    ]);
    expect(renderContent({ type: 'video', url: 'https://v.example/1.mp4' })).toEqual([{ kind: 'message', message: { text: 'https://v.example/1.mp4' } }]);
  });
});
