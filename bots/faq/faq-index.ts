import { analyze, isContentFree } from './analyze';
import { documentFeatures, extractFeatures, type Feature, type WeightedTerm } from './features';
import { repairQuery } from './query-repair';
import { bm25tf, confidence, DEFAULT_SCORING, idf, type ScoringOptions, shortlist, type ShortlistFeature } from './scoring';
import type { FaqEntry } from './types';
import { FaqVocabulary } from './vocabulary';

/**
 * Inverted index over every text (question and variants) of every entry, updated entry
 * by entry. Document frequencies are counted per *entry*: five variants that all say
 * "bảo hành" must not make "bảo hành" look common. Posting lists are per entry and carry
 * how central the feature is to the entry (see scoring.ts); the variants themselves are
 * only read for the shortlisted entries.
 */

interface Doc {
  entryId: string;
  text: string;
  tf: Map<string, number>;
  /** Folded features with their weight, for variant coverage. */
  folded: Map<string, number>;
  length: number;
  /** Σ weight·IDF of `folded`, valid for index `version`. */
  own?: { version: number; value: number };
}

export interface Candidate {
  faqId: string;
  confidence: number;
  /** The question or variant that matched best. */
  matched: string;
  queryCoverage: number;
  variantCoverage: number;
}

export interface SearchResult {
  candidates: Candidate[];
  terms: WeightedTerm[];
  /** No question in the text: empty, or only greetings / thanks / particles. */
  contentFree: boolean;
  /** Syllables neither in the vocabulary nor repairable. */
  unknown: string[];
}

interface QueryFeature extends ShortlistFeature {
  key: string;
}

export class FaqIndex {
  readonly options: ScoringOptions;
  private readonly entries = new Map<string, FaqEntry>();
  private readonly docsOf = new Map<string, Doc[]>();
  /** Entries have numbered slots (reused after removal) so that scores fit in an array. */
  private readonly slotOf = new Map<string, number>();
  private readonly idOfSlot: string[] = [];
  private readonly freeSlots: number[] = [];
  /** Feature → entry slot → centrality (0..1]. Its size is the feature's entry frequency. */
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly vocabulary = new FaqVocabulary((key) => this.postings.has(key));
  private totalLength = 0;
  private docCount = 0;
  private version = 0;

  constructor(entries: readonly FaqEntry[] = [], options: Partial<ScoringOptions> = {}) {
    this.options = { ...DEFAULT_SCORING, ...options };
    for (const e of entries) this.upsert(e);
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): FaqEntry | undefined {
    return this.entries.get(id);
  }

  all(): FaqEntry[] {
    return [...this.entries.values()];
  }

  /** Add or replace an entry; only its own postings are touched. */
  upsert(entry: FaqEntry): void {
    this.remove(entry.id);
    const slot = this.freeSlots.pop() ?? this.idOfSlot.length;
    this.slotOf.set(entry.id, slot);
    this.idOfSlot[slot] = entry.id;
    const docs: Doc[] = [];
    const textsWith = new Map<string, number>();
    const inQuestion = new Set<string>();
    for (const text of [entry.question, ...entry.variants]) {
      const terms = analyze(text);
      if (terms.length === 0) continue;
      const { tf, folded } = documentFeatures(terms, this.options);
      docs.push({ entryId: entry.id, text, tf, folded, length: terms.length });
      for (const key of tf.keys()) {
        textsWith.set(key, (textsWith.get(key) ?? 0) + 1);
        if (text === entry.question) inQuestion.add(key);
      }
    }
    for (const [key, n] of textsWith) {
      // The question states the topic: its features are central; a feature only some
      // variants have is central in proportion to how many.
      const centrality = inQuestion.has(key) ? 1 : Math.min(1, n / (docs.length * this.options.centralShare));
      let list = this.postings.get(key);
      if (!list) this.postings.set(key, (list = new Map()));
      list.set(slot, centrality);
      this.vocabulary.added(key, list.size === 1);
    }
    for (const d of docs) this.totalLength += d.length;
    this.docCount += docs.length;
    this.entries.set(entry.id, entry);
    this.docsOf.set(entry.id, docs);
    this.version++;
  }

  remove(id: string): boolean {
    const docs = this.docsOf.get(id);
    const slot = this.slotOf.get(id);
    if (!docs || slot === undefined) return false;
    const keys = new Set(docs.flatMap((d) => [...d.tf.keys()]));
    for (const key of keys) {
      const list = this.postings.get(key);
      list?.delete(slot);
      if (list?.size === 0) this.postings.delete(key);
      this.vocabulary.removed(key, !this.postings.has(key));
    }
    for (const d of docs) this.totalLength -= d.length;
    this.docCount -= docs.length;
    this.docsOf.delete(id);
    this.entries.delete(id);
    this.slotOf.delete(id);
    this.freeSlots.push(slot);
    this.version++;
    return true;
  }

  private idf(df: number): number {
    return idf(this.entries.size, df);
  }

  /**
   * Best entries for a query, best first, with a 0..1 confidence (see scoring.ts). Only
   * entries sharing a feature with the query are looked at: their entry scores come from
   * the posting lists (`shortlist`), then the shortlisted ones get the per-variant scoring.
   */
  search(query: string, limit = 2): SearchResult {
    const analysed = analyze(query);
    const terms = repairQuery(analysed, this.vocabulary, this.options.typo);
    const unknown = terms.filter((t) => !t.known && !t.stop).map((t) => t.folded);
    const result: SearchResult = { candidates: [], terms, contentFree: isContentFree(analysed), unknown };
    if (this.entries.size === 0 || terms.length === 0) return result;
    const o = this.options;

    const features: QueryFeature[] = [];
    const seen = new Set<string>();
    let perfect = 0;
    for (const f of extractFeatures(terms, o)) {
      // A repeated word ("hàng chính hãng hay hàng xách tay") counts once.
      if (seen.has(f.key)) continue;
      seen.add(f.key);
      const counted = this.countedIdf(f);
      if (counted === null) continue;
      perfect += f.full * counted.budget;
      const postings = this.postings.get(f.key);
      if (postings) features.push({ key: f.key, weight: f.weight, idf: counted.idf, postings });
    }
    if (perfect === 0 || features.length === 0) return result;

    const avgLength = this.totalLength / Math.max(1, this.docCount);
    const candidates: Candidate[] = [];
    for (const [slot, entryScore] of shortlist(features, this.idOfSlot.length, o)) {
      const entryId = this.idOfSlot[slot]!;
      let best: Candidate | null = null;
      for (const doc of this.docsOf.get(entryId)!) {
        let score = 0;
        let shared = 0;
        for (const f of features) {
          const tf = doc.tf.get(f.key);
          if (!tf) continue;
          score += f.weight * f.idf * bm25tf(tf, doc.length, avgLength, o);
          shared += (doc.folded.get(f.key) ?? 0) * f.idf;
        }
        const own = this.ownWeight(doc);
        const variantCoverage = own > 0 ? Math.min(1, shared / own) : 0;
        const c = confidence(score / perfect, entryScore / perfect, variantCoverage, o);
        if (!best || c.confidence > best.confidence) best = { faqId: entryId, confidence: c.confidence, matched: doc.text, queryCoverage: c.queryCoverage, variantCoverage };
      }
      if (best) candidates.push(best);
    }
    result.candidates = candidates.sort((x, y) => y.confidence - x.confidence || x.faqId.localeCompare(y.faqId)).slice(0, limit);
    return result;
  }

  private ownWeight(doc: Doc): number {
    if (doc.own?.version !== this.version) {
      let value = 0;
      for (const [key, w] of doc.folded) value += w * this.idf(this.postings.get(key)?.size ?? 0);
      doc.own = { version: this.version, value };
    }
    return doc.own.value;
  }

  /**
   * How a query feature counts: `idf` when it can match (0 when no entry has it) and
   * `budget`, its share of a perfect score; null when it does not count at all. Anything
   * built on an unknown syllable counts against the query (`unknown` × the IDF of an
   * unseen term), so an unknown word weighs as much as a known one would. A new pair of
   * known syllables does not (most pairs of a new sentence are new), nor an accented
   * form no entry has, unless its folded form is known: then the customer typed a word
   * the FAQ has, with other diacritics ("giá" vs "gia").
   */
  private countedIdf(f: Feature): { idf: number; budget: number } | null {
    const df = this.postings.get(f.key)?.size ?? 0;
    if (df > 0) return { idf: this.idf(df), budget: this.idf(df) };
    if (f.unknown) return f.stop ? null : { idf: 0, budget: this.options.unknown * this.idf(0) };
    if (f.kind === 'unigram' || f.kind === 'bigram') return null;
    const foldedDf = this.postings.get(f.folded!)?.size ?? 0;
    return foldedDf === 0 ? null : { idf: 0, budget: this.idf(foldedDf) };
  }
}
