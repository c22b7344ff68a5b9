import type { Updateable } from 'kysely';
import { GatewayError } from '../core/errors';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import type { ContactRow, ContactsTable, Database } from '../store/schema';
import type { Selectable } from 'kysely';

export type ContactMergeRow = Selectable<Database['contact_merges']>;

export interface MergeBy {
  reason: 'agent' | 'auto';
  agentId: number | null;
  now: Date;
}

/** The profile columns a merge changes and an undo puts back (never `merged_into_id` of the survivor: a later merge of its own owns that). */
const PROFILE = ['name', 'phone', 'phone_e164', 'phone_verified', 'email', 'email_verified', 'avatar_url', 'notes', 'labels', 'attributes'] as const;
type Profile = Pick<ContactRow, (typeof PROFILE)[number]>;

/**
 * Merge contact `mergedId` into `survivorId`, inside the caller's transaction, both rows
 * locked (in id order, so two merges of the same pair cannot deadlock): the survivor takes
 * every identity and conversation of the other (a conversation keeps its `identity_id`, so
 * each identity goes on in its own conversation and replies still reach it), its blank
 * profile fields are filled from the other's, labels are united and attributes combined
 * with the survivor's winning. The other row stays with `merged_into_id` set, and
 * `contact_merges` records what moved and both profiles before, for `undoMerge`.
 */
export async function mergeContacts(db: Db, survivorId: number, mergedId: number, by: MergeBy): Promise<ContactMergeRow> {
  if (survivorId === mergedId) throw new GatewayError('GW_ERR_VALIDATION', 'a contact cannot be merged into itself');
  const [survivor, merged] = await lockPair(db, survivorId, mergedId);
  if (survivor.merged_into_id !== null) throw new GatewayError('GW_ERR_VALIDATION', `contact ${survivor.id} was merged into contact ${survivor.merged_into_id}: merge into that one`);
  if (merged.merged_into_id !== null) throw new GatewayError('GW_ERR_VALIDATION', `contact ${merged.id} is already merged into contact ${merged.merged_into_id}`);

  const identities = await db.updateTable('contact_identities').set({ contact_id: survivor.id }).where('contact_id', '=', merged.id).returning('id').execute();
  const conversations = await db.updateTable('conversations').set({ contact_id: survivor.id }).where('contact_id', '=', merged.id).returning('id').execute();
  await db.updateTable('contacts').set({ ...combined(survivor, merged), updated_at: by.now }).where('id', '=', survivor.id).execute();
  await db.updateTable('contacts').set({ merged_into_id: survivor.id, updated_at: by.now }).where('id', '=', merged.id).execute();
  return db
    .insertInto('contact_merges')
    .values({
      survivor_id: survivor.id,
      merged_id: merged.id,
      identity_ids: toJson(identities.map((i) => i.id).sort((a, b) => a - b)),
      conversation_ids: toJson(conversations.map((c) => c.id).sort((a, b) => a - b)),
      survivor_before: toJson(profileOf(survivor)),
      merged_before: toJson(profileOf(merged)),
      reason: by.reason,
      agent_id: by.agentId,
      created_at: by.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Undo a merge exactly: the merged contact gets back its identities, the conversations it
 * had (and any its identities started since, which are theirs) and its profile; the survivor
 * gets its profile of before the merge. Merges are undone newest first: while a later merge
 * involving either contact stands, this one is a conflict (undo that one first), as is an
 * undo of an undone merge.
 */
export async function undoMerge(db: Db, mergeId: number, by: { agentId: number | null; now: Date }): Promise<ContactMergeRow> {
  const merge = await db.selectFrom('contact_merges').selectAll().where('id', '=', mergeId).forUpdate().executeTakeFirst();
  if (!merge) throw new GatewayError('GW_ERR_NOT_FOUND', 'merge not found');
  if (merge.undone_at !== null) throw new GatewayError('GW_ERR_CONFLICT', 'this merge was already undone');
  await lockPair(db, merge.survivor_id, merge.merged_id);
  const later = await db
    .selectFrom('contact_merges')
    .select('id')
    .where('id', '>', merge.id)
    .where('undone_at', 'is', null)
    .where((eb) => eb.or([eb('survivor_id', 'in', [merge.survivor_id, merge.merged_id]), eb('merged_id', 'in', [merge.survivor_id, merge.merged_id])]))
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (later) throw new GatewayError('GW_ERR_CONFLICT', `a later merge (${later.id}) involves these contacts: undo it first`);

  const identityIds = merge.identity_ids;
  if (identityIds.length > 0) await db.updateTable('contact_identities').set({ contact_id: merge.merged_id }).where('id', 'in', identityIds).execute();
  await db
    .updateTable('conversations')
    .set({ contact_id: merge.merged_id })
    .where('contact_id', '=', merge.survivor_id)
    .where((eb) => eb.or([eb('id', 'in', [0, ...merge.conversation_ids]), ...(identityIds.length > 0 ? [eb('identity_id', 'in', identityIds)] : [])]))
    .execute();
  await db.updateTable('contacts').set({ ...profileColumns(merge.survivor_before), updated_at: by.now }).where('id', '=', merge.survivor_id).execute();
  await db.updateTable('contacts').set({ ...profileColumns(merge.merged_before), merged_into_id: null, updated_at: by.now }).where('id', '=', merge.merged_id).execute();
  return db.updateTable('contact_merges').set({ undone_at: by.now, undone_by: by.agentId }).where('id', '=', merge.id).returningAll().executeTakeFirstOrThrow();
}

async function lockPair(db: Db, a: number, b: number): Promise<[ContactRow, ContactRow]> {
  const rows = await db.selectFrom('contacts').selectAll().where('id', 'in', [a, b]).orderBy('id').forUpdate().execute();
  const first = rows.find((r) => r.id === a);
  const second = rows.find((r) => r.id === b);
  if (!first || !second) throw new GatewayError('GW_ERR_NOT_FOUND', 'contact not found');
  return [first, second];
}

/** The survivor's profile after taking in the other: its own values first, the other's in its blanks. */
function combined(survivor: ContactRow, other: ContactRow): Updateable<ContactsTable> {
  const set: Updateable<ContactsTable> = {};
  if (!survivor.name && other.name) set.name = other.name;
  if (!survivor.avatar_url && other.avatar_url) set.avatar_url = other.avatar_url;
  if (!survivor.notes && other.notes) set.notes = other.notes;
  if (!survivor.phone && other.phone) Object.assign(set, { phone: other.phone, phone_e164: other.phone_e164, phone_verified: other.phone_verified });
  else if (survivor.phone_e164 !== null && survivor.phone_e164 === other.phone_e164 && other.phone_verified) set.phone_verified = true;
  if (!survivor.email && other.email) Object.assign(set, { email: other.email, email_verified: other.email_verified });
  else if (survivor.email && survivor.email.toLowerCase() === other.email?.toLowerCase() && other.email_verified) set.email_verified = true;
  set.labels = toJson([...new Set([...(survivor.labels ?? []), ...(other.labels ?? [])])]);
  set.attributes = toJson({ ...(other.attributes ?? {}), ...(survivor.attributes ?? {}) });
  return set;
}

function profileOf(c: ContactRow): Profile {
  return Object.fromEntries(PROFILE.map((k) => [k, c[k]])) as Profile;
}

function profileColumns(saved: Record<string, unknown>): Updateable<ContactsTable> {
  const p = saved as Profile;
  return {
    name: p.name ?? null,
    phone: p.phone ?? null,
    phone_e164: p.phone_e164 ?? null,
    phone_verified: p.phone_verified === true,
    email: p.email ?? null,
    email_verified: p.email_verified === true,
    avatar_url: p.avatar_url ?? null,
    notes: p.notes ?? null,
    labels: toJson(Array.isArray(p.labels) ? p.labels : []),
    attributes: toJson(p.attributes ?? {}),
  };
}
