import { GatewayError } from '../../src/core/errors';
import type { FaqEntry } from './types';
import { FaqFileError, parseFaqCsv, parseFaqJson, toFaqCsv, toFaqJson } from './import-export';

/** FAQ files at the API edge: a malformed file is one coded 400 naming the line or entry, and nothing is imported. */
export function parseFaqFile(text: string, format: 'json' | 'csv'): FaqEntry[] {
  try {
    return format === 'csv' ? parseFaqCsv(text) : parseFaqJson(text);
  } catch (err) {
    if (err instanceof FaqFileError) throw new GatewayError('GW_ERR_VALIDATION', err.message, { problems: err.problems });
    throw err;
  }
}

export function serializeFaq(entries: readonly FaqEntry[], format: 'json' | 'csv'): string {
  const plain = entries.map(({ id, question, variants, answer, lang }) => ({ id, question, variants, answer, lang }));
  return format === 'csv' ? toFaqCsv(plain) : toFaqJson(plain);
}
