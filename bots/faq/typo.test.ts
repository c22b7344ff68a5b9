import { FaqIndex } from './faq-index';
import { boundedEditDistance, TrigramVocabulary, trigrams } from './typo';
import type { FaqEntry } from './types';

describe('edit distance and trigram vocabulary', () => {
  it('counts an adjacent swap as one edit and stops early past the bound', () => {
    expect(boundedEditDistance('hnah', 'hanh', 2)).toBe(1);
    expect(boundedEditDistance('hagn', 'hang', 2)).toBe(1);
    expect(boundedEditDistance('gopp', 'gop', 2)).toBe(1);
    expect(boundedEditDistance('giao', 'giao', 1)).toBe(0);
    expect(boundedEditDistance('bao', 'khuyen', 1)).toBe(2);
  });

  it('pads words so short words keep their first and last trigram', () => {
    expect(trigrams('tra')).toEqual(['^^t', '^tr', 'tra', 'ra$', 'a$$']);
  });

  it('finds the closest known word and forgets removed ones', () => {
    const v = new TrigramVocabulary();
    for (const w of ['hanh', 'hang', 'bao', 'giao']) v.add(w);
    expect(v.closest('hnah')).toEqual({ term: 'hanh', distance: 1 });
    expect(v.closest('xyz')).toBeNull();
    v.delete('hanh');
    expect(v.has('hanh')).toBe(false);
    expect(v.closest('hnah')?.term).not.toBe('hanh');
  });
});

describe('typo tolerance in the index', () => {
  const entries: FaqEntry[] = [
    { id: 'warranty', question: 'Sản phẩm được bảo hành bao lâu?', variants: ['Thời gian bảo hành mấy tháng?'], answer: 'a', lang: 'vi' },
    { id: 'delivery', question: 'Phí giao hàng là bao nhiêu?', variants: ['Tiền vận chuyển tính thế nào?'], answer: 'b', lang: 'vi' },
    { id: 'maintenance', question: 'Có bảo dưỡng điều hòa không?', variants: ['Vệ sinh máy lạnh định kỳ'], answer: 'c', lang: 'vi' },
    { id: 'installment', question: 'Có trả góp không?', variants: ['Mua trả góp cần giấy tờ gì?'], answer: 'd', lang: 'vi' },
  ];
  const index = new FaqIndex(entries);
  const top = (q: string): string | undefined => index.search(q).candidates[0]?.faqId;

  it.each([
    ['bảo hàh bao lâu', 'warranty'],
    ['bao hnah may thang', 'warranty'],
    ['baohanh bao lau', 'warranty'],
    ['phí giao hagn bao nhiêu', 'delivery'],
    ['tra gopp duoc khong', 'installment'],
    ['bảo dưỡg điều hòa', 'maintenance'],
  ])('%s → %s', (q, id) => {
    expect(top(q)).toBe(id);
  });

  it('repairs towards the word with the typed diacritics', () => {
    const repaired = index.search('bảo dưỡg điều hòa').terms.map((t) => t.folded);
    expect(repaired).toContain('duong');
  });

  it('does not "repair" a lone unknown word into a known one', () => {
    expect(index.search('bao').candidates.length).toBeGreaterThan(0);
    const r = index.search('gopx');
    expect(r.terms[0]).toMatchObject({ folded: 'gopx', known: false });
  });
});
