import type { ContactRow, ContactsTable } from '../store/schema';
import type { Updateable } from 'kysely';
import { toE164 } from './phone';

export interface GivenProfile {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  avatarUrl?: string | null;
}

export interface ProfilePatch {
  /** The columns to set (empty: nothing changes). */
  set: Updateable<ContactsTable>;
  /** A phone or e-mail became verified that was not before: the moment auto-merge looks for twins. */
  newlyVerified: boolean;
}

/**
 * What a profile from some source changes on a contact, keeping `phone_e164` and the
 * verified flags true to the values stored:
 * - `verified`: the source vouches for the phone / e-mail (the platform gave it) — a widget
 *   form or an import does not;
 * - `overwrite`: given values replace stored ones (a form the contact just filled in);
 *   otherwise they only fill blanks (what a channel knows on first sight).
 * A value replaced by a different number / address loses its verification unless the source
 * vouches for the new one; the same number written differently keeps it.
 */
export function profilePatch(current: ContactRow, given: GivenProfile, options: { verified: boolean; overwrite: boolean }): ProfilePatch {
  const set: Updateable<ContactsTable> = {};
  let newlyVerified = false;
  const takes = (stored: string | null, value: string | null | undefined): value is string => Boolean(value) && (options.overwrite || !stored);
  if (takes(current.name, given.name)) set.name = given.name;
  if (takes(current.avatar_url, given.avatarUrl)) set.avatar_url = given.avatarUrl;
  if (takes(current.phone, given.phone)) {
    const e164 = toE164(given.phone);
    const same = e164 !== null ? e164 === current.phone_e164 : given.phone.trim() === current.phone?.trim();
    const verified = options.verified || (same && current.phone_verified);
    set.phone = given.phone;
    set.phone_e164 = e164;
    set.phone_verified = verified;
    newlyVerified ||= verified && !current.phone_verified;
  }
  if (takes(current.email, given.email)) {
    const same = given.email.trim().toLowerCase() === current.email?.trim().toLowerCase();
    const verified = options.verified || (same && current.email_verified);
    set.email = given.email;
    set.email_verified = verified;
    newlyVerified ||= verified && !current.email_verified;
  }
  return { set, newlyVerified };
}
