import { z } from 'zod';
import { storableText } from '../core/message';
import { toE164 } from './phone';

/** The limits of what an agent or an import may write on a contact (PATCH and CSV share them). */
export const LIMITS = { labels: 50, labelLength: 64, attributes: 100, attributeKey: 64, attributeText: 1000, notes: 10_000, name: 255, email: 255, phone: 32 } as const;

const text = (max: number) => z.string().overwrite(storableText).overwrite((s) => s.trim()).pipe(z.string().max(max));

export const nameField = text(LIMITS.name).pipe(z.string().min(1, 'must not be blank'));
export const phoneField = text(LIMITS.phone).refine((p) => toE164(p) !== null, 'is not a phone number');
export const emailField = text(LIMITS.email).pipe(z.string().email());
export const notesField = text(LIMITS.notes);
export const labelsField = z
  .array(text(LIMITS.labelLength).pipe(z.string().min(1, 'a label must not be blank')))
  .max(LIMITS.labels)
  .transform((labels) => [...new Set(labels)]);
export const attributeKey = z
  .string()
  .min(1)
  .max(LIMITS.attributeKey)
  .regex(/^[\p{L}\p{N}_.-]+$/u, 'letters, digits, _ . - only');
const attributeValue = z.union([text(LIMITS.attributeText), z.number().finite(), z.boolean()]);
/** Flat scalars only; null removes a key in a PATCH. */
export const attributesPatchField = z
  .record(attributeKey, attributeValue.nullable())
  .refine((a) => Object.keys(a).length <= LIMITS.attributes, `at most ${LIMITS.attributes} attributes`);
export const avatarUrlField = z
  .string()
  .max(2000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
