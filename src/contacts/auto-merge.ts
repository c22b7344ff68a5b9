import type { Db } from '../store/unit-of-work';
import { autoMergeEnabled } from './contact-settings';
import { mergeContacts, type ContactMergeRow } from './merge';
import { suggestionsFor } from './merge-suggestions';

/**
 * The inbox setting `contacts.autoMerge`: called, inside the transaction that just gave
 * `contactId` a verified phone or e-mail, it merges the contacts sharing a verified value
 * with it when an inbox serving one of its identities has the setting on. The oldest
 * contact survives (the established record); every merge is logged with reason `auto` and
 * can be undone like any other.
 */
export async function autoMergeContact(db: Db, contactId: number, now: Date): Promise<ContactMergeRow[]> {
  const inboxes = await db
    .selectFrom('contact_identities as ci')
    .innerJoin('inboxes as i', (j) => j.onRef('i.channel', '=', 'ci.channel').onRef('i.account_id', '=', 'ci.account_id'))
    .select('i.settings')
    .where('ci.contact_id', '=', contactId)
    .execute();
  if (!inboxes.some((i) => autoMergeEnabled(i.settings))) return [];
  const twins = await suggestionsFor(db, contactId, null);
  if (twins.length === 0) return [];
  const [survivor, ...others] = [contactId, ...twins.map((t) => t.contactId)].sort((a, b) => a - b);
  const merges: ContactMergeRow[] = [];
  for (const other of others) merges.push(await mergeContacts(db, survivor!, other, { reason: 'auto', agentId: null, now }));
  return merges;
}
