import { z } from 'zod';
import { allowedOriginsSchema, originInList } from '../../src/server/allowed-origins';
import type { WidgetInboxInfo, WidgetLang } from './protocol';

const mode = z.enum(['off', 'optional', 'required']).catch('off').default('off');

/**
 * The widget's part of an inbox's settings (stored as JSON on the inbox, checked by the
 * admin API on write). Read leniently where a bad value only costs looks (greeting,
 * language, pre-chat fall back to their defaults) and strictly where it is about who may
 * do what: a malformed `allowedOrigins` refuses every browser instead of allowing any
 * site, and a malformed `identitySecret` counts as none (identified sessions refused).
 */
export const widgetSettingsSchema = z.object({
  greeting: z.string().max(500).nullable().catch(null).default(null),
  lang: z.enum(['vi', 'en']).catch('vi').default('vi'),
  prechat: z.object({ name: mode, phone: mode, email: mode }).catch({ name: 'off', phone: 'off', email: 'off' }).default({ name: 'off', phone: 'off', email: 'off' }),
  /** Secret for identity verification of the host site's logged-in users (HMAC of their id). */
  identitySecret: z.string().min(16).optional().catch(undefined),
  /** Sites allowed to embed the widget (src/server/allowed-origins.ts); empty = any site. */
  allowedOrigins: allowedOriginsSchema.default([]),
});
export type WidgetSettings = z.infer<typeof widgetSettingsSchema>;

export const WIDGET_ORIGIN_ERRORS = {
  notAllowed: 'WIDGET_ORIGIN_NOT_ALLOWED',
  settingsInvalid: 'WIDGET_SETTINGS_INVALID',
} as const;

export type EmbedVerdict =
  | { ok: true; settings: WidgetSettings }
  | { ok: false; code: (typeof WIDGET_ORIGIN_ERRORS)[keyof typeof WIDGET_ORIGIN_ERRORS]; message: string };

/**
 * Whether a request with this Origin header may use the inbox: the one check behind the
 * session, uploads, the /widget socket and CORS answers.
 *  - no Origin: not a browser (browsers send Origin on every cross-origin fetch and on
 *    every WebSocket), e.g. a mobile app or a server. Allowed: Origin is a browser's
 *    promise about the page, not a credential; anything else can claim any Origin. Those
 *    clients still need a visitor token, and new sessions are rate-limited per address.
 *  - empty list: any site (the setting's documented default).
 *  - a list: the Origin must match an entry; `null` (sandboxed frames, file://) never does.
 *  - settings that do not parse: refused (fails closed), never "any site".
 */
export function embedVerdict(raw: Record<string, unknown>, origin: string | undefined): EmbedVerdict {
  const parsed = widgetSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { ok: false, code: WIDGET_ORIGIN_ERRORS.settingsInvalid, message: `this inbox's widget settings are invalid (${problem}); an admin must correct them` };
  }
  const settings = parsed.data;
  if (origin === undefined || settings.allowedOrigins.length === 0 || originInList(settings.allowedOrigins, origin)) return { ok: true, settings };
  return { ok: false, code: WIDGET_ORIGIN_ERRORS.notAllowed, message: 'this site may not embed this inbox' };
}

/** For the CORS preflight, which names no inbox: may a browser on `origin` use some widget inbox? */
export function anyInboxAllows(inboxSettings: readonly Record<string, unknown>[], origin: string): boolean {
  return inboxSettings.some((raw) => embedVerdict(raw, origin).ok);
}

export function inboxInfo(name: string, settings: WidgetSettings, agentsOnline: boolean, lang?: WidgetLang): WidgetInboxInfo {
  return { name, greeting: settings.greeting, lang: lang ?? settings.lang, prechat: settings.prechat, agentsOnline };
}
