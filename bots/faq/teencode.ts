import { type Syllable, syllables, toSyllable } from './normalize';

/**
 * Vietnamese chat abbreviations and teencode → the words they stand for (written with
 * diacritics; the folded form follows). Keys are lower-case tokens as typed; a key with
 * "đ" also matches its "d" spelling. Only tokens that are not ordinary words with
 * another meaning are listed: "bn" is "bao nhiêu" far more often than "bạn" in questions
 * to a shop, but "hong" is also "hỏng" (broken) — see the "hong" rule in `expandTeencode`.
 */
const TEENCODE: Readonly<Record<string, string>> = {
  // không
  k: 'không', ko: 'không', kh: 'không', khg: 'không', kg: 'không', k0: 'không', kô: 'không', hok: 'không', hk: 'không',
  hông: 'không', hem: 'không', hăm: 'không', khum: 'không',
  // được
  dc: 'được', đc: 'được', dk: 'được', đx: 'được', dx: 'được',
  // bao nhiêu
  bn: 'bao nhiêu', bnh: 'bao nhiêu', bnhiu: 'bao nhiêu', bnhieu: 'bao nhiêu', baonhieu: 'bao nhiêu', nhiu: 'nhiêu', nhìu: 'nhiêu',
  // pronouns and particles
  mk: 'mình', mik: 'mình', mjk: 'mình', mh: 'mình', e: 'em', ak: 'à', ah: 'à', nhá: 'nhé',
  ad: 'admin', add: 'admin', ads: 'admin', j: 'gì', ji: 'gì', z: 'vậy', zậy: 'vậy', dậy: 'vậy', v: 'vậy', vs: 'với', r: 'rồi', rùi: 'rồi', ròi: 'rồi',
  cx: 'cũng', cg: 'cũng', ms: 'mới', nx: 'nữa', trc: 'trước', ng: 'người', mn: 'mọi người', bik: 'biết', bít: 'biết', wa: 'qua', wá: 'quá',
  mún: 'muốn', lm: 'làm', thik: 'thích', hnay: 'hôm nay', hqua: 'hôm qua', bh: 'bảo hành', tg: 'thời gian', ntn: 'như thế nào', tn: 'thế nào',
  // shop vocabulary
  sp: 'sản phẩm', sdt: 'số điện thoại', sđt: 'số điện thoại', đt: 'điện thoại', dt: 'điện thoại', stk: 'số tài khoản', ck: 'chuyển khoản',
  hđ: 'hóa đơn', hd: 'hướng dẫn', đh: 'đơn hàng', dh: 'đơn hàng', ship: 'giao hàng', ships: 'giao hàng', shipping: 'giao hàng',
  freeship: 'miễn phí giao hàng', shipper: 'người giao hàng', ib: 'nhắn tin', inbox: 'nhắn tin',
  order: 'đặt hàng', oder: 'đặt hàng', ord: 'đặt hàng', km: 'khuyến mãi', sale: 'giảm giá', hcm: 'hồ chí minh', sg: 'sài gòn',
  tp: 'thành phố', cskh: 'chăm sóc khách hàng', ktv: 'kỹ thuật viên', nv: 'nhân viên', tv: 'tivi',
  // acknowledgements
  oke: 'ok', okie: 'ok', oki: 'ok', okay: 'ok', okê: 'ok', uk: 'ừ', uh: 'ừ', um: 'ừ', tks: 'cảm ơn', thanks: 'cảm ơn', thank: 'cảm ơn', thx: 'cảm ơn',
  camon: 'cảm ơn', cmon: 'cảm ơn', cám: 'cảm',
};

/** Tokens after which an unaccented "hong" means "hỏng" (broken), not "không". */
const HONG_BROKEN_BEFORE = new Set(['bi', 'hu', 'da', 'may', 'cung', 'lai', 'de']);
/** Tokens that may follow "hong" when it means "không" ("hong biết", "hong có"). */
const HONG_NEGATION_AFTER = new Set(['co', 'biet', 'duoc', 'dc', 'phai', 'can', 'sao', 'a', 'ha', 'vay', 'z', 'nhi', 'shop', 'ad', 'e', 'em', 'ban']);

const EXPANSIONS = new Map<string, Syllable[]>();
for (const [key, value] of Object.entries(TEENCODE)) EXPANSIONS.set(key, syllables(value));

/** The expansion of one token, or undefined when it is not an abbreviation. */
export function lookupTeencode(token: string): readonly Syllable[] | undefined {
  return EXPANSIONS.get(token) ?? EXPANSIONS.get(token.replace(/đ/g, 'd'));
}

/**
 * Replace abbreviations by the words they stand for. An expansion that is the same word
 * with diacritics ("khong" → "không") keeps the typed form's `marked` flag off, so an
 * unaccented message stays unaccented for the accent-aware features.
 */
export function expandTeencode(input: readonly Syllable[]): Syllable[] {
  const out: Syllable[] = [];
  input.forEach((syl, i) => {
    if (syl.text === 'hong') {
      const prev = input[i - 1]?.folded;
      const next = input[i + 1]?.folded;
      const negation = prev === undefined ? next !== undefined && HONG_NEGATION_AFTER.has(next) : !HONG_BROKEN_BEFORE.has(prev) && (next === undefined || HONG_NEGATION_AFTER.has(next));
      out.push(negation ? { ...toSyllable('không'), marked: false } : syl);
      return;
    }
    const expansion = lookupTeencode(syl.text);
    if (!expansion) {
      out.push(syl);
      return;
    }
    const sameWord = expansion.length === 1 && expansion[0]!.folded === syl.folded;
    for (const e of expansion) out.push(sameWord ? { ...e, marked: syl.marked } : e);
  });
  return out;
}

/** Convenience for tests and tools: expanded folded text ("ko dc" → "khong duoc"). */
export function expandFolded(text: string): string {
  return expandTeencode(syllables(text))
    .map((s) => s.folded)
    .join(' ');
}
