import { accentKey, isVietnameseSyllable, type Syllable, syllables } from './normalize';
import { markPlaces } from './places';
import { applySynonyms } from './synonyms';
import { expandTeencode, lookupTeencode } from './teencode';

/**
 * From text to the terms the index works with: normalize, expand teencode, stem English
 * words, rewrite synonyms, flag stop-words and place names. Indexing and querying go
 * through the same function, so an abbreviation in an FAQ variant is understood the same
 * way as in a question.
 */

export interface Term extends Syllable {
  /** A stop-word: kept for the confidence (down-weighted), never a feature of its own in bigrams. */
  stop: boolean;
  /** Part of a place name (see places.ts): down-weighted. */
  place?: boolean;
}

/*
 * Stop-words, as words with diacritics. A marked token is compared by its accented form,
 * an unmarked one by its folded form, except for folded forms that are also frequent
 * content words ("ban" is bạn/bán, "muon" is muốn/muộn, "nay" is này/hôm nay, "thoi" is
 * thôi/thời gian, "lam" is lắm/làm, "cai" is cái/cài đặt, "ha" is hả/Hà Nội, "can" is
 * cần/cân): those are stop-words only when typed with their diacritics.
 */
const VI_STOP = [
  'là', 'thì', 'có', 'của', 'cho', 'ạ', 'à', 'ơi', 'vậy', 'nhé', 'nha', 'nhỉ', 'hả', 'hở', 'shop', 'admin', 'bạn', 'mình', 'em', 'anh', 'chị',
  'tôi', 'tui', 'đã', 'dạ', 'rồi', 'với', 'được', 'hỏi', 'muốn', 'biết', 'giúp', 'này', 'đó', 'đấy', 'đây', 'kia', 'cái', 'những', 'các',
  'một', 'như', 'ấy', 'luôn', 'nữa', 'lắm', 'thôi', 'vâng', 'ừ', 'ok', 'và', 'hay', 'hoặc', 'mà', 'nên', 'cần', 'vui', 'lòng', 'ơn', 'làm',
  'chào', 'alo', 'hi', 'hello', 'xin', 'bên', 'để', 'ở',
];
const FOLDED_CONTENT = new Set(['ban', 'muon', 'nay', 'thoi', 'lam', 'cai', 'ha', 'can', 'xin', 'hay', 'long', 'on', 'vui', 'ben', 'nen', 'ma', 'cac']);
const EN_STOP = [
  'the', 'a', 'an', 'is', 'are', 'am', 'was', 'do', 'does', 'did', 'you', 'your', 'i', 'me', 'my', 'we', 'our', 'us', 'can', 'could', 'would',
  'will', 'to', 'of', 'in', 'on', 'at', 'for', 'it', 'its', 'this', 'that', 'please', 'pls', 'plz', 'hey', 'be', 'have', 'has', 'there', 'any',
  'how', 'what', 'which', 'with', 'and', 'or', 'if', 'about', 'from', 'get', 'should', 'tell', 'know', 'want', 'need', 'hello', 'hi',
];

const STOP_ACCENT = new Set(VI_STOP.map(accentKey));
const STOP_FOLDED = new Set([...VI_STOP.map((w) => syllables(w)[0]!.folded).filter((w) => !FOLDED_CONTENT.has(w)), ...EN_STOP]);

/** Question-final particles: "có giao tỉnh không ạ" — after the final "không" only these may follow. */
const TRAILING = new Set(['a', 'vay', 'nhi', 'nhe', 'nha', 'ha', 'ho', 'shop', 'admin', 'em', 'anh', 'chi', 'ban', 'oi', 'the', 'z', 'v']);

export function isStopWord(s: Syllable): boolean {
  return s.marked ? STOP_ACCENT.has(s.accent) : STOP_FOLDED.has(s.folded);
}

/**
 * Minimal English stemmer, applied only to tokens that cannot be Vietnamese syllables
 * (a Vietnamese syllable never ends in -s, -ed or -ing, so nothing Vietnamese is touched).
 */
export function stemEnglish(word: string): string {
  if (word.length < 4 || isVietnameseSyllable(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (/(?:ch|sh|x)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  else if (w.endsWith('ation') && w.length > 7) return w.slice(0, -5);
  else if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  if (w !== word && /([bdgkmnprt])\1$/.test(w)) w = w.slice(0, -1);
  return w;
}

function stemmed(input: readonly Syllable[]): Syllable[] {
  const out: Syllable[] = [];
  for (const s of input) {
    const stem = s.marked ? s.folded : stemEnglish(s.folded);
    if (stem === s.folded) {
      out.push(s);
      continue;
    }
    const expansion = lookupTeencode(stem);
    if (expansion) out.push(...expansion);
    else out.push({ text: stem, folded: stem, accent: stem, marked: false });
  }
  return out;
}

/** Negation words that are only a question frame at the end of a question ("có … không?", "đã … chưa?"). */
const QUESTION_FINAL = new Set(['khong', 'chua']);
/** A pronoun that is part of a compound is not a stop-word ("tiếng Anh" is English, not "brother"). */
const COMPOUNDS = new Set(['tieng anh', 'anh van', 'em be']);

export function analyze(text: string): Term[] {
  const terms: Term[] = applySynonyms(stemmed(expandTeencode(syllables(text)))).map((s) => ({ ...s, stop: isStopWord(s) }));
  for (let i = 0; i + 1 < terms.length; i++) {
    if (COMPOUNDS.has(`${terms[i]!.folded} ${terms[i + 1]!.folded}`)) terms[i]!.stop = terms[i + 1]!.stop = false;
  }
  markPlaces(terms);
  // "không"/"chưa" followed only by particles closes a yes/no question: it carries no
  // topic. Anywhere else ("không nhận được hàng", "máy không lên nguồn") it is content.
  for (let i = terms.length - 1; i >= 0; i--) {
    const t = terms[i]!;
    if (QUESTION_FINAL.has(t.folded)) {
      t.stop = true;
      break;
    }
    if (!TRAILING.has(t.folded) && !t.stop) break;
  }
  return terms;
}

/** Small talk that asks nothing: greetings, thanks, acknowledgements (folded). */
const SMALL_TALK = new Set(['cam', 'on', 'chao', 'xin', 'alo', 'hello', 'hi', 'hey', 'ok', 'vang', 'da', 'u', 'uh', 'um', 'hm', 'hmm', 'hihi', 'haha', 'hehe', 'e', 'ê', 'good', 'morning', 'thank']);

/** True when nothing but stop-words, greetings and particles is left ("alo", "shop ơi", "chào ad ạ", "cảm ơn"). */
export function isContentFree(terms: readonly Term[]): boolean {
  return terms.every((t) => t.stop || TRAILING.has(t.folded) || SMALL_TALK.has(t.folded));
}
