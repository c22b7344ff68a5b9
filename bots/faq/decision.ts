import type { MatchAction, MatchReason } from './types';

/**
 * When to answer. Two numbers, both on the 0..1 confidence of `FaqIndex.search`:
 *  - `answer`: the best entry must reach it, otherwise the question is not (well) covered
 *    by the FAQ → hand off, `low_confidence`;
 *  - `margin`: the best entry must beat the best *other* entry by this much, otherwise
 *    the question fits two entries ("giao hàng" alone: the fee? the delay?) → hand off,
 *    `ambiguous`, rather than guess.
 * The values were tuned on the tuning half of the evaluation set (see README.md).
 */
export interface DecisionThresholds {
  answer: number;
  margin: number;
}

export const DEFAULT_THRESHOLDS: DecisionThresholds = { answer: 0.375, margin: 0.04 };

export interface RankedCandidate {
  faqId: string;
  confidence: number;
}

export interface Decision {
  action: MatchAction;
  faqId?: string;
  confidence: number;
  reason: MatchReason;
}

/**
 * `contentFree` means the message asks nothing (empty, "alo", "shop ơi", "cảm ơn"): the
 * bot stays quiet or greets (`none`, `empty`) instead of pulling a person in.
 */
export function decide(candidates: readonly RankedCandidate[], contentFree: boolean, thresholds: DecisionThresholds = DEFAULT_THRESHOLDS): Decision {
  const [top, second] = candidates;
  if (contentFree) return { action: 'none', confidence: 0, reason: 'empty' };
  if (!top || top.confidence < thresholds.answer) return { action: 'handoff', confidence: top?.confidence ?? 0, reason: 'low_confidence' };
  if (second && top.confidence - second.confidence < thresholds.margin) return { action: 'handoff', confidence: top.confidence, reason: 'ambiguous' };
  return { action: 'answer', faqId: top.faqId, confidence: top.confidence, reason: 'matched' };
}
