import { sql, type Expression, type RawBuilder } from 'kysely';

/**
 * Vietnamese names compared the way people type them: without diacritics, case-insensitive
 * ("Nguyễn Thị Ánh" is found by "nguyen thi anh" and by "Ánh"). The same folding as
 * bots/faq/normalize.ts (which the core cannot import): every combining mark removed, "đ" → "d".
 */
export function foldName(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().normalize('NFC');
}

// The precomposed Vietnamese letters (both cases) and what they fold to. SQL `translate` maps
// them one character for one; the combining marks at the end of FROM have no counterpart in TO,
// so translate drops them (names stored decomposed). Neither unaccent (an extension PGlite
// lacks) nor lower() (locale-dependent for non-ASCII) is needed.
const GROUPS: [string, string][] = [
  ['àáạảãâầấậẩẫăằắặẳẵÀÁẠẢÃÂẦẤẬẨẪĂẰẮẶẲẴ', 'a'],
  ['èéẹẻẽêềếệểễÈÉẸẺẼÊỀẾỆỂỄ', 'e'],
  ['ìíịỉĩÌÍỊỈĨ', 'i'],
  ['òóọỏõôồốộổỗơờớợởỡÒÓỌỎÕÔỒỐỘỔỖƠỜỚỢỞỠ', 'o'],
  ['ùúụủũưừứựửữÙÚỤỦŨƯỪỨỰỬỮ', 'u'],
  ['ỳýỵỷỹỲÝỴỶỸ', 'y'],
  ['đĐ', 'd'],
];
const FROM = GROUPS.map(([chars]) => chars).join('');
const TO = GROUPS.map(([chars, base]) => base.repeat([...chars].length)).join('');
const MARKS = '\u0300\u0301\u0302\u0303\u0306\u0309\u031B\u0323';

/** The SQL twin of `foldName` for Vietnamese text: `foldedColumn(ref) LIKE foldName(q)`. */
export function foldedSql(value: Expression<string | null>): RawBuilder<string> {
  return sql<string>`lower(translate(${value}, ${FROM + MARKS}, ${TO}))`;
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
