import type { Db } from '../../src/store/unit-of-work';
import type { FaqEntryRow } from '../../src/store/schema';
import { toJson } from '../../src/store/json';
import type { StoredFaqEntry } from './faq-bot';

/** The FAQ knowledge base in the database (`faq_entries`): per inbox, or shared (inbox_id null). */
export function toEntry(row: FaqEntryRow): StoredFaqEntry {
  return {
    id: row.id,
    question: row.question,
    variants: Array.isArray(row.variants) ? row.variants.map(String) : [],
    answer: row.answer,
    lang: row.lang === 'en' ? 'en' : 'vi',
    inboxId: row.inbox_id,
  };
}

/** What the bot of one inbox may answer from: its own entries and the shared ones. */
export async function entriesForInbox(db: Db, inboxId: number): Promise<StoredFaqEntry[]> {
  const rows = await db
    .selectFrom('faq_entries')
    .selectAll()
    .where((eb) => eb.or([eb('inbox_id', 'is', null), eb('inbox_id', '=', inboxId)]))
    .orderBy('id')
    .execute();
  return rows.map(toEntry);
}

/** Every entry, or (`inboxIds` given) those for every inbox plus those of these inboxes. */
export async function allEntries(db: Db, inboxIds: readonly number[] | null = null): Promise<StoredFaqEntry[]> {
  let q = db.selectFrom('faq_entries').selectAll();
  if (inboxIds) q = q.where((eb) => eb.or([eb('inbox_id', 'is', null), ...(inboxIds.length > 0 ? [eb('inbox_id', 'in', inboxIds)] : [])]));
  return (await q.orderBy('id').execute()).map(toEntry);
}

export async function upsertEntry(db: Db, e: StoredFaqEntry, now = new Date()): Promise<StoredFaqEntry> {
  const values = { question: e.question, variants: toJson(e.variants), answer: e.answer, lang: e.lang, inbox_id: e.inboxId, updated_at: now };
  const row = await db
    .insertInto('faq_entries')
    .values({ id: e.id, ...values })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toEntry(row);
}

/** Replace-or-add many entries in one transaction: all or nothing. */
export async function importEntries(db: Db, entries: readonly StoredFaqEntry[]): Promise<number> {
  await db.transaction().execute(async (trx) => {
    for (const e of entries) await upsertEntry(trx, e);
  });
  return entries.length;
}
