import { expandFolded } from './teencode';

/**
 * The customer's reply to "Câu trả lời có giúp bạn không?". Quick-reply buttons send a
 * payload; typed replies are read on the folded, teencode-expanded text. A negative cue
 * wins over a positive one ("không được", "chưa đúng", "ok nhưng vẫn chưa được"), and a
 * reply that is neither short nor starts with a cue is `other` — usually a new question,
 * which the bot should match as such.
 */

export type Feedback = 'yes' | 'no' | 'other';

export const FEEDBACK_PAYLOADS = { yes: 'FAQ_HELPFUL_YES', no: 'FAQ_HELPFUL_NO' } as const;

/** A reply opening with one of these is a "no", whatever follows ("không, phí ship bao nhiêu?"). */
const NO_START = /^(?:khong|chua|no|nope|nah|sai|chang|cha|not really)\b/;
/** Anywhere in the reply: the answer did not settle it. */
const NO_ANY = /\b(?:van chua|van khong|chua duoc|khong duoc|khong giup|khong dung|chua dung|sai roi|khong lien quan|khong huu ich|vo ich|chua giai quyet|khong hieu|chua hieu|chua ro|not helpful|didn t help|did not help|doesn t help|does not help|wrong)\b/;
const YES_START = /^(?:co|duoc|ok|yes|yep|yeah|ya|vang|da|u|dung|roi|cam on|giup duoc|huu ich|tot|tuyet|hieu roi|ro roi|great|perfect|got it|helpful|thank you|sure|good|nice)\b/;
const YES_ANY = /\b(?:cam on|huu ich|giup duoc|dung roi|ro roi|hieu roi|thank you|it helped|that helped|very helpful)\b/;
/** A new question rather than an answer ("thế còn trả góp thì sao?", "có giao tỉnh không"). */
const QUESTION = /\b(?:bao nhieu|bao lau|o dau|the nao|khi nao|may gio|tai sao|vi sao|lam sao|gi|sao)\b|\b(?:khong|chua)$/;

/** Emoji that answer on their own. */
const THUMBS_UP = /[\u{1F44D}\u{1F44C}\u{2764}\u{1F60D}\u{1F64F}\u{2705}]/u;
const THUMBS_DOWN = /[\u{1F44E}\u{274C}\u{1F620}\u{1F621}]/u;

/** Longer than this, a reply that merely starts with "ok"/"có" is something else. */
const SHORT = 8;

export function classifyFeedback(reply: string): Feedback {
  const trimmed = reply.trim();
  if (trimmed === FEEDBACK_PAYLOADS.yes) return 'yes';
  if (trimmed === FEEDBACK_PAYLOADS.no) return 'no';
  const text = expandFolded(trimmed);
  if (text === '') return THUMBS_DOWN.test(trimmed) ? 'no' : THUMBS_UP.test(trimmed) ? 'yes' : 'other';
  if (NO_START.test(text) || NO_ANY.test(text)) return 'no';
  const words = text.split(' ').length;
  if (words > 1 && (trimmed.includes('?') || QUESTION.test(text))) return 'other';
  if ((YES_START.test(text) && words <= SHORT) || YES_ANY.test(text)) return 'yes';
  return 'other';
}
