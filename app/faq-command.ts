import fs from 'node:fs';
import { answerBatch, readBatchQuestions } from '../bots/faq/batch';
import { FaqFileError, parseFaqByExtension } from '../bots/faq/import-export';

export const FAQ_USAGE = `Usage: omnigate faq ask --faq FILE "question"
       omnigate faq ask --faq FILE --batch QUESTIONS_FILE

Matches questions against an FAQ file (.json or .csv) and prints one JSON line per
question: {"query","action","faqId","confidence","reason"}. QUESTIONS_FILE has one
question per line (or is a JSON array of strings).`;

/** `omnigate faq ask`: the matcher on the command line, no server or database needed. Returns the exit code. */
export function runFaqCommand(args: string[], out: (line: string) => void, err: (line: string) => void): number {
  const [sub, ...rest] = args;
  if (sub !== 'ask') {
    err(FAQ_USAGE);
    return 2;
  }
  const opts = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--faq' || a === '--batch') opts.set(a, rest[++i] ?? '');
    else positional.push(a);
  }
  const faqFile = opts.get('--faq');
  const batchFile = opts.get('--batch');
  if (!faqFile || (!batchFile && positional.length === 0) || (batchFile && positional.length > 0)) {
    err(FAQ_USAGE);
    return 2;
  }
  try {
    const entries = parseFaqByExtension(faqFile, fs.readFileSync(faqFile, 'utf8'));
    const questions = batchFile ? readBatchQuestions(fs.readFileSync(batchFile, 'utf8')) : [positional.join(' ')];
    for (const answer of answerBatch(entries, questions)) out(JSON.stringify(answer));
    return 0;
  } catch (e) {
    if (e instanceof FaqFileError) err(`omnigate: ${faqFile}: ${e.message}`);
    else err(`omnigate: ${(e as Error).message}`);
    return 2;
  }
}
