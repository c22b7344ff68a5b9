import type { Db } from '../store/unit-of-work';
import type { ContactRow } from '../store/schema';

export type ContactChannel = 'widget' | 'messenger' | 'zalo';

/** A contact as every contacts, segments and campaigns route returns it (docs/contacts-campaigns-api.md). */
export interface ContactView {
  id: number;
  name: string | null;
  phone: string | null;
  phoneE164: string | null;
  phoneVerified: boolean;
  email: string | null;
  emailVerified: boolean;
  avatarUrl: string | null;
  notes: string | null;
  labels: string[];
  attributes: Record<string, string | number | boolean>;
  channels: ContactChannel[];
  lastActivityAt: string | null;
  createdAt: string;
  mergedIntoId: number | null;
}

/**
 * The views of these contacts, in the order of `ids` (missing ids left out): the channels of
 * their identities and their last activity — the newest `last_message_at` of their
 * conversations, not stored on the contact — in two grouped queries.
 */
export async function contactViews(db: Db, ids: readonly number[]): Promise<ContactView[]> {
  if (ids.length === 0) return [];
  const unique = [...new Set(ids)];
  const [rows, channels, activity] = await Promise.all([
    db.selectFrom('contacts').selectAll().where('id', 'in', unique).execute(),
    db.selectFrom('contact_identities').select(['contact_id', 'channel']).distinct().where('contact_id', 'in', unique).orderBy('channel').execute(),
    db.selectFrom('conversations').select((eb) => ['contact_id', eb.fn.max('last_message_at').as('last')]).where('contact_id', 'in', unique).groupBy('contact_id').execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const channelsOf = new Map<number, ContactChannel[]>();
  for (const c of channels) channelsOf.set(c.contact_id, [...(channelsOf.get(c.contact_id) ?? []), c.channel as ContactChannel]);
  const lastOf = new Map(activity.map((a) => [a.contact_id, a.last as Date | null]));
  return unique.flatMap((id) => {
    const row = byId.get(id);
    return row ? [toContactView(row, channelsOf.get(id) ?? [], lastOf.get(id) ?? null)] : [];
  });
}

export async function contactView(db: Db, id: number): Promise<ContactView | undefined> {
  return (await contactViews(db, [id]))[0];
}

export function toContactView(row: ContactRow, channels: ContactChannel[], lastActivityAt: Date | string | null): ContactView {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    phoneE164: row.phone_e164,
    phoneVerified: row.phone_verified,
    email: row.email,
    emailVerified: row.email_verified,
    avatarUrl: row.avatar_url,
    notes: row.notes,
    labels: Array.isArray(row.labels) ? row.labels : [],
    attributes: scalarAttributes(row.attributes),
    channels,
    lastActivityAt: lastActivityAt === null ? null : new Date(lastActivityAt).toISOString(),
    createdAt: row.created_at.toISOString(),
    mergedIntoId: row.merged_into_id,
  };
}

/** Attributes are flat scalars; anything else a channel stored long ago is left out of the view. */
function scalarAttributes(attributes: Record<string, unknown> | null): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attributes ?? {})) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}
