import { z } from 'zod';

/**
 * Lists of web origins a browser may call us from (an inbox's `allowedOrigins`: the sites
 * that may embed the widget). An entry is written exactly as browsers send the Origin
 * header — `scheme://host[:port]`, lowercase, punycode, no default port, no path, not
 * even a trailing slash — so matching is a string comparison. One wildcard form:
 * `https://*.shop.vn` matches every subdomain of shop.vn at any depth (not shop.vn
 * itself; list both), same scheme and port. Anything else is refused when written, with
 * the canonical spelling suggested.
 */

/** The inbox setting (top level of `inboxes.settings`). */
export const ALLOWED_ORIGINS_SETTING = 'allowedOrigins';
export const MAX_ALLOWED_ORIGINS = 50;

const WILDCARD = '://*.';

/** Why `entry` is not a valid allowed-origin entry, or null when it is. */
export function originEntryProblem(entry: string): string | null {
  if (entry.length === 0 || entry.length > 253) return 'an origin must be 1 to 253 characters';
  const wildcard = entry.indexOf(WILDCARD);
  // Parse the wildcard form with a stand-in label so the URL parser checks the rest.
  const concrete = wildcard > 0 ? `${entry.slice(0, wildcard)}://x.${entry.slice(wildcard + WILDCARD.length)}` : entry;
  if (concrete.includes('*')) return `"${entry}": a wildcard is only allowed as the first label, e.g. https://*.shop.vn`;
  let url: URL;
  try {
    url = new URL(concrete);
  } catch {
    return `"${entry}" is not an origin (scheme://host[:port], e.g. https://shop.vn)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${entry}": only http:// and https:// origins can embed the widget`;
  if (url.origin !== concrete) {
    const canonical = wildcard > 0 ? url.origin.replace('://x.', WILDCARD) : url.origin;
    return `"${entry}" is not written as an origin: use "${canonical}" (no path or trailing slash, lowercase, no default port)`;
  }
  if (wildcard > 0) {
    // (Under an IP address it does not parse: a host ending in a number must be IPv4.)
    if (url.hostname.slice(2).split('.').length < 2) return `"${entry}": a wildcard must be under a registered domain (https://*.shop.vn, not https://*.vn)`;
  }
  return null;
}

export const allowedOriginsSchema = z
  .array(
    z.string().superRefine((entry, ctx) => {
      const problem = originEntryProblem(entry);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    { error: 'must be a list of origins such as ["https://shop.vn"]' },
  )
  .max(MAX_ALLOWED_ORIGINS, `at most ${MAX_ALLOWED_ORIGINS} origins`);

/** For the admin API: the problem with `settings.allowedOrigins` when it is being written, else null. */
export function allowedOriginsSettingProblem(settings: Record<string, unknown>): string | null {
  if (!(ALLOWED_ORIGINS_SETTING in settings)) return null;
  const parsed = allowedOriginsSchema.safeParse(settings[ALLOWED_ORIGINS_SETTING]);
  if (parsed.success) return null;
  return parsed.error.issues.map((i) => `${[ALLOWED_ORIGINS_SETTING, ...i.path].join('.')}: ${i.message}`).join('; ');
}

/** Whether `origin` (an Origin header) is one of the valid `entries`. An empty list matches nothing here; what "empty" means is the caller's policy. */
export function originInList(entries: readonly string[], origin: string): boolean {
  for (const entry of entries) {
    if (entry === origin) return true;
    const star = entry.indexOf(WILDCARD);
    if (star < 0) continue;
    const scheme = entry.slice(0, star + 3); // "https://"
    const suffix = entry.slice(star + WILDCARD.length - 1); // ".shop.vn[:port]"
    if (origin.length <= scheme.length + suffix.length || !origin.startsWith(scheme) || !origin.endsWith(suffix)) continue;
    // Only DNS labels in between: nothing that could carry a port, a path or credentials.
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(origin.slice(scheme.length, origin.length - suffix.length))) return true;
  }
  return false;
}

/** The origin of a URL such as PUBLIC_URL (`https://care.shop.vn/x` → `https://care.shop.vn`); null when it is not one. */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
