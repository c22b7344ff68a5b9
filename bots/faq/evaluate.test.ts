import fs from 'node:fs';
import path from 'node:path';
import { EVAL_KINDS, evaluate, type EvalItem, splitForTuning, TARGETS } from './evaluate';
import { parseFaqJson } from './import-export';
import { expandFolded } from './teencode';

const dataDir = path.join(__dirname, 'data');
const entries = parseFaqJson(fs.readFileSync(path.join(dataDir, 'demo-faq.json'), 'utf8'));
const items = JSON.parse(fs.readFileSync(path.join(dataDir, 'eval-questions.json'), 'utf8')) as EvalItem[];

describe('evaluation set', () => {
  it('is well formed and as large as promised', () => {
    const ids = new Set(entries.map((e) => e.id));
    expect(entries.length).toBeGreaterThanOrEqual(20);
    for (const e of entries) expect(e.variants.length).toBeGreaterThanOrEqual(2);
    expect(items.length).toBeGreaterThanOrEqual(220);
    for (const item of items) {
      expect(EVAL_KINDS).toContain(item.kind);
      if (item.kind === 'out_of_scope') expect(['handoff', 'none']).toContain(item.expect);
      else if (item.kind === 'human_request') expect(item.expect).toBe('handoff');
      else expect(ids.has(item.expect)).toBe(true);
    }
    expect(items.filter((i) => i.kind === 'out_of_scope').length).toBeGreaterThanOrEqual(40);
    expect(items.filter((i) => i.kind === 'human_request').length).toBeGreaterThanOrEqual(25);
  });

  it('is mostly phrased differently from the FAQ', () => {
    const words = (s: string): Set<string> => new Set(expandFolded(s).split(' ').filter(Boolean));
    const texts = entries.flatMap((e) => [e.question, ...e.variants]).map(words);
    const overlap = (a: Set<string>, b: Set<string>): number => {
      const shared = [...a].filter((w) => b.has(w)).length;
      return shared / (a.size + b.size - shared);
    };
    // A near-copy shares at least 60 % of its words (Jaccard) with some question or variant.
    const nearCopies = items.filter((i) => texts.some((t) => overlap(words(i.q), t) >= 0.6));
    expect(nearCopies.length / items.length).toBeLessThan(0.15);
  });

  it('meets the targets: ≥ 95 % of Vietnamese questions, ≤ 2 % wrong answers, every request for a person', () => {
    const report = evaluate(entries, items);
    expect(report.vietnamese.rate).toBeGreaterThanOrEqual(TARGETS.vietnameseAccuracy);
    expect(report.wrongAnswers.rate).toBeLessThanOrEqual(TARGETS.wrongAnswerRate);
    expect(report.humanRecall.rate).toBe(1);
    expect(report.falseHumanRequests).toBe(0);
    expect(report.passed).toBe(true);
  });

  it('splits the set into a tuning part and a held-out third', () => {
    const { tune, holdout } = splitForTuning(items);
    expect(tune.length + holdout.length).toBe(items.length);
    expect(holdout.length).toBe(Math.floor(items.length / 3));
  });
});
