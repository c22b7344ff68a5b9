import type { Term } from './analyze';

/**
 * Index features of a term sequence. Four families, told apart by their key:
 *  - "f:bao"        folded syllable (every message has it, with or without diacritics;
 *                   a stop-word is "s:…" instead, so that it never matches a content word);
 *  - "f:bao hanh"   folded adjacent pair — Vietnamese words are mostly two syllables,
 *                   and "bao" alone is in "bảo hành", "bao lâu" and "bao nhiêu";
 *  - "a:bao3"       accented syllable, only for syllables typed with diacritics;
 *  - "a:bao3 hanh2" accented pair, when either syllable carries diacritics.
 * The accented families only ever add evidence when the customer typed diacritics: a
 * message without them is scored on the folded families alone, so it is not penalised.
 * Pairs containing a stop-word are not features ("có giao" says nothing).
 */

export type FeatureKind = 'unigram' | 'bigram' | 'accent-unigram' | 'accent-bigram';

export interface Feature {
  key: string;
  kind: FeatureKind;
  /** What a match earns (lowered for typo-corrected terms). */
  weight: number;
  /** What a perfect match would earn: the typo penalty does not lower the bar. */
  full: number;
  /** Built on a query syllable the FAQ vocabulary does not know. */
  unknown?: boolean;
  /** For accented features: the folded feature they refine. */
  folded?: string;
  /** A stop-word syllable (an unknown one does not count against the query). */
  stop?: boolean;
}

export interface FeatureWeights {
  /** Weight of a folded pair relative to a folded syllable. */
  bigram: number;
  /** Weight of the accented families (they refine, they do not replace). */
  accent: number;
  /** Weight of a stop-word syllable. */
  stop: number;
  /** Weight of a syllable of a place name. */
  place: number;
}

/**
 * A term as the query side sees it: `weight` < 1 for a typo-corrected term (whose
 * accents are not reliable any more); `known` false for a syllable no FAQ entry has.
 */
export interface WeightedTerm extends Term {
  weight: number;
  known: boolean;
  corrected?: boolean;
}

export function extractFeatures(terms: readonly WeightedTerm[], w: FeatureWeights): Feature[] {
  const out: Feature[] = [];
  const factor = (t: Term): number => (t.stop ? w.stop : t.place ? w.place : 1);
  terms.forEach((t, i) => {
    const base = factor(t);
    // Stop-words have keys of their own: "này" (stop) must not match "nay" in "hôm nay".
    out.push({ key: `${t.stop ? 's' : 'f'}:${t.folded}`, kind: 'unigram', weight: t.weight * base, full: base, stop: t.stop, unknown: !t.known });
    if (t.marked && !t.stop && !t.corrected) {
      out.push({ key: `a:${t.accent}`, kind: 'accent-unigram', weight: t.weight * base * w.accent, full: base * w.accent, folded: `f:${t.folded}`, unknown: !t.known });
    }
    const u = terms[i + 1];
    if (!u || t.stop || u.stop) return;
    const unknown = !t.known || !u.known;
    const folded = `f:${t.folded} ${u.folded}`;
    const full = w.bigram * Math.min(base, factor(u));
    out.push({ key: folded, kind: 'bigram', weight: Math.min(t.weight, u.weight) * full, full, unknown });
    if ((t.marked || u.marked) && !t.corrected && !u.corrected) {
      out.push({ key: `a:${t.accent} ${u.accent}`, kind: 'accent-bigram', weight: Math.min(t.weight, u.weight) * full * w.accent, full: full * w.accent, folded, unknown });
    }
  });
  return out;
}

/** Features of an indexed text, merged: key → term frequency. */
export function documentFeatures(terms: readonly Term[], w: FeatureWeights): { tf: Map<string, number>; folded: Map<string, number> } {
  const tf = new Map<string, number>();
  const folded = new Map<string, number>();
  for (const f of extractFeatures(
    terms.map((t) => ({ ...t, weight: 1, known: true })),
    w,
  )) {
    tf.set(f.key, (tf.get(f.key) ?? 0) + 1);
    if (f.kind === 'unigram' || f.kind === 'bigram') folded.set(f.key, Math.max(folded.get(f.key) ?? 0, f.weight));
  }
  return { tf, folded };
}
