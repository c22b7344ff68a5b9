import { isStopWord, type Term } from './analyze';
import type { WeightedTerm } from './features';
import { isVietnameseSyllable } from './normalize';

/** What the repair needs to know about the indexed FAQ. */
export interface RepairVocabulary {
  /** A folded syllable some entry has (as a content word). */
  has(syllable: string): boolean;
  /** A folded pair ("bao hanh") some entry has. */
  hasPair(first: string, second: string): boolean;
  /** The accented forms of a folded syllable in the FAQ ("duong" → "dương", "dưỡng4"…). */
  accentsOf(syllable: string): Iterable<string>;
  /** The closest known syllable within the allowed edits, ties broken by `prefer`. */
  closest(word: string, prefer: (candidate: string) => number): { term: string; distance: number } | null;
}

/**
 * Query terms made to fit the FAQ vocabulary: ambiguous unaccented stop-words resolved,
 * typos and missing spaces repaired (weight `typo` per edit), the rest flagged unknown.
 */
export function repairQuery(input: readonly Term[], vocab: RepairVocabulary, typo: number): WeightedTerm[] {
  const terms = disambiguateStopWords(input, vocab);
  const out: WeightedTerm[] = [];
  const repairs: { at: number; count: number; original: Term }[] = [];
  terms.forEach((t, i) => {
    const known = vocab.has(t.folded);
    // A stray letter ("what's" → "s"), a number with its unit ("6", "500k", "9h") or a
    // model code ("rt38") is not a topic: unknown ones neither count for nor against.
    if (!known && (t.folded.length === 1 || /\d/.test(t.folded))) {
      out.push({ ...t, stop: true, weight: 1, known });
      return;
    }
    const repaired = t.stop || t.place || known ? null : repair(t, terms[i - 1], terms[i + 1], vocab, typo);
    if (repaired) {
      repairs.push({ at: out.length, count: repaired.length, original: t });
      out.push(...repaired);
    } else {
      out.push({ ...t, weight: 1, known });
    }
  });
  // A repair needs context: when nothing else in the message is a known word, "test" is
  // not a typo of "tết".
  if (repairs.length > 0 && !out.some((t) => t.known && !t.stop && !t.corrected)) {
    for (const r of repairs.reverse()) out.splice(r.at, r.count, { ...r.original, weight: 1, known: false });
  }
  return out;
}

/**
 * Without diacritics a stop-word may be a content word: "cua" is "của" (of) or "cửa"
 * (door, shop), "chi" is "chị" or "chỉ" in "địa chỉ", "toi" is "tôi" or "tới". When an
 * unaccented stop-word forms, with a neighbour, a pair some FAQ entry has ("cua hang",
 * "dia chi"), it is read as that content word.
 */
function disambiguateStopWords(terms: readonly Term[], vocab: RepairVocabulary): Term[] {
  return terms.map((t, i) => {
    if (!t.stop || t.marked) return t;
    const before = terms[i - 1];
    const after = terms[i + 1];
    const paired = (before !== undefined && vocab.hasPair(before.folded, t.folded)) || (after !== undefined && vocab.hasPair(t.folded, after.folded));
    return paired ? { ...t, stop: false } : t;
  });
}

/**
 * "baohanh" → "bao hanh" (a missing space), or the closest known syllable. What cannot be
 * a Vietnamese syllable ("hnah", "gopp") is a typo for sure; an unknown but well-formed
 * syllable is more often a name or a word the FAQ lacks, so it is only repaired when the
 * repair forms a pair the FAQ has with a neighbour ("chuyen khoang" → "chuyen khoan",
 * "chíng hãng" → "chinh hang").
 */
function repair(t: Term, before: Term | undefined, after: Term | undefined, vocab: RepairVocabulary, typo: number): WeightedTerm[] | null {
  const wellFormed = isVietnameseSyllable(t.folded);
  const base = { marked: false, known: true, corrected: true };
  const split = wellFormed ? null : splitGlued(t.folded, vocab);
  if (split) return split.map((part) => ({ ...base, text: part, folded: part, accent: part, stop: false, weight: typo }));
  const fits = (c: string): boolean => (before !== undefined && vocab.hasPair(before.folded, c)) || (after !== undefined && vocab.hasPair(c, after.folded));
  const fix = vocab.closest(t.folded, (c) => (fits(c) ? 16 : 0) + preference(t, c, vocab));
  if (!fix || (wellFormed && (fix.distance > 1 || !fits(fix.term)))) return null;
  const syl = { text: fix.term, folded: fix.term, accent: fix.term, marked: false };
  return [{ ...base, ...syl, stop: isStopWord(syl), weight: typo ** fix.distance }];
}

/**
 * Among equally close repairs, prefer (most important first) the word whose diacritics
 * the typo shares when it was typed with some ("dưỡg" is "dưỡng": ư, ngã — not "được"),
 * the same first letter (typos rarely hit it: "chir" is "chi", not "hir"), and a content
 * word over a stop-word.
 */
function preference(typed: Term, candidate: string, vocab: RepairVocabulary): number {
  const signature = (accent: string): Set<string> => new Set(accent.replace(/[^ăâêôơưđ1-5]/g, ''));
  let sharedMarks = 0;
  if (typed.marked) {
    const mine = signature(typed.accent);
    for (const accent of vocab.accentsOf(candidate)) {
      sharedMarks = Math.max(sharedMarks, [...signature(accent)].filter((c) => mine.has(c)).length);
    }
  }
  const sameFirst = candidate[0] === typed.folded[0] ? 1 : 0;
  const content = isStopWord({ text: candidate, folded: candidate, accent: candidate, marked: false }) ? 0 : 1;
  return sharedMarks * 4 + sameFirst * 2 + content;
}

/** "baohanh" → ["bao", "hanh"]: two known syllables typed without the space. */
function splitGlued(word: string, vocab: RepairVocabulary): [string, string] | null {
  for (let i = 2; i <= word.length - 2; i++) {
    const a = word.slice(0, i);
    const b = word.slice(i);
    if (vocab.has(a) && vocab.has(b) && isVietnameseSyllable(a) && isVietnameseSyllable(b)) return [a, b];
  }
  return null;
}
