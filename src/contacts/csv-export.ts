import { sql } from 'kysely';
import { csvLine } from '../core/csv';
import type { Db } from '../store/unit-of-work';
import { contactViews } from './contact-view';

const BATCH = 1000;

/**
 * Every contact that is not merged, as CSV (`core/csv.ts`: a cell a spreadsheet would run as
 * a formula gets a leading apostrophe): `id, name, phone, email, labels` (`;`-separated),
 * `channels, notes, last_activity_at`, then one `attr.<key>` column per attribute key in use.
 * The same columns import back (`csv-import.ts` ignores the read-only ones).
 */
export async function* exportContactsCsv(db: Db): AsyncGenerator<string> {
  const keys = await sql<{ key: string }>`select distinct jsonb_object_keys(attributes) as key from contacts where merged_into_id is null`.execute(db);
  // Code-point order, the same on every database whatever its collation.
  const attrKeys = keys.rows.map((k) => k.key).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  yield `\uFEFF${csvLine(['id', 'name', 'phone', 'email', 'labels', 'channels', 'notes', 'last_activity_at', ...attrKeys.map((k) => `attr.${k}`)])}\r\n`;
  for (let after = 0; ; ) {
    const ids = await db.selectFrom('contacts').select('id').where('merged_into_id', 'is', null).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    if (ids.length === 0) return;
    const views = await contactViews(db, ids.map((r) => r.id));
    yield views
      .map((c) => `${csvLine([c.id, c.name, c.phone, c.email, c.labels.join(';'), c.channels.join(';'), c.notes, c.lastActivityAt, ...attrKeys.map((k) => c.attributes[k])])}\r\n`)
      .join('');
    after = ids[ids.length - 1]!.id;
  }
}
