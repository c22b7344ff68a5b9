import type { Term } from './analyze';

/**
 * Vietnamese provinces and large cities (folded). A place in a question is rarely what
 * it is about: "có giao về Đà Nẵng không" asks about delivery, "ở HCM có chi nhánh
 * không" about branches. Their syllables are marked `place` so they weigh little, both
 * when the FAQ mentions one place and the customer another, and when a place the FAQ
 * never mentions would otherwise count as an unknown word against the question.
 * One-syllable names (Huế, Vinh) are left out: as syllables they are ordinary words.
 */
const PLACES = [
  'ha noi', 'ho chi minh', 'hai phong', 'da nang', 'can tho', 'an giang', 'ba ria', 'vung tau', 'bac giang', 'bac kan', 'bac lieu', 'bac ninh',
  'ben tre', 'binh dinh', 'binh duong', 'binh phuoc', 'binh thuan', 'ca mau', 'cao bang', 'dak lak', 'dak nong', 'dien bien', 'dong nai',
  'dong thap', 'gia lai', 'ha giang', 'ha nam', 'ha tinh', 'hai duong', 'hau giang', 'hoa binh', 'hung yen', 'khanh hoa', 'kien giang',
  'kon tum', 'lai chau', 'lam dong', 'lang son', 'lao cai', 'long an', 'nam dinh', 'nghe an', 'ninh binh', 'ninh thuan', 'phu tho', 'phu yen',
  'quang binh', 'quang nam', 'quang ngai', 'quang ninh', 'quang tri', 'soc trang', 'son la', 'tay ninh', 'thai binh', 'thai nguyen',
  'thanh hoa', 'thua thien', 'tien giang', 'tra vinh', 'tuyen quang', 'vinh long', 'vinh phuc', 'yen bai', 'nha trang', 'da lat',
  'buon ma thuot', 'bien hoa', 'thu duc', 'quy nhon', 'ha long', 'phu quoc', 'thanh xuan', 'cau giay', 'dong da', 'hoan kiem',
  'go vap', 'binh thanh', 'tan binh', 'phu nhuan',
];
const BY_FIRST = new Map<string, string[][]>();
for (const p of PLACES) {
  const words = p.split(' ');
  const list = BY_FIRST.get(words[0]!) ?? [];
  list.push(words);
  BY_FIRST.set(words[0]!, list);
}

/** Flag the syllables of place names, in place. */
export function markPlaces(terms: Term[]): void {
  for (let i = 0; i < terms.length; i++) {
    for (const words of BY_FIRST.get(terms[i]!.folded) ?? []) {
      if (words.every((w, k) => terms[i + k]?.folded === w)) {
        for (let k = 0; k < words.length; k++) terms[i + k]!.place = true;
        i += words.length - 1;
        break;
      }
    }
  }
}
