import { keepPlan } from '../prepared-pool';
import type { Db } from '../unit-of-work';
import type { ContactRow, ConversationRow } from '../schema';
import type { ContactProfile } from '../../core/message';
import { toE164 } from '../../contacts/phone';

export interface IdentityKey {
  channel: string;
  accountId: string;
  externalId: string;
}

/**
 * The contact behind a channel identity, created on first sight. Race-safe: the
 * identity's unique key decides, and a loser of the race reads the winner's row.
 */
export async function findOrCreateContact(
  db: Db,
  key: IdentityKey,
  profile: ContactProfile | undefined,
  now: Date,
): Promise<{ contact: ContactRow; created: boolean }> {
  const existing = await findContactByIdentity(db, key);
  if (existing) return { contact: await fillMissingProfile(db, existing, profile, now), created: false };
  const contact = await db
    .insertInto('contacts')
    .values({
      name: profile?.name ?? null,
      phone: profile?.phone ?? null,
      email: profile?.email ?? null,
      avatar_url: profile?.avatarUrl ?? null,
      phone_e164: toE164(profile?.phone),
      attributes: '{}',
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const identity = await db
    .insertInto('contact_identities')
    .values({ contact_id: contact.id, channel: key.channel, account_id: key.accountId, external_id: key.externalId })
    .onConflict((oc) => oc.columns(['channel', 'account_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (identity) return { contact, created: true };
  await db.deleteFrom('contacts').where('id', '=', contact.id).execute();
  const winner = await findContactByIdentity(db, key);
  if (!winner) throw new Error('contact identity vanished during creation');
  return { contact: winner, created: false };
}

export async function findContactByIdentity(db: Db, key: IdentityKey): Promise<ContactRow | undefined> {
  return db
    .selectFrom('contacts')
    .innerJoin('contact_identities as ci', 'ci.contact_id', 'contacts.id')
    .selectAll('contacts')
    .where('ci.channel', '=', key.channel)
    .where('ci.account_id', '=', key.accountId)
    .where('ci.external_id', '=', key.externalId)
    .executeTakeFirst();
}

/** A channel's profile fills blanks; it never overwrites what an agent or the contact entered. */
async function fillMissingProfile(db: Db, contact: ContactRow, profile: ContactProfile | undefined, now: Date): Promise<ContactRow> {
  if (!profile) return contact;
  const patch: Partial<Record<'name' | 'phone' | 'phone_e164' | 'email' | 'avatar_url', string | null>> = {};
  if (!contact.name && profile.name) patch.name = profile.name;
  if (!contact.phone && profile.phone) {
    patch.phone = profile.phone;
    patch.phone_e164 = toE164(profile.phone);
  }
  if (!contact.email && profile.email) patch.email = profile.email;
  if (!contact.avatar_url && profile.avatarUrl) patch.avatar_url = profile.avatarUrl;
  if (Object.keys(patch).length === 0) return contact;
  return db
    .updateTable('contacts')
    .set({ ...patch, updated_at: now })
    .where('id', '=', contact.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A contact's side of an inbound message: who, by which identity, and their latest conversation in the inbox. */
export interface InboundParty {
  contact: ContactRow;
  identityId: number;
  /** The identity's latest conversation in this inbox, locked FOR UPDATE; undefined if none. */
  latest: ConversationRow | undefined;
}

/**
 * The contact behind an identity and that identity's latest conversation in the inbox, in
 * one statement (every round trip is part of a message's time to reach the agents); the
 * contact and identity are created on first sight (race-safe as `findOrCreateContact`).
 */
export async function findInboundParty(db: Db, key: IdentityKey, inboxId: number, profile: ContactProfile | undefined, now: Date): Promise<InboundParty> {
  const row = await db
    .selectFrom('contact_identities as ci')
    .innerJoin('contacts as ct', 'ct.id', 'ci.contact_id')
    .leftJoinLateral(
      (eb) => eb.selectFrom('conversations').selectAll().where('identity_id', '=', eb.ref('ci.id')).where('inbox_id', '=', inboxId).orderBy('id', 'desc').limit(1).forUpdate().as('cv'),
      (join) => join.onTrue(),
    )
    .select('ci.id as party_identity_id')
    .select(['ct.id as ct_id', 'ct.name as ct_name', 'ct.phone as ct_phone', 'ct.phone_e164 as ct_phone_e164', 'ct.email as ct_email', 'ct.avatar_url as ct_avatar_url', 'ct.attributes as ct_attributes', 'ct.created_at as ct_created_at', 'ct.updated_at as ct_updated_at', 'ct.phone_verified as ct_phone_verified', 'ct.email_verified as ct_email_verified', 'ct.notes as ct_notes', 'ct.labels as ct_labels', 'ct.merged_into_id as ct_merged_into_id'])
    .selectAll('cv')
    .where('ci.channel', '=', key.channel)
    .where('ci.account_id', '=', key.accountId)
    .where('ci.external_id', '=', key.externalId)
    .modifyEnd(keepPlan())
    .executeTakeFirst();
  if (!row) {
    const { contact } = await findOrCreateContact(db, key, profile, now);
    const identity = await db.selectFrom('contact_identities').select('id').where('channel', '=', key.channel).where('account_id', '=', key.accountId).where('external_id', '=', key.externalId).executeTakeFirstOrThrow();
    return { contact, identityId: identity.id, latest: undefined };
  }
  const { party_identity_id: identityId, ct_id, ct_name, ct_phone, ct_phone_e164, ct_email, ct_avatar_url, ct_attributes, ct_created_at, ct_updated_at, ct_phone_verified, ct_email_verified, ct_notes, ct_labels, ct_merged_into_id, ...conversation } = row;
  const stored: ContactRow = {
    id: ct_id, name: ct_name, phone: ct_phone, phone_e164: ct_phone_e164, email: ct_email, avatar_url: ct_avatar_url,
    attributes: ct_attributes, created_at: ct_created_at, updated_at: ct_updated_at, phone_verified: ct_phone_verified,
    email_verified: ct_email_verified, notes: ct_notes, labels: ct_labels, merged_into_id: ct_merged_into_id,
  };
  const contact = await fillMissingProfile(db, stored, profile, now);
  // The lateral join gives a row of nulls when the identity has no conversation in this inbox yet.
  const latest = conversation.id === null ? undefined : (conversation as ConversationRow);
  return { contact, identityId, latest };
}
