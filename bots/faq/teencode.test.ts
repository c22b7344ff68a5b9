import { analyze } from './analyze';
import { expandFolded } from './teencode';

describe('teencode and abbreviations', () => {
  it.each([
    ['ko', 'khong'],
    ['k', 'khong'],
    ['hok', 'khong'],
    ['kh', 'khong'],
    ['hông', 'khong'],
    ['dc', 'duoc'],
    ['đc', 'duoc'],
    ['bn', 'bao nhieu'],
    ['bnhiu', 'bao nhieu'],
    ['sp', 'san pham'],
    ['ntn', 'nhu the nao'],
    ['ad', 'admin'],
    ['vs', 'voi'],
    ['j', 'gi'],
    ['r', 'roi'],
    ['mk', 'minh'],
    ['mik', 'minh'],
    ['tks', 'cam on'],
    ['sdt', 'so dien thoai'],
    ['sđt', 'so dien thoai'],
    ['ship', 'giao hang'],
    ['oke', 'ok'],
  ])('%s → %s', (abbreviation, full) => {
    expect(expandFolded(abbreviation)).toBe(full);
  });

  it('expands inside a sentence', () => {
    expect(expandFolded('sp bh bn lâu v ad')).toBe('san pham bao hanh bao nhieu lau vay admin');
    expect(expandFolded('ship tỉnh đc ko')).toBe('giao hang tinh duoc khong');
  });

  it('reads "hong" as "không" at the end of a question but as "hỏng" after "bị"', () => {
    expect(expandFolded('co giao tinh hong')).toBe('co giao tinh khong');
    expect(expandFolded('may bi hong')).toBe('may bi hong');
    expect(expandFolded('máy bị hỏng')).toBe('may bi hong');
  });

  it('rewrites dialect pairs and loanwords the same way in questions and in the FAQ', () => {
    const folded = (text: string): string => analyze(text).map((t) => t.folded).join(' ');
    expect(folded('máy lạnh')).toBe(folded('điều hòa'));
    expect(folded('bao giờ có hàng')).toBe(folded('khi nào có hàng'));
    expect(folded('lắp free')).toBe('lap mien phi');
    expect(folded('hóa đơn đỏ')).toBe('hoa don vat');
  });
});
