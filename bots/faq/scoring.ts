import type { FeatureWeights } from './features';

/**
 * How a question and an entry are scored; README.md explains each number and how the
 * defaults were tuned.
 *
 * Per feature f of the question (weight w_f, IDF idf_f over entries):
 *  - variant score  = Σ w_f·idf_f·BM25tf(f, variant) over the best variant (classic BM25,
 *                     term frequency and length per variant);
 *  - entry score    = Σ w_f·idf_f·(1 − topical + topical·centrality_f), over the entry's
 *                     texts pooled, where centrality_f is 1 for a feature of the entry's
 *                     question and otherwise the share of its texts that have f, relative
 *                     to `centralShare` (capped at 1) — a length-normalised, saturating
 *                     term frequency at the entry level;
 *  both divided by the score of a perfect match of every question feature (unknown words
 *  included), giving the query coverage;
 *  - variant coverage = the IDF-weighted share of the best variant's own features that the
 *                     question has;
 *  - confidence = queryCoverage^queryShare · variantCoverage^(1 − queryShare).
 */
export interface ScoringOptions extends FeatureWeights {
  /** BM25 term-frequency saturation and length normalisation, per variant. */
  k1: number;
  b: number;
  /** Weight of a typo-corrected syllable (per edit). */
  typo: number;
  /** Share of an unseen syllable's IDF that an unknown word counts against the question. */
  unknown: number;
  /** Exponent of query coverage in the confidence; the rest goes to variant coverage. */
  queryShare: number;
  /** Weight of the entry score (vs the variant score) in the query coverage. */
  pooled: number;
  /** How much the entry score depends on how central a feature is to the entry. */
  topical: number;
  /** A feature in this share of an entry's texts is fully central ("bảo hành" in every warranty variant; "hôm nay" in one delivery variant is incidental). */
  centralShare: number;
  /** Share of the query coverage taken as the better of the two scores rather than their mix. */
  bestOf: number;
  /** How many entries, ranked by entry score, get the full (per-variant) scoring. */
  shortlist: number;
}

export const DEFAULT_SCORING: ScoringOptions = {
  k1: 1.2,
  b: 0.5,
  bigram: 0.5,
  accent: 0.3,
  stop: 0.15,
  place: 0.3,
  typo: 0.75,
  unknown: 0.7,
  queryShare: 0.6,
  pooled: 0.9,
  topical: 1,
  centralShare: 0.5,
  bestOf: 0.3,
  shortlist: 32,
};

export function idf(entries: number, df: number): number {
  return Math.log(1 + (entries - df + 0.5) / (df + 0.5));
}

export function bm25tf(tf: number, length: number, avgLength: number, o: Pick<ScoringOptions, 'k1' | 'b'>): number {
  return (tf * (o.k1 + 1)) / (tf + o.k1 * (1 - o.b + (o.b * length) / avgLength));
}

/** The confidence of one (question, variant) pair from its three scores, each already divided by the perfect score. */
export function confidence(variantScore: number, entryScore: number, variantCoverage: number, o: ScoringOptions): { confidence: number; queryCoverage: number } {
  const v = Math.min(1, variantScore);
  const e = Math.min(1, entryScore);
  const mixed = (1 - o.pooled) * v + o.pooled * e;
  const queryCoverage = (1 - o.bestOf) * mixed + o.bestOf * Math.max(v, e);
  return { confidence: queryCoverage ** o.queryShare * variantCoverage ** (1 - o.queryShare), queryCoverage };
}

export interface ShortlistFeature {
  weight: number;
  idf: number;
  /** Entry slot → centrality of the feature in that entry. */
  postings: Map<number, number>;
}

/**
 * Step 1 of a search: entry scores summed from the posting lists, rarest feature first,
 * for about `o.shortlist` entries (slots below `slots`). Once the shortlist is full and
 * the features left could not lift an entry not seen yet above the shortlist's last one,
 * no new entry is admitted: frequent words ("hàng", "giao") then only add to entries
 * already found.
 */
export function shortlist(features: readonly ShortlistFeature[], slots: number, o: ScoringOptions): [number, number][] {
  const scores = new Float64Array(slots);
  const admitted = new Uint8Array(slots);
  const touched: number[] = [];
  const byRarity = [...features].sort((x, y) => x.postings.size - y.postings.size);
  let remaining = byRarity.reduce((sum, f) => sum + f.weight * f.idf, 0);
  let admitting = true;
  for (const f of byRarity) {
    if (admitting && touched.length > o.shortlist) admitting = remaining >= kthLargest(scores, touched, o.shortlist);
    const value = f.weight * f.idf;
    const add = (slot: number, centrality: number): void => {
      scores[slot]! += value * (1 - o.topical + o.topical * centrality);
    };
    if (admitting) {
      for (const [slot, c] of f.postings) {
        if (!admitted[slot]) {
          admitted[slot] = 1;
          touched.push(slot);
        }
        add(slot, c);
      }
    } else if (f.postings.size <= touched.length) {
      for (const [slot, c] of f.postings) if (admitted[slot]) add(slot, c);
    } else {
      for (const slot of touched) {
        const c = f.postings.get(slot);
        if (c !== undefined) add(slot, c);
      }
    }
    remaining -= value;
  }
  return touched
    .map((slot): [number, number] => [slot, scores[slot]!])
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, o.shortlist);
}

function kthLargest(scores: Float64Array, touched: readonly number[], k: number): number {
  const values = Float64Array.from(touched, (slot) => scores[slot]!);
  values.sort();
  return values[values.length - k] ?? 0;
}
