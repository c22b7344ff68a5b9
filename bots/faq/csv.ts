/**
 * RFC 4180 CSV reader that remembers, for every record, the physical line it starts on
 * (a quoted field may span lines, so the record number is not the line number).
 * Accepts CRLF or LF line ends and a UTF-8 byte-order mark; skips blank lines.
 */

export interface CsvRow {
  line: number;
  fields: string[];
}

export interface CsvProblem {
  line: number;
  message: string;
}

export function parseCsv(source: string): { rows: CsvRow[]; problems: CsvProblem[] } {
  const text = source.replace(/^\uFEFF/, '');
  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  /** Where the open quoted field started, for the "never closed" message. */
  let quoteLine = 0;
  /** True just after a closing quote: only a separator or a line end may follow. */
  let closed = false;

  const endField = (): void => {
    fields.push(field);
    field = '';
    closed = false;
  };
  const endRow = (): void => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
    fields = [];
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
          closed = true;
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === ',') {
      endField();
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (c === '"') {
      if (field !== '' || closed) {
        problems.push({ line, message: 'a quote inside a field that is not quoted (quote the whole field and double the quote: "")' });
        return { rows: [], problems };
      }
      quoted = true;
      quoteLine = line;
    } else if (closed) {
      problems.push({ line, message: 'text after the closing quote of a field (expected "," or a line end)' });
      return { rows: [], problems };
    } else {
      field += c;
    }
  }
  if (quoted) {
    problems.push({ line: quoteLine, message: 'a quoted field is never closed' });
    return { rows: [], problems };
  }
  if (field !== '' || fields.length > 0 || closed) endRow();
  return { rows, problems };
}
