import { z } from 'zod';
import type { WidgetInboxInfo, WidgetLang } from './protocol';

const mode = z.enum(['off', 'optional', 'required']).default('off');

/** The widget's part of an inbox's settings (stored as JSON on the inbox). */
export const widgetSettingsSchema = z.object({
  greeting: z.string().max(500).nullable().default(null),
  lang: z.enum(['vi', 'en']).default('vi'),
  prechat: z.object({ name: mode, phone: mode, email: mode }).default({ name: 'off', phone: 'off', email: 'off' }),
  /** Secret for identity verification of the host site's logged-in users (HMAC of their id). */
  identitySecret: z.string().min(16).optional(),
  /** Origins allowed to embed the widget; empty = any. */
  allowedOrigins: z.array(z.string()).default([]),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

export function widgetSettings(raw: Record<string, unknown>): WidgetSettings {
  const parsed = widgetSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : widgetSettingsSchema.parse({});
}

export function inboxInfo(name: string, settings: WidgetSettings, agentsOnline: boolean, lang?: WidgetLang): WidgetInboxInfo {
  return { name, greeting: settings.greeting, lang: lang ?? settings.lang, prechat: settings.prechat, agentsOnline };
}

export function originAllowed(settings: WidgetSettings, origin: string | undefined): boolean {
  if (settings.allowedOrigins.length === 0 || !origin) return true;
  return settings.allowedOrigins.includes(origin);
}
