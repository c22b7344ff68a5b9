import { createFaqMatcher, type FaqMatcherOptions } from './matcher';
import type { FaqEntry, MatchResult } from './types';

/** The labelled questions of data/eval-questions.json and the figures computed from them. */

export const EVAL_KINDS = ['accented', 'unaccented', 'teencode', 'typo', 'english', 'out_of_scope', 'human_request'] as const;
export type EvalKind = (typeof EVAL_KINDS)[number];

/** Vietnamese in-scope kinds: the ≥ 95 % target is on these together. */
export const VIETNAMESE_KINDS: readonly EvalKind[] = ['accented', 'unaccented', 'teencode', 'typo'];

export interface EvalItem {
  q: string;
  /** An FAQ id, "handoff" or "none". */
  expect: string;
  kind: EvalKind;
}

export const TARGETS = { vietnameseAccuracy: 0.95, wrongAnswerRate: 0.02, humanRecall: 1 } as const;

/** `hits` of `n` questions (correct ones, or for `wrongAnswers` the wrong answers). */
export interface Ratio {
  n: number;
  hits: number;
  rate: number;
}

export interface EvalReport {
  total: number;
  byKind: Record<EvalKind, Ratio>;
  vietnamese: Ratio;
  /** Vietnamese in-scope typed with diacritics vs without (unaccented, and teencode/typo messages without any diacritic). */
  withDiacritics: Ratio;
  withoutDiacritics: Ratio;
  /** Answers to out-of-scope questions or with the wrong entry, over all questions. */
  wrongAnswers: Ratio;
  humanRecall: Ratio;
  /** Out-of-scope questions handled as expected (handoff, or none for greetings). */
  outOfScope: Ratio;
  /** `requested` on a question that was not a request for a person. */
  falseHumanRequests: number;
  elapsedMs: number;
  misses: { item: EvalItem; result: MatchResult }[];
  passed: boolean;
}

function ratio(n: number, hits: number): Ratio {
  return { n, hits, rate: n === 0 ? 0 : hits / n };
}

function isCorrect(item: EvalItem, r: MatchResult): boolean {
  if (item.kind === 'human_request') return r.action === 'handoff' && r.reason === 'requested';
  if (item.expect === 'handoff') return r.action === 'handoff';
  if (item.expect === 'none') return r.action === 'none';
  return r.action === 'answer' && r.faqId === item.expect;
}

export function evaluate(entries: readonly FaqEntry[], items: readonly EvalItem[], options: FaqMatcherOptions = {}): EvalReport {
  const matcher = createFaqMatcher(entries, options);
  const started = performance.now();
  const results = items.map((item) => matcher.match(item.q));
  const elapsedMs = performance.now() - started;

  const count = (pred: (item: EvalItem, r: MatchResult) => boolean, ok: (item: EvalItem, r: MatchResult) => boolean): Ratio => {
    let n = 0;
    let good = 0;
    items.forEach((item, i) => {
      if (!pred(item, results[i]!)) return;
      n++;
      if (ok(item, results[i]!)) good++;
    });
    return ratio(n, good);
  };
  const byKind = Object.fromEntries(EVAL_KINDS.map((k) => [k, count((item) => item.kind === k, isCorrect)])) as Record<EvalKind, Ratio>;
  const vietnamese = (item: EvalItem): boolean => VIETNAMESE_KINDS.includes(item.kind);
  const accented = (item: EvalItem): boolean => item.q.normalize('NFD').replace(/[^\u0300-\u036f]/g, '') !== '' || /đ/i.test(item.q);
  const wrong = count(
    () => true,
    (item, r) => r.action === 'answer' && r.faqId !== item.expect,
  );
  const report: EvalReport = {
    total: items.length,
    byKind,
    vietnamese: count(vietnamese, isCorrect),
    withDiacritics: count((item) => vietnamese(item) && accented(item), isCorrect),
    withoutDiacritics: count((item) => vietnamese(item) && !accented(item), isCorrect),
    wrongAnswers: wrong,
    humanRecall: byKind.human_request,
    outOfScope: byKind.out_of_scope,
    falseHumanRequests: items.filter((item, i) => item.kind !== 'human_request' && results[i]!.reason === 'requested').length,
    elapsedMs,
    misses: items.flatMap((item, i) => (isCorrect(item, results[i]!) ? [] : [{ item, result: results[i]! }])),
    passed: false,
  };
  report.passed = meetsTargets(report);
  return report;
}

export function meetsTargets(r: Pick<EvalReport, 'vietnamese' | 'wrongAnswers' | 'humanRecall'>): boolean {
  return r.vietnamese.rate >= TARGETS.vietnameseAccuracy && r.wrongAnswers.rate <= TARGETS.wrongAnswerRate && r.humanRecall.rate >= TARGETS.humanRecall;
}

/**
 * The split used while tuning: every third question (by position) was held out and
 * only looked at once the weights and thresholds were fixed.
 */
export function splitForTuning<T>(items: readonly T[]): { tune: T[]; holdout: T[] } {
  return { tune: items.filter((_, i) => i % 3 !== 2), holdout: items.filter((_, i) => i % 3 === 2) };
}
