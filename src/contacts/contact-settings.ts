import { z } from 'zod';

/**
 * The contacts part of an inbox's settings (`inboxes.settings.contacts`):
 *   { "contacts": { "autoMerge": true } }
 * - `autoMerge` (default off): a contact of this inbox who gets a verified phone or e-mail that
 *   another contact has verified is merged with it at once (`reason: 'auto'`, reversible).
 */
export const contactSettingsSchema = z.object({ autoMerge: z.boolean().default(false) });

export function autoMergeEnabled(inboxSettings: Record<string, unknown> | null | undefined): boolean {
  const parsed = contactSettingsSchema.safeParse(inboxSettings?.contacts ?? {});
  return parsed.success && parsed.data.autoMerge;
}

/** What is wrong with `settings.contacts`, for an API that refuses bad settings (null: fine or absent). */
export function contactSettingsProblem(inboxSettings: Record<string, unknown>): string | null {
  if (inboxSettings.contacts === undefined) return null;
  const parsed = contactSettingsSchema.strict().safeParse(inboxSettings.contacts);
  return parsed.success ? null : `contacts: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
}
