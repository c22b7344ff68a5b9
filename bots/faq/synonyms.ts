import { type Syllable, syllables } from './normalize';

/**
 * Words customers and FAQ writers use interchangeably, rewritten to one form before
 * indexing and querying. Only general equivalences of Vietnamese shop talk belong here:
 * North/South dialect pairs (máy lạnh / điều hòa, bao giờ / khi nào), spellings (ti vi
 * / tivi), everyday loanwords (free, check, web) and fixed terms (hóa đơn đỏ = hóa đơn
 * VAT). Not shop-specific facts: those belong in the FAQ variants.
 * Keys are folded phrases of one to five syllables; the longest match wins.
 */
const SYNONYMS: Readonly<Record<string, string>> = {
  // dialect pairs
  'may lanh': 'điều hòa',
  'may dieu hoa': 'điều hòa',
  'bao gio': 'khi nào',
  'luc nao': 'khi nào',
  'hoi nao': 'khi nào',
  'cho nao': 'ở đâu',
  'o cho nao': 'ở đâu',
  'ra sao': 'thế nào',
  'xai': 'dùng',
  'coi': 'xem',
  // spellings and loanwords
  'ti vi': 'tivi',
  'free': 'miễn phí',
  'check': 'kiểm tra',
  'web': 'website',
  'trang web': 'website',
  'fb': 'facebook',
  'face': 'facebook',
  'zl': 'zalo',
  'onl': 'online',
  'truc tuyen': 'online',
  'part time': 'bán thời gian',
  'parttime': 'bán thời gian',
  'lam them': 'bán thời gian',
  'ban buon': 'bán sỉ',
  'mua buon': 'mua sỉ',
  'voucher': 'mã giảm giá',
  'tong dai': 'hotline',
  'duong day nong': 'hotline',
  // fixed terms
  'tra tien': 'thanh toán',
  'van chuyen': 'giao hàng',
  'hoa don do': 'hóa đơn vat',
  'hoa don gia tri gia tang': 'hóa đơn vat',
  'gia tri gia tang': 'vat',
  'sai gon': 'hồ chí minh',
  'tphcm': 'hồ chí minh',
  'tp hcm': 'hồ chí minh',
};

const TABLE = new Map<string, Syllable[]>(Object.entries(SYNONYMS).map(([k, v]) => [k, syllables(v)]));
/** First syllable of a key → the longest key starting with it, in syllables. */
const LONGEST = new Map<string, number>();
for (const key of TABLE.keys()) {
  const words = key.split(' ');
  LONGEST.set(words[0]!, Math.max(LONGEST.get(words[0]!) ?? 0, words.length));
}

export function applySynonyms(input: readonly Syllable[]): Syllable[] {
  const out: Syllable[] = [];
  for (let i = 0; i < input.length; ) {
    let replaced = false;
    for (let n = Math.min(LONGEST.get(input[i]!.folded) ?? 0, input.length - i); n >= 1 && !replaced; n--) {
      const key = input
        .slice(i, i + n)
        .map((s) => s.folded)
        .join(' ');
      const replacement = TABLE.get(key);
      if (!replacement) continue;
      // Keep the typed form's accent state: an unaccented "may lanh" stays unaccented.
      const marked = input.slice(i, i + n).some((s) => s.marked);
      out.push(...replacement.map((r) => ({ ...r, marked: marked && r.marked })));
      i += n;
      replaced = true;
    }
    if (!replaced) out.push(input[i++]!);
  }
  return out;
}
