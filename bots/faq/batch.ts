import { createFaqMatcher, type FaqMatcherOptions } from './matcher';
import type { FaqEntry, MatchAction, MatchReason } from './types';

/**
 * What `omnigate faq ask --faq FILE "question"` and `--batch FILE` print: one object per
 * question. Pure: the caller reads the files and writes the output. The index is built
 * once for the whole batch.
 */
export interface BatchAnswer {
  query: string;
  action: MatchAction;
  faqId: string | null;
  confidence: number;
  reason: MatchReason;
}

export function answerBatch(entries: readonly FaqEntry[], questions: readonly string[], options: FaqMatcherOptions = {}): BatchAnswer[] {
  const matcher = createFaqMatcher(entries, options);
  return questions.map((q) => {
    const r = matcher.match(q);
    return { query: r.query, action: r.action, faqId: r.faqId, confidence: Math.round(r.confidence * 1000) / 1000, reason: r.reason };
  });
}

/** A batch file: a JSON array of strings, or one question per line (blank lines ignored). */
export function readBatchQuestions(source: string): string[] {
  const text = source.replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('[')) {
    const data: unknown = JSON.parse(text);
    if (!Array.isArray(data) || !data.every((q): q is string => typeof q === 'string')) throw new Error('a JSON batch file must be an array of strings');
    return data;
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}
