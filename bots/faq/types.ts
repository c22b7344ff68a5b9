/** One FAQ entry as admins write it and as files carry it. */
export interface FaqEntry {
  id: string;
  question: string;
  /** Other ways customers ask the same thing. */
  variants: string[];
  answer: string;
  lang: 'vi' | 'en';
}

export type MatchAction = 'answer' | 'handoff' | 'none';

/**
 * matched: confident answer; requested: the customer asked for a person;
 * low_confidence: nothing in the FAQ fits well enough; ambiguous: two different entries
 * fit about equally well; empty: nothing to answer (no text, or only a greeting/thanks).
 */
export type MatchReason = 'matched' | 'requested' | 'low_confidence' | 'ambiguous' | 'empty';

export interface MatchResult {
  query: string;
  action: MatchAction;
  faqId: string | null;
  /** 0..1; for a handoff it is the confidence of the best (rejected) candidate. */
  confidence: number;
  reason: MatchReason;
  /** The best entry after the top one (always a different entry), when there was one. */
  runnerUp?: { faqId: string; confidence: number };
  /** On a handoff for low confidence or ambiguity: the best entry, not answered (for the decision log). */
  candidate?: { faqId: string; confidence: number };
}
