/**
 * `npm run eval:faq`: the FAQ matcher against its labelled evaluation set
 * (bots/faq/data/eval-questions.json) on the demo FAQ. Prints accuracy by kind, the
 * wrong-answer rate, the recall on requests for a person and the time taken; exits 1
 * when a target is missed. `--misses` lists every question not handled as labelled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EVAL_KINDS, evaluate, type EvalItem, type EvalReport, type Ratio, splitForTuning, TARGETS } from '../bots/faq/evaluate';
import { parseFaqJson } from '../bots/faq/import-export';

const dataDir = path.join(__dirname, '..', 'bots', 'faq', 'data');
const entries = parseFaqJson(fs.readFileSync(path.join(dataDir, 'demo-faq.json'), 'utf8'));
const items = JSON.parse(fs.readFileSync(path.join(dataDir, 'eval-questions.json'), 'utf8')) as EvalItem[];

const pct = (r: Ratio): string => `${(r.rate * 100).toFixed(1).padStart(5)} % (${r.hits}/${r.n})`;
const mark = (ok: boolean): string => (ok ? 'ok' : 'MISSED');

function print(report: EvalReport, title: string): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write('  top-1 correct by kind (in scope: the right entry answered; out of scope: handoff or none; human request: handoff "requested")\n');
  for (const kind of EVAL_KINDS) process.stdout.write(`    ${kind.padEnd(14)} ${pct(report.byKind[kind])}\n`);
  process.stdout.write(`  Vietnamese in scope            ${pct(report.vietnamese)}   target ≥ ${TARGETS.vietnameseAccuracy * 100} %  ${mark(report.vietnamese.rate >= TARGETS.vietnameseAccuracy)}\n`);
  process.stdout.write(`    typed with diacritics        ${pct(report.withDiacritics)}\n`);
  process.stdout.write(`    typed without diacritics     ${pct(report.withoutDiacritics)}\n`);
  process.stdout.write(`  wrong answers (all questions)  ${pct(report.wrongAnswers)}   target ≤ ${TARGETS.wrongAnswerRate * 100} %  ${mark(report.wrongAnswers.rate <= TARGETS.wrongAnswerRate)}\n`);
  process.stdout.write(`  requests for a person handed off ${pct(report.humanRecall)} target ${TARGETS.humanRecall * 100} %  ${mark(report.humanRecall.rate >= TARGETS.humanRecall)}\n`);
  process.stdout.write(`  "requested" on other questions ${report.falseHumanRequests}\n`);
  process.stdout.write(`  time to answer all ${report.total} questions: ${report.elapsedMs.toFixed(1)} ms (${(report.elapsedMs / report.total).toFixed(3)} ms each, index built beforehand)\n`);
}

const report = evaluate(entries, items);
process.stdout.write(`FAQ matcher evaluation: ${entries.length} FAQ entries, ${items.length} questions\n`);
print(report, 'All questions');
const { tune, holdout } = splitForTuning(items);
const held = evaluate(entries, holdout);
process.stdout.write(
  `\nHeld-out third (every 3rd question, ${holdout.length}; the other ${tune.length} were used for tuning): Vietnamese ${pct(held.vietnamese)}, wrong answers ${pct(held.wrongAnswers)}, person requests ${pct(held.humanRecall)}\n`,
);

if (process.argv.includes('--misses')) {
  process.stdout.write('\nNot handled as labelled:\n');
  for (const { item, result } of report.misses) {
    const got = result.action === 'answer' ? `answered ${result.faqId}` : `${result.action} (${result.reason}${result.candidate ? `, best ${result.candidate.faqId}` : ''})`;
    process.stdout.write(`  [${item.kind}] ${JSON.stringify(item.q)}: expected ${item.expect}, ${got}, confidence ${result.confidence.toFixed(3)}\n`);
  }
}

process.stdout.write(`\n${report.passed ? 'All targets met.' : 'Targets missed.'}\n`);
process.exitCode = report.passed ? 0 : 1;
