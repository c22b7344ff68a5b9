/**
 * CSV cells for exports that people open in spreadsheets. Text a spreadsheet would run as
 * a formula (starting with = + - @, a tab or a carriage return) gets a leading apostrophe
 * (CSV/formula injection) — also when it already starts with apostrophes, so an importer
 * can strip exactly one and get the original back; numbers are written as numbers.
 * ref: https://owasp.org/www-community/attacks/CSV_Injection
 */
export const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralise(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const cell = neutralise(String(value));
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvCell).join(',');
}
