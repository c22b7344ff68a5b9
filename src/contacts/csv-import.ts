import { sql } from 'kysely';
import type { z } from 'zod';
import { FORMULA_START } from '../core/csv';
import { storableText } from '../core/message';
import { GatewayError } from '../core/errors';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import { attributeKey, emailField, LIMITS, nameField, notesField, phoneField, labelsField } from './contact-fields';
import { CsvSyntaxError, parseCsv } from './csv-parse';
import { profilePatch } from './profile-update';
import { toE164 } from './phone';

export const IMPORT_MAX_ROWS = 10_000;
/** The export's read-only columns: a file exported here imports back unchanged. */
const IGNORED = new Set(['id', 'channels', 'last_activity_at']);
const FIELDS = new Set(['name', 'phone', 'email', 'labels', 'notes']);

export interface ImportReport {
  created: number;
  updated: number;
  rejected: { line: number; reason: string }[];
}

interface Row {
  name?: string;
  phone?: string;
  email?: string;
  labels?: string[];
  notes?: string;
  attributes: Record<string, string>;
}

/**
 * Contacts from a CSV file (header row; `name, phone, email, labels` (`;`-separated),
 * `notes`, `attr.<key>`). A row whose phone (E.164) or e-mail (case-insensitive) matches a
 * contact updates it — values given replace, labels are added, attributes set — otherwise it
 * creates one. Each row is checked whole and stored in a transaction of its own: a row is
 * taken entirely or rejected with its line and reason, never half. Imported phones and
 * e-mails are not verified (nobody vouched for them), so they suggest no merge.
 */
export async function importContactsCsv(db: Db, text: string, now: Date): Promise<ImportReport> {
  let records;
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new GatewayError('GW_ERR_VALIDATION', `CSV: ${err.message}`);
    throw err;
  }
  const [header, ...rows] = records;
  if (!header) throw new GatewayError('GW_ERR_VALIDATION', 'CSV: empty file (a header row is needed)');
  if (rows.length > IMPORT_MAX_ROWS) throw new GatewayError('GW_ERR_VALIDATION', `CSV: ${rows.length} rows; at most ${IMPORT_MAX_ROWS} per import`);
  // Column names are case-insensitive; attribute keys keep their case.
  const columns = header.fields.map((f) => (/^attr\./i.test(f.trim()) ? `attr.${f.trim().slice(5)}` : f.trim().toLowerCase()));
  const problems = columns.flatMap((c, i) => {
    if (columns.indexOf(c) !== i) return [`column "${c}" appears twice`];
    if (FIELDS.has(c) || IGNORED.has(c)) return [];
    if (c.startsWith('attr.')) return attributeKey.safeParse(c.slice(5)).success ? [] : [`column "${c}": not a usable attribute name`];
    return [`unknown column "${c}" (name, phone, email, labels, notes, attr.<key>)`];
  });
  if (!columns.some((c) => c === 'name' || c === 'phone' || c === 'email')) problems.push('a name, phone or email column is needed');
  if (problems.length > 0) throw new GatewayError('GW_ERR_VALIDATION', `CSV header: ${problems.join('; ')}`);

  const report: ImportReport = { created: 0, updated: 0, rejected: [] };
  for (const record of rows) {
    const parsed = readRow(columns, record.fields);
    if (typeof parsed === 'string') {
      report.rejected.push({ line: record.line, reason: parsed });
      continue;
    }
    try {
      const outcome = await db.transaction().execute((trx) => storeRow(trx, parsed, now));
      if (typeof outcome === 'string') report.rejected.push({ line: record.line, reason: outcome });
      else report[outcome.created ? 'created' : 'updated']++;
    } catch (err) {
      // The database refused the row (a value it cannot store): rolled back, reported.
      report.rejected.push({ line: record.line, reason: `could not be stored (${(err as { code?: string }).code ?? 'error'})` });
    }
  }
  return report;
}

/** One row checked whole: the values, or why it is rejected. */
function readRow(columns: string[], fields: string[]): Row | string {
  if (fields.length !== columns.length) return `${fields.length} fields where the header has ${columns.length}`;
  const row: Row = { attributes: {} };
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = unneutralise(fields[i]!).trim();
    if (value === '' || IGNORED.has(column)) continue;
    const check = (schema: z.ZodType): unknown => {
      const r = schema.safeParse(column === 'labels' ? value.split(';').map((l) => l.trim()).filter(Boolean) : value);
      if (!r.success) throw new Error(`${column}: ${r.error.issues[0]?.message ?? 'invalid'}`);
      return r.data;
    };
    try {
      if (column === 'name') row.name = check(nameField) as string;
      else if (column === 'phone') row.phone = check(phoneField) as string;
      else if (column === 'email') row.email = check(emailField) as string;
      else if (column === 'notes') row.notes = check(notesField) as string;
      else if (column === 'labels') row.labels = check(labelsField) as string[];
      else if (value.length > LIMITS.attributeText) return `${column}: longer than ${LIMITS.attributeText} characters`;
      else row.attributes[column.slice(5)] = storableText(value);
    } catch (err) {
      return (err as Error).message;
    }
  }
  if (!row.name && !row.phone && !row.email) return 'no name, phone or e-mail';
  return row;
}

/** Our export puts an apostrophe before text a spreadsheet would run as a formula; exactly one is taken off again. */
function unneutralise(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

async function storeRow(db: Db, row: Row, now: Date): Promise<{ created: boolean } | string> {
  const e164 = row.phone ? toE164(row.phone) : null;
  const matches = await db
    .selectFrom('contacts')
    .selectAll()
    .where('merged_into_id', 'is', null)
    .where((eb) => eb.or([...(e164 ? [eb('phone_e164', '=', e164)] : []), ...(row.email ? [eb(sql`lower(email)`, '=', row.email.toLowerCase())] : [])]))
    .orderBy('id')
    .forUpdate()
    .execute();
  if (matches.length > 1) return `matches several contacts (${matches.map((m) => m.id).join(', ')}): merge them first or edit them one by one`;
  const existing = matches[0];
  if (!existing) {
    await db
      .insertInto('contacts')
      .values({
        name: row.name ?? null,
        phone: row.phone ?? null,
        phone_e164: e164,
        email: row.email ?? null,
        notes: row.notes ?? null,
        labels: toJson(row.labels ?? []),
        attributes: toJson(row.attributes),
        updated_at: now,
      })
      .execute();
    return { created: true };
  }
  const labels = [...new Set([...(existing.labels ?? []), ...(row.labels ?? [])])];
  if (labels.length > LIMITS.labels) return `labels: contact ${existing.id} would have more than ${LIMITS.labels}`;
  const { set } = profilePatch(existing, { name: row.name, phone: row.phone, email: row.email }, { verified: false, overwrite: true });
  await db
    .updateTable('contacts')
    .set({
      ...set,
      ...(row.notes ? { notes: row.notes } : {}),
      labels: toJson(labels),
      attributes: toJson({ ...(existing.attributes ?? {}), ...row.attributes }),
      updated_at: now,
    })
    .where('id', '=', existing.id)
    .execute();
  return { created: false };
}
