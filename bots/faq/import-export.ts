import { z } from 'zod';
import { parseCsv } from './csv';
import { csvCell, neutralise } from '../../src/core/csv';
import type { FaqEntry } from './types';

/**
 * FAQ files. JSON: an array of `{ id, question, variants, answer, lang }`. CSV: header
 * `id,question,variants,answer,lang` (any order; `variants` and `lang` may be left out),
 * variants separated by `|`, RFC 4180 quoting. An import is all or nothing: the first
 * problem does not stop the check, every problem is reported (with its CSV line or JSON
 * entry number, 1-based) and no entry is returned.
 *
 * CSV formula injection: on export a cell that a spreadsheet would evaluate (starting
 * with =, +, -, @, tab or CR) gets a leading apostrophe; on import one such apostrophe
 * is removed again, so export → import gives back the same entries.
 */

export interface FaqFileProblem {
  /** CSV: physical line where the record starts. */
  line?: number;
  /** JSON: position in the array, 1-based. */
  entry?: number;
  message: string;
}

/** Where a problem is: the CSV line or the JSON entry. */
type Where = Omit<FaqFileProblem, 'message'>;

export class FaqFileError extends Error {
  constructor(readonly problems: FaqFileProblem[]) {
    super(problems.map((p) => `${p.line !== undefined ? `line ${p.line}` : p.entry !== undefined ? `entry ${p.entry}` : 'file'}: ${p.message}`).join('\n'));
    this.name = 'FaqFileError';
  }
}

const text = (max: number) => z.string({ error: 'must be text' }).trim().min(1, { error: 'must not be empty' }).max(max, { error: `must be at most ${max} characters` });

export const faqEntrySchema = z.strictObject({
  id: text(100).regex(/^[\p{L}\p{N}._:-]+$/u, { error: 'may only contain letters, digits, ".", "_", ":" and "-"' }),
  question: text(500),
  variants: z.array(text(500), { error: 'must be a list of texts' }).max(50, { error: 'at most 50 variants' }).default([]),
  answer: text(5000),
  lang: z.enum(['vi', 'en'], { error: 'must be "vi" or "en"' }).default('vi'),
});

const MAX_ENTRIES = 20_000;
const COLUMNS = ['id', 'question', 'variants', 'answer', 'lang'] as const;

function describe(issue: z.core.$ZodIssue): string {
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** Validate every record, then refuse duplicate ids; throw with every problem found. */
function validate(records: { where: Where; value: unknown }[]): FaqEntry[] {
  const problems: FaqFileProblem[] = [];
  const entries: FaqEntry[] = [];
  const firstSeen = new Map<string, Where>();
  if (records.length > MAX_ENTRIES) problems.push({ message: `at most ${MAX_ENTRIES} entries per file (found ${records.length})` });
  for (const { where, value } of records) {
    const parsed = faqEntrySchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ ...where, message: describe(issue) });
      continue;
    }
    const first = firstSeen.get(parsed.data.id);
    if (first) {
      const at = first.line !== undefined ? `line ${first.line}` : `entry ${first.entry}`;
      problems.push({ ...where, message: `duplicate id "${parsed.data.id}" (first at ${at})` });
      continue;
    }
    firstSeen.set(parsed.data.id, where);
    entries.push(parsed.data);
  }
  if (problems.length > 0) throw new FaqFileError(problems);
  return entries;
}

export function parseFaqJson(source: string): FaqEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(source.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const line = position ? source.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new FaqFileError([{ ...(line !== undefined ? { line } : {}), message: `not valid JSON (${message})` }]);
  }
  if (!Array.isArray(data)) throw new FaqFileError([{ message: 'expected a JSON array of FAQ entries' }]);
  return validate(data.map((value: unknown, i) => ({ where: { entry: i + 1 }, value })));
}

export function parseFaqCsv(source: string): FaqEntry[] {
  const { rows, problems } = parseCsv(source);
  if (problems.length > 0) throw new FaqFileError(problems);
  const [header, ...body] = rows;
  if (!header) throw new FaqFileError([{ message: 'empty file: expected the header id,question,variants,answer,lang' }]);
  const names = header.fields.map((f) => f.trim().toLowerCase());
  const headerProblems: FaqFileProblem[] = [];
  names.forEach((name, i) => {
    if (!(COLUMNS as readonly string[]).includes(name)) headerProblems.push({ line: header.line, message: `unknown column "${header.fields[i]}" (expected ${COLUMNS.join(',')})` });
    else if (names.indexOf(name) !== i) headerProblems.push({ line: header.line, message: `column "${name}" appears twice` });
  });
  for (const required of ['id', 'question', 'answer']) {
    if (!names.includes(required)) headerProblems.push({ line: header.line, message: `missing column "${required}"` });
  }
  if (headerProblems.length > 0) throw new FaqFileError(headerProblems);

  const records: { where: Where; value: unknown }[] = [];
  const shapeProblems: FaqFileProblem[] = [];
  for (const row of body) {
    if (row.fields.length !== names.length) {
      shapeProblems.push({ line: row.line, message: `expected ${names.length} fields, found ${row.fields.length}` });
      continue;
    }
    const value: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const cell = unneutralise(row.fields[i]!);
      if (name === 'variants') value.variants = cell.split('|').map((v) => v.trim()).filter((v) => v !== '');
      else if (name === 'lang') {
        if (cell.trim() !== '') value.lang = cell.trim().toLowerCase();
      } else value[name] = cell;
    });
    records.push({ where: { line: row.line }, value });
  }
  if (shapeProblems.length > 0) throw new FaqFileError(shapeProblems);
  return validate(records);
}

/** By file extension (.json or .csv). */
export function parseFaqByExtension(fileName: string, source: string): FaqEntry[] {
  if (/\.json$/i.test(fileName)) return parseFaqJson(source);
  if (/\.csv$/i.test(fileName)) return parseFaqCsv(source);
  throw new FaqFileError([{ message: `unsupported file type "${fileName}": use .json or .csv` }]);
}

export function toFaqJson(entries: readonly FaqEntry[]): string {
  return `${JSON.stringify(
    entries.map((e) => ({ id: e.id, question: e.question, variants: e.variants, answer: e.answer, lang: e.lang })),
    null,
    2,
  )}\n`;
}

export function toFaqCsv(entries: readonly FaqEntry[]): string {
  const problems: FaqFileProblem[] = [];
  entries.forEach((e, i) => {
    if (e.variants.some((v) => v.includes('|'))) problems.push({ entry: i + 1, message: `a variant of "${e.id}" contains "|", which separates variants in CSV` });
  });
  if (problems.length > 0) throw new FaqFileError(problems);
  const lines = [COLUMNS.join(','), ...entries.map((e) => [e.id, e.question, e.variants.join('|'), e.answer, e.lang].map(csvCell).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

function unneutralise(cell: string): string {
  return /^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}


export { neutralise };
