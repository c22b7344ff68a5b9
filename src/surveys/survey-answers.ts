import type { MessageContent } from '../core/message';
import type { SurveyKind } from './survey-settings';

/** The scales: CSAT 1–5, NPS 0–10. */
export const SCALES: Readonly<Record<SurveyKind, { min: number; max: number }>> = {
  csat: { min: 1, max: 5 },
  nps: { min: 0, max: 10 },
};

/** The payload of a survey button: `csat:5`, `nps:9`. */
export function surveyPayload(kind: SurveyKind, score: number): string {
  return `${kind}:${score}`;
}

/** A tapped survey button's payload, whatever survey is pending; null for any other payload. */
export function parseSurveyPayload(payload: string): { kind: SurveyKind; score: number } | null {
  const m = /^(csat|nps):(\d{1,2})$/.exec(payload.trim());
  if (!m) return null;
  const kind = m[1] as SurveyKind;
  const score = Number(m[2]);
  return inScale(kind, score) ? { kind, score } : null;
}

/**
 * The score a contact's message gives to the pending survey, or null when it is not an
 * answer (then the message is an ordinary one and reopens the conversation):
 * - a survey button (quick reply or postback) `csat:N` / `nps:N` for the pending kind
 *   (any other button is not an answer, whatever its title);
 * - a text that is only a number on the scale, optionally with a unit or the scale's
 *   maximum: "5", "5.", "5 sao", "5⭐", "4 điểm", "4/5", "9/10", "10 points", "５";
 * - for CSAT, only stars: "⭐⭐⭐⭐".
 * Out of the scale ("7" for CSAT), another scale ("8/10" for CSAT), numbers in a sentence
 * ("cho em 5 cái") and numbers in words are not answers.
 */
export function parseSurveyAnswer(content: MessageContent, pending: SurveyKind): number | null {
  if (content.type === 'quick_reply' || content.type === 'postback') {
    // A button is a survey answer by its payload only (another button titled "5" is not).
    const tapped = parseSurveyPayload(content.payload);
    return tapped?.kind === pending ? tapped.score : null;
  }
  return content.type === 'text' ? parseScoreText(content.text, pending) : null;
}

const UNITS = ['sao', 'điểm', 'diem', 'đ', 'd', 'star', 'stars', 'point', 'points', 'pts', '*', '⭐', '★'];

export function parseScoreText(text: string, kind: SurveyKind): number | null {
  const t = text
    .normalize('NFKC') // full-width digits → ASCII, composed Vietnamese letters
    .replace(/\uFE0F/g, '') // emoji presentation selector after ⭐
    .toLowerCase()
    .trim()
    .replace(/[.!…\s]+$/u, '');
  if (kind === 'csat' && /^(?:⭐|★|\*)+$/u.test(t)) {
    const stars = [...t].length;
    return inScale(kind, stars) ? stars : null;
  }
  const m = /^(\d{1,2})\s*(?:\/\s*(\d{1,2})|(\S+))?$/u.exec(t);
  if (!m) return null;
  const score = Number(m[1]);
  if (m[2] !== undefined && Number(m[2]) !== SCALES[kind].max) return null;
  if (m[3] !== undefined && !isUnit(m[3])) return null;
  return inScale(kind, score) ? score : null;
}

function isUnit(word: string): boolean {
  return UNITS.includes(word) || /^(?:⭐|★)+$/u.test(word);
}

function inScale(kind: SurveyKind, score: number): boolean {
  return Number.isInteger(score) && score >= SCALES[kind].min && score <= SCALES[kind].max;
}
