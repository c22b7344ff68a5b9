import { safeParseBusinessHours, type BusinessHours } from './schema';

/** Where an inbox keeps its business hours: `inboxes.settings.businessHours`. */
export const BUSINESS_HOURS_SETTING = 'businessHours';

const cache = new Map<string, BusinessHours>();
const MAX_CACHED = 200;

/**
 * The business hours stored in an inbox's settings; null when none are set (absent or
 * null). Parsed once per distinct value, so callers on hot paths (every message, every
 * report row) share the parsed object and its per-day cache. Throws a
 * `BusinessHoursError` when the stored value is invalid (the API refuses such values;
 * only a hand-edited database has them).
 */
export function inboxBusinessHours(settings: Record<string, unknown> | null | undefined): BusinessHours | null {
  const raw = settings?.[BUSINESS_HOURS_SETTING];
  if (raw === undefined || raw === null) return null;
  const key = JSON.stringify(raw);
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = safeParseBusinessHours(raw);
  if (!parsed.ok) throw parsed.error;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(key, parsed.hours);
  return parsed.hours;
}

/**
 * For the admin API: the problem with `settings.businessHours` in a settings change, as
 * one message naming the field ("settings.businessHours.week.mon.1: …"), or null when
 * it is valid, null (no hours) or not part of the change.
 */
export function businessHoursSettingProblem(settings: Record<string, unknown>): string | null {
  const raw = settings[BUSINESS_HOURS_SETTING];
  if (raw === undefined || raw === null) return null;
  const parsed = safeParseBusinessHours(raw);
  if (parsed.ok) return null;
  return parsed.error.issues.map((i) => `settings.${BUSINESS_HOURS_SETTING}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('; ');
}
