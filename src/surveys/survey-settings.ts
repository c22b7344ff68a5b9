import { z } from 'zod';

export type SurveyKind = 'csat' | 'nps';
export type SurveyLanguage = 'vi' | 'en';

/**
 * The survey part of an inbox's settings (`inboxes.settings.surveys`):
 *   { "surveys": { "csat": true, "nps": false, "language": "vi" } }
 * - `csat` (default on): "how would you rate this conversation?" 1–5, then an optional comment;
 * - `nps` (default off): "would you recommend us?" 0–10, asked after the CSAT answer (or alone);
 * - `language`: `vi` (default) or `en`; when absent, the inbox's own `lang` (widget) is used;
 * - `answerWindowHours`: how long after a question a reply still counts as its answer;
 * - `commentWindowMinutes`: how long after asking for a comment the next text is taken as it.
 */
export const surveySettingsSchema = z.object({
  csat: z.boolean().default(true),
  nps: z.boolean().default(false),
  language: z.enum(['vi', 'en']).optional(),
  answerWindowHours: z.number().positive().max(24 * 30).default(72),
  commentWindowMinutes: z.number().positive().max(24 * 60).default(15),
});

export interface SurveySettings {
  csat: boolean;
  nps: boolean;
  language: SurveyLanguage;
  answerWindowMs: number;
  commentWindowMs: number;
}

/**
 * The effective settings of an inbox. Each field is validated on its own: one bad value
 * (a typo in the JSON) falls back to its default instead of dropping the whole block.
 */
export function surveySettings(inboxSettings: Record<string, unknown> | null | undefined): SurveySettings {
  const raw = inboxSettings?.surveys;
  const given = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const shape = surveySettingsSchema.shape;
  const field = <K extends keyof typeof shape>(key: K): z.infer<(typeof shape)[K]> => {
    const parsed = shape[key].safeParse(given[key]);
    return (parsed.success ? parsed.data : shape[key].parse(undefined)) as z.infer<(typeof shape)[K]>;
  };
  const inboxLang = inboxSettings?.lang === 'en' || inboxSettings?.lang === 'vi' ? inboxSettings.lang : undefined;
  return {
    csat: field('csat'),
    nps: field('nps'),
    language: field('language') ?? inboxLang ?? 'vi',
    answerWindowMs: field('answerWindowHours') * 3_600_000,
    commentWindowMs: field('commentWindowMinutes') * 60_000,
  };
}

/** What is wrong with `settings.surveys`, for an API that refuses bad settings (null: fine or absent). */
export function surveySettingsProblem(inboxSettings: Record<string, unknown>): string | null {
  if (inboxSettings.surveys === undefined) return null;
  const parsed = surveySettingsSchema.strict().safeParse(inboxSettings.surveys);
  return parsed.success ? null : `surveys: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`;
}

/** The survey asked first after a resolution (CSAT, or NPS alone), or null when surveys are off. */
export function firstSurvey(settings: SurveySettings): SurveyKind | null {
  if (settings.csat) return 'csat';
  if (settings.nps) return 'nps';
  return null;
}
