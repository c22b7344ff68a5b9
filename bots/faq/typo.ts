/**
 * Typo tolerance for words the FAQ vocabulary does not know: a character-trigram →
 * term index finds candidates that share at least one trigram, and a bounded
 * Damerau–Levenshtein distance (adjacent swaps count as one edit, the most frequent
 * phone-keyboard typo: "hnah" for "hanh") picks the closest. Words are padded with two
 * boundary marks so that even a three-letter syllable with its middle letters swapped
 * keeps its first and last trigram ("^^t", "r$$"... ).
 */

export function trigrams(word: string): string[] {
  const padded = `^^${word}$$`;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return [...out];
}

/** Optimal-string-alignment distance, or `max + 1` as soon as it must exceed `max`. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    for (let j = 0; j <= b.length; j++) prev2[j] = prev[j]!;
    prev = cur;
  }
  return Math.min(prev[b.length]!, max + 1);
}

/** How many edits a word of this length may carry and still be recognised. */
export function allowedEdits(length: number): number {
  if (length < 3) return 0;
  return length < 7 ? 1 : 2;
}

/** A vocabulary with reference counts, so terms can be added and removed as FAQ entries change. */
export class TrigramVocabulary {
  private readonly counts = new Map<string, number>();
  private readonly byTrigram = new Map<string, Set<string>>();

  has(term: string): boolean {
    return this.counts.has(term);
  }

  count(term: string): number {
    return this.counts.get(term) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }

  add(term: string): void {
    const n = this.counts.get(term) ?? 0;
    this.counts.set(term, n + 1);
    if (n > 0) return;
    for (const g of trigrams(term)) {
      let set = this.byTrigram.get(g);
      if (!set) this.byTrigram.set(g, (set = new Set()));
      set.add(term);
    }
  }

  delete(term: string): void {
    const n = this.counts.get(term);
    if (n === undefined) return;
    if (n > 1) {
      this.counts.set(term, n - 1);
      return;
    }
    this.counts.delete(term);
    for (const g of trigrams(term)) {
      const set = this.byTrigram.get(g);
      set?.delete(term);
      if (set?.size === 0) this.byTrigram.delete(g);
    }
  }

  /**
   * The closest known term within the allowed number of edits, or null. Only terms
   * sharing a trigram are compared, most shared first, at most `limit` of them. Ties go
   * to the higher `prefer` score (the caller's knowledge, e.g. matching diacritics), then
   * to the more frequent term.
   */
  closest(word: string, prefer: (term: string) => number = () => 0, limit = 64): { term: string; distance: number } | null {
    const max = allowedEdits(word.length);
    if (max === 0) return null;
    const shared = new Map<string, number>();
    for (const g of trigrams(word)) {
      for (const t of this.byTrigram.get(g) ?? []) shared.set(t, (shared.get(t) ?? 0) + 1);
    }
    const candidates = [...shared.entries()]
      .filter(([t]) => Math.abs(t.length - word.length) <= max)
      .sort((x, y) => y[1] - x[1])
      .slice(0, limit);
    let best: { term: string; distance: number; rank: number } | null = null;
    for (const [term] of candidates) {
      const distance = boundedEditDistance(word, term, max);
      if (distance > max) continue;
      const rank = prefer(term);
      const better =
        !best || distance < best.distance || (distance === best.distance && (rank > best.rank || (rank === best.rank && this.count(term) > this.count(best.term))));
      if (better) best = { term, distance, rank };
    }
    return best && { term: best.term, distance: best.distance };
  }
}
