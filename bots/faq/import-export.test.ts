import { FaqFileError, neutralise, parseFaqByExtension, parseFaqCsv, parseFaqJson, toFaqCsv, toFaqJson } from './import-export';
import type { FaqEntry } from './types';

const entries: FaqEntry[] = [
  { id: 'bao-hanh', question: 'Bảo hành bao lâu?', variants: ['bh bn lâu', 'Thời gian "bảo hành", mấy tháng?'], answer: 'Tivi 24 tháng,\ntủ lạnh 24 tháng.', lang: 'vi' },
  { id: 'formula', question: '=HYPERLINK("http://x")', variants: ['-5% có không', '+84 là gì'], answer: '@SUM(A1)', lang: 'en' },
  { id: 'plain', question: 'Giờ mở cửa', variants: [], answer: "'=already quoted", lang: 'vi' },
];

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof FaqFileError) return err.problems.map((p) => `${p.line !== undefined ? `line ${p.line}` : p.entry !== undefined ? `entry ${p.entry}` : 'file'}: ${p.message}`);
    throw err;
  }
  throw new Error('expected a FaqFileError');
}

describe('FAQ files', () => {
  it('round-trips JSON', () => {
    expect(parseFaqJson(toFaqJson(entries))).toEqual(entries);
  });

  it('round-trips CSV with quotes, commas, newlines and formula-like cells', () => {
    const csv = toFaqCsv(entries);
    expect(csv.split('\r\n')[0]).toBe('id,question,variants,answer,lang');
    expect(parseFaqCsv(csv)).toEqual(entries);
  });

  it('neutralises cells a spreadsheet would run as formulas', () => {
    const csv = toFaqCsv(entries);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(csv).toContain(`'-5% có không|+84 là gì`);
    expect(csv).toContain(`'@SUM(A1)`);
    expect(csv).not.toMatch(/(^|,)[=+\-@]/m);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(neutralise(`${start}x`)).toBe(`'${start}x`);
    expect(neutralise('bình thường')).toBe('bình thường');
  });

  it('reads a CSV written by hand: any column order, optional lang and variants, BOM, LF', () => {
    const csv = '\uFEFFquestion,id,answer\nGiờ mở cửa?,gio,8h-21h\n"Địa chỉ, ở đâu?",dia-chi,"128 Nguyễn Trãi\nHà Nội"\n';
    expect(parseFaqCsv(csv)).toEqual([
      { id: 'gio', question: 'Giờ mở cửa?', variants: [], answer: '8h-21h', lang: 'vi' },
      { id: 'dia-chi', question: 'Địa chỉ, ở đâu?', variants: [], answer: '128 Nguyễn Trãi\nHà Nội', lang: 'vi' },
    ]);
  });

  it('names the line of a malformed CSV record and imports nothing', () => {
    const csv = ['id,question,variants,answer,lang', 'a,"Câu hỏi\nhai dòng",,Trả lời,vi', 'b,Hỏi,,,vi', 'c,Hỏi,,Đáp,fr', 'd,Hỏi,Đáp,vi'].join('\n');
    expect(problemsOf(() => parseFaqCsv(csv))).toEqual(['line 6: expected 5 fields, found 4']);
    const csv2 = ['id,question,variants,answer,lang', 'a,"Câu hỏi\nhai dòng",,Trả lời,vi', 'b,Hỏi,,,vi', 'c,Hỏi,,Đáp,fr'].join('\n');
    expect(problemsOf(() => parseFaqCsv(csv2))).toEqual(['line 4: answer: must not be empty', 'line 5: lang: must be "vi" or "en"']);
  });

  it('reports broken quoting, header problems and duplicate ids', () => {
    expect(problemsOf(() => parseFaqCsv('id,question,answer\na,"never closed,x\n'))).toEqual(['line 2: a quoted field is never closed']);
    expect(problemsOf(() => parseFaqCsv('id,question,answer\na,say "hi",x\n'))).toEqual(['line 2: a quote inside a field that is not quoted (quote the whole field and double the quote: "")']);
    expect(problemsOf(() => parseFaqCsv('id,question,answers\n'))[0]).toMatch(/^line 1: unknown column "answers"/);
    expect(problemsOf(() => parseFaqCsv('id,question,answer\na,Q,A\nb,Q,A\na,Q2,A2\n'))).toEqual(['line 4: duplicate id "a" (first at line 2)']);
    expect(problemsOf(() => parseFaqCsv(''))[0]).toMatch(/empty file/);
  });

  it('names the entry of a malformed JSON file and imports nothing', () => {
    const json = JSON.stringify([
      { id: 'a', question: 'Q', variants: [], answer: 'A', lang: 'vi' },
      { id: 'b', question: 42, answer: '' },
      { id: 'c d', question: 'Q', answer: 'A', extra: true },
      { id: 'a', question: 'Q', answer: 'A' },
    ]);
    expect(problemsOf(() => parseFaqJson(json))).toEqual([
      'entry 2: question: must be text',
      'entry 2: answer: must not be empty',
      'entry 3: id: may only contain letters, digits, ".", "_", ":" and "-"',
      'entry 3: unknown field "extra"',
      'entry 4: duplicate id "a" (first at entry 1)',
    ]);
    expect(problemsOf(() => parseFaqJson('{"id":"a"}'))[0]).toMatch(/expected a JSON array/);
    expect(problemsOf(() => parseFaqJson('[{"id": "a",\n}]'))[0]).toMatch(/^line 2: not valid JSON/);
    expect(problemsOf(() => parseFaqJson('[{"id": "a", "question": }]'))[0]).toMatch(/not valid JSON/);
  });

  it('refuses to write a variant CSV cannot hold', () => {
    expect(() => toFaqCsv([{ id: 'x', question: 'Q', variants: ['a|b'], answer: 'A', lang: 'vi' }])).toThrow(FaqFileError);
  });

  it('chooses the format by file name', () => {
    expect(parseFaqByExtension('faq.JSON', toFaqJson(entries))).toEqual(entries);
    expect(parseFaqByExtension('faq.csv', toFaqCsv(entries))).toEqual(entries);
    expect(() => parseFaqByExtension('faq.xlsx', '')).toThrow(/unsupported/);
  });
});
