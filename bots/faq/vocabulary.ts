import { foldDiacritics } from './normalize';
import type { RepairVocabulary } from './query-repair';
import { TrigramVocabulary } from './typo';

/**
 * The syllables of the indexed FAQ, for repairing questions: folded content syllables
 * (counted per entry, in a trigram index) and the accented forms seen of each. Fed with
 * feature keys as entries come and go ("f:hanh", "a:hanh2"; pairs are ignored here).
 */
export class FaqVocabulary implements RepairVocabulary {
  private readonly syllables = new TrigramVocabulary();
  private readonly accents = new Map<string, Set<string>>();

  /** `hasPair` asks the index whether some entry has the folded pair. */
  constructor(private readonly pairKnown: (key: string) => boolean) {}

  /** A feature key was added for one more entry; `first` when no entry had it before. */
  added(key: string, first: boolean): void {
    if (key.includes(' ')) return;
    if (key.startsWith('f:')) this.syllables.add(key.slice(2));
    else if (key.startsWith('a:') && first) {
      const folded = foldedOf(key);
      let set = this.accents.get(folded);
      if (!set) this.accents.set(folded, (set = new Set()));
      set.add(key.slice(2));
    }
  }

  /** A feature key was removed for one entry; `last` when no entry has it any more. */
  removed(key: string, last: boolean): void {
    if (key.includes(' ')) return;
    if (key.startsWith('f:')) this.syllables.delete(key.slice(2));
    else if (key.startsWith('a:') && last) {
      const folded = foldedOf(key);
      this.accents.get(folded)?.delete(key.slice(2));
      if (this.accents.get(folded)?.size === 0) this.accents.delete(folded);
    }
  }

  has(syllable: string): boolean {
    return this.syllables.has(syllable);
  }

  hasPair(first: string, second: string): boolean {
    return this.pairKnown(`f:${first} ${second}`);
  }

  accentsOf(syllable: string): Iterable<string> {
    return this.accents.get(syllable) ?? [];
  }

  closest(word: string, prefer: (candidate: string) => number): { term: string; distance: number } | null {
    return this.syllables.closest(word, prefer);
  }
}

/** "a:dưỡng4" → "duong". */
function foldedOf(accentKey: string): string {
  return foldDiacritics(accentKey.slice(2).replace(/\d$/, ''));
}
