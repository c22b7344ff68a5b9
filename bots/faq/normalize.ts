/**
 * Text normalization for Vietnamese (and English) chat messages.
 *
 * Every syllable is kept in two forms:
 *  - `folded`: no diacritics at all ("hóa đơn" → "hoa don"), what a customer typing
 *    without a Vietnamese keyboard produces;
 *  - `accent`: the diacritics kept, but the tone written as a digit suffix after the
 *    bare syllable ("hóa" and "hoá" → "hoa1"). Both tone placements ("old style" hoá /
 *    "new style" hóa, thuỷ / thủy) are in everyday use, so comparing NFC strings would
 *    treat them as different words.
 */

/** Combining tone marks, in the order of the digit they become (sắc 1, huyền 2, hỏi 3, ngã 4, nặng 5). */
const TONES = ['\u0301', '\u0300', '\u0309', '\u0303', '\u0323'] as const;
const TONE_RE = /[\u0300\u0301\u0303\u0309\u0323]/gu;
const MARKS_RE = /\p{M}/gu;

export interface Syllable {
  /** Lower-case NFC text as typed. */
  text: string;
  /** Diacritic-free form: "đ" → "d", every combining mark removed. */
  folded: string;
  /** Tone-placement-independent accented form ("hoá" / "hóa" → "hoa1", "đơn" → "đơn"). */
  accent: string;
  /** True when the syllable carries any diacritic (so the accented form says more than the folded one). */
  marked: boolean;
}

/**
 * NFC, lower case, punctuation and symbols (emoji included) replaced by spaces.
 * Thousands separators inside numbers are dropped first ("500.000đ" → "500000đ") so a
 * price stays one token.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .toLowerCase()
    .replace(/(\d)[.,](?=\d{3}\b)/g, '$1')
    .replace(/[^\p{L}\p{M}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Remove every diacritic. "đ" is a letter of its own (not d + mark) so it is mapped explicitly. */
export function foldDiacritics(text: string): string {
  return text.normalize('NFD').replace(MARKS_RE, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFC');
}

/** True when folding would change the text. */
export function hasDiacritics(text: string): boolean {
  return foldDiacritics(text) !== text.normalize('NFC');
}

/** The tone-independent accented key of one lower-case syllable. */
export function accentKey(syllable: string): string {
  const decomposed = syllable.normalize('NFD');
  let tone = '';
  for (let i = 0; i < TONES.length; i++) {
    if (decomposed.includes(TONES[i]!)) tone = String(i + 1);
  }
  return decomposed.replace(TONE_RE, '').normalize('NFC') + tone;
}

/** Split normalized text into syllables (Vietnamese writes one syllable per space-separated token). */
export function tokenize(text: string): string[] {
  const normalized = normalizeText(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/** Syllables repeat endlessly (Vietnamese has a few thousand), so their forms are cached (callers copy, never mutate, them). */
const CACHE = new Map<string, Syllable>();
const CACHE_LIMIT = 50_000;

export function toSyllable(token: string): Syllable {
  let syl = CACHE.get(token);
  if (!syl) {
    const folded = foldDiacritics(token);
    syl = { text: token, folded, accent: accentKey(token), marked: folded !== token };
    if (CACHE.size >= CACHE_LIMIT) CACHE.clear();
    CACHE.set(token, syl);
  }
  return syl;
}

/** Normalize and tokenize, keeping both forms of every syllable. */
export function syllables(text: string): Syllable[] {
  return tokenize(text).map(toSyllable);
}

/** Adjacent pairs joined by a space: ["bao", "hanh", "lau"] → ["bao hanh", "hanh lau"]. */
export function bigrams(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) out.push(`${tokens[i]} ${tokens[i + 1]}`);
  return out;
}

/*
 * A Vietnamese syllable (folded) is: optional onset, a vowel nucleus of 1–3 vowels, and
 * optional final consonant. Anything else (f, j, w, z, consonant clusters like "hn", a
 * final "r" or "s") is either English, a brand, teencode or a typo.
 */
const VI_SYLLABLE = /^(ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnpqrstvx])?(?:[aeiouy]{1,3})(ch|nh|ng|[cmnpt])?$/;
/** Vowel pairs no Vietnamese syllable has once folded ("maii", "hangg" are typos). */
const NOT_VI_VOWELS = /aa|ee|ii|yy|iy|yi|ae|ea|ei/;

export function isVietnameseSyllable(folded: string): boolean {
  return VI_SYLLABLE.test(folded) && !NOT_VI_VOWELS.test(folded);
}
