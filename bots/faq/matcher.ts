import { decide, DEFAULT_THRESHOLDS, type DecisionThresholds, type RankedCandidate } from './decision';
import { cosine, type EmbeddingProvider, looksEnglish } from './embedding';
import { FaqIndex } from './faq-index';
import type { ScoringOptions } from './scoring';
import { isHumanRequest } from './human-request';
import type { FaqEntry, MatchResult } from './types';

export interface FaqMatcherOptions {
  scoring?: Partial<ScoringOptions>;
  thresholds?: Partial<DecisionThresholds>;
  /** Cross-language fallback for English questions (see embedding.ts); off when absent. */
  embedding?: EmbeddingProvider | null;
  /** Decision thresholds on the cosine similarity of the embedding fallback. */
  embeddingThresholds?: Partial<DecisionThresholds>;
}

export interface FaqMatcher {
  match(query: string): MatchResult;
  /** `match`, then, for an English question the lexical match could not answer, the embedding fallback. */
  matchAsync(query: string): Promise<MatchResult>;
  upsert(entry: FaqEntry): void;
  remove(id: string): boolean;
  readonly size: number;
}

export const DEFAULT_EMBEDDING_THRESHOLDS: DecisionThresholds = { answer: 0.8, margin: 0.05 };

export function createFaqMatcher(entries: readonly FaqEntry[], options: FaqMatcherOptions = {}): FaqMatcher {
  const index = new FaqIndex(entries, options.scoring);
  const thresholds = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const embeddingThresholds = { ...DEFAULT_EMBEDDING_THRESHOLDS, ...options.embeddingThresholds };
  const provider = options.embedding ?? null;
  /** Embeddings of each entry's question and variants, computed when first needed. */
  const vectors = new Map<string, Float32Array[]>();

  function match(query: string): MatchResult {
    if (isHumanRequest(query)) return { query, action: 'handoff', faqId: null, confidence: 1, reason: 'requested' };
    const { candidates, contentFree } = index.search(query, 2);
    return toResult(query, candidates, decide(candidates, contentFree, thresholds));
  }

  async function entryVectors(): Promise<Map<string, Float32Array[]>> {
    const missing = index.all().filter((e) => !vectors.has(e.id));
    if (missing.length > 0 && provider) {
      const texts = missing.map((e) => [e.question, ...e.variants]);
      const flat = await provider.embed(texts.flat());
      let i = 0;
      missing.forEach((e, k) => {
        // An entry edited or removed while the provider worked is left for the next call.
        if (index.get(e.id) === e) vectors.set(e.id, flat.slice(i, i + texts[k]!.length));
        i += texts[k]!.length;
      });
    }
    return vectors;
  }

  async function matchAsync(query: string): Promise<MatchResult> {
    const lexical = match(query);
    if (!provider || lexical.action === 'answer' || lexical.reason === 'requested' || lexical.reason === 'empty' || !looksEnglish(query)) return lexical;
    const [q] = await provider.embed([query]);
    if (!q) return lexical;
    const ranked: RankedCandidate[] = [];
    for (const [faqId, vs] of await entryVectors()) {
      if (index.get(faqId)) ranked.push({ faqId, confidence: Math.max(0, ...vs.map((v) => cosine(q, v))) });
    }
    ranked.sort((a, b) => b.confidence - a.confidence);
    const decision = decide(ranked.slice(0, 2), false, embeddingThresholds);
    return decision.action === 'answer' ? toResult(query, ranked, decision) : lexical;
  }

  return {
    match,
    matchAsync,
    upsert(entry) {
      index.upsert(entry);
      vectors.delete(entry.id);
    },
    remove(id) {
      vectors.delete(id);
      return index.remove(id);
    },
    get size() {
      return index.size;
    },
  };
}

function toResult(query: string, candidates: readonly RankedCandidate[], d: ReturnType<typeof decide>): MatchResult {
  const result: MatchResult = { query, action: d.action, faqId: d.faqId ?? null, confidence: d.confidence, reason: d.reason };
  if (d.reason === 'empty') return result;
  const [top, second] = candidates;
  if (top && d.action !== 'answer') result.candidate = { faqId: top.faqId, confidence: top.confidence };
  if (second) result.runnerUp = { faqId: second.faqId, confidence: second.confidence };
  return result;
}
