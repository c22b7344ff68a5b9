import { CsvSyntaxError, parseCsv } from './csv-parse';

describe('parseCsv', () => {
  test('fields, quotes, line breaks inside quotes, CRLF, BOM and blank lines, with the line each record starts on', () => {
    const text = '\uFEFFname,phone\r\n"Nguyễn, Văn A",0912345678\r\n\r\n"Trần ""Bé"" B","line1\nline2"\nC,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['name', 'phone'] },
      { line: 2, fields: ['Nguyễn, Văn A', '0912345678'] },
      { line: 4, fields: ['Trần "Bé" B', 'line1\nline2'] },
      { line: 6, fields: ['C', ''] },
    ]);
  });

  test('a last record without a line break', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['1', '2'] },
    ]);
  });

  test('an unclosed quote or text after a closing quote is a syntax error naming the line', () => {
    expect(() => parseCsv('a\n"open')).toThrow(new CsvSyntaxError('line 2: a quoted field is never closed'));
    expect(() => parseCsv('a\n"x"y')).toThrow(CsvSyntaxError);
  });
});
