import { z } from 'zod';
import type { Updateable } from 'kysely';
import { GatewayError } from '../core/errors';
import { toJson } from '../store/json';
import type { Db } from '../store/unit-of-work';
import type { ContactsTable } from '../store/schema';
import { autoMergeContact } from './auto-merge';
import { attributesPatchField, avatarUrlField, emailField, labelsField, LIMITS, nameField, notesField, phoneField } from './contact-fields';
import { toE164 } from './phone';

export const contactPatchSchema = z
  .object({
    name: nameField.nullable(),
    phone: phoneField.nullable(),
    email: emailField.nullable(),
    phoneVerified: z.boolean(),
    emailVerified: z.boolean(),
    notes: notesField.nullable(),
    labels: labelsField,
    /** Merged into the stored ones: a key set to null is removed. */
    attributes: attributesPatchField,
    avatarUrl: avatarUrlField.nullable(),
  })
  .partial()
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type ContactPatch = z.infer<typeof contactPatchSchema>;

/**
 * An agent's edit of a contact, under its row lock. A new phone is normalised (`phone_e164`)
 * and is verified only if the agent says so (or it is the verified number written another
 * way); the same for the e-mail. Verifying a value may merge twins (`contacts.autoMerge`).
 */
export async function editContact(db: Db, id: number, patch: ContactPatch, now: Date): Promise<void> {
  const current = await db.selectFrom('contacts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new GatewayError('GW_ERR_NOT_FOUND', 'contact not found');
  if (current.merged_into_id !== null) throw new GatewayError('GW_ERR_VALIDATION', `this contact was merged into contact ${current.merged_into_id}: edit that one`);
  const set: Updateable<ContactsTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.notes !== undefined) set.notes = patch.notes || null;
  if (patch.avatarUrl !== undefined) set.avatar_url = patch.avatarUrl;
  if (patch.labels !== undefined) set.labels = toJson(patch.labels);
  if (patch.attributes !== undefined) {
    const attributes: Record<string, unknown> = { ...current.attributes };
    for (const [k, v] of Object.entries(patch.attributes)) {
      if (v === null) delete attributes[k];
      else attributes[k] = v;
    }
    if (Object.keys(attributes).length > LIMITS.attributes) throw new GatewayError('GW_ERR_VALIDATION', `attributes: at most ${LIMITS.attributes}`);
    set.attributes = toJson(attributes);
  }

  let phoneVerified = current.phone_verified;
  let phone = current.phone;
  if (patch.phone !== undefined) {
    const e164 = patch.phone === null ? null : toE164(patch.phone);
    phoneVerified = e164 !== null && e164 === current.phone_e164 && current.phone_verified;
    phone = patch.phone;
    Object.assign(set, { phone, phone_e164: e164 });
  }
  if (patch.phoneVerified !== undefined) phoneVerified = patch.phoneVerified;
  if (phoneVerified && !phone) throw new GatewayError('GW_ERR_VALIDATION', 'phoneVerified: the contact has no phone to verify');
  set.phone_verified = phoneVerified;

  let emailVerified = current.email_verified;
  let email = current.email;
  if (patch.email !== undefined) {
    emailVerified = patch.email !== null && patch.email.toLowerCase() === current.email?.toLowerCase() && current.email_verified;
    email = patch.email;
    set.email = email;
  }
  if (patch.emailVerified !== undefined) emailVerified = patch.emailVerified;
  if (emailVerified && !email) throw new GatewayError('GW_ERR_VALIDATION', 'emailVerified: the contact has no e-mail to verify');
  set.email_verified = emailVerified;

  await db.updateTable('contacts').set({ ...set, updated_at: now }).where('id', '=', id).execute();
  const newlyVerified = (phoneVerified && (!current.phone_verified || set.phone_e164 !== undefined)) || (emailVerified && (!current.email_verified || set.email !== undefined));
  if (newlyVerified) await autoMergeContact(db, id, now);
}
