import type { Db } from '../unit-of-work';
import type { ContactRow } from '../schema';
import type { ContactProfile } from '../../core/message';

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
  const patch: Partial<Record<'name' | 'phone' | 'email' | 'avatar_url', string>> = {};
  if (!contact.name && profile.name) patch.name = profile.name;
  if (!contact.phone && profile.phone) patch.phone = profile.phone;
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
