import { analyze } from './analyze';
import { accentKey, bigrams, foldDiacritics, isVietnameseSyllable, normalizeText, syllables, tokenize } from './normalize';

describe('normalization', () => {
  it('treats composed (NFC) and decomposed (NFD) input alike', () => {
    const nfc = 'Bảo hành bao lâu?'.normalize('NFC');
    const nfd = 'Bảo hành bao lâu?'.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    expect(normalizeText(nfd)).toBe(normalizeText(nfc));
    expect(syllables(nfd)).toEqual(syllables(nfc));
  });

  it('folds every diacritic, đ included', () => {
    expect(foldDiacritics('Điện máy An Phát đổi trả được không')).toBe('Dien may An Phat doi tra duoc khong');
    expect(foldDiacritics('ư ơ â ă ê ô ỹ ự')).toBe('u o a a e o y u');
  });

  it('lower-cases and turns punctuation and emoji into spaces, keeping prices whole', () => {
    expect(normalizeText('Shop ơi!!! Phí ship (nội thành) bao nhiêu??? 😊')).toBe('shop ơi phí ship nội thành bao nhiêu');
    expect(normalizeText('Đơn 500.000đ, giao 1.000.000đ')).toBe('đơn 500000đ giao 1000000đ');
    expect(normalizeText('  ...  ')).toBe('');
  });

  it('keeps the accented form independent of where the tone mark is written', () => {
    expect(accentKey('hoá')).toBe(accentKey('hóa'));
    expect(accentKey('thuỷ')).toBe(accentKey('thủy'));
    expect(accentKey('hóa')).not.toBe(accentKey('hòa'));
    expect(accentKey('đơn')).toBe('đơn');
  });

  it('marks only syllables that carry diacritics', () => {
    const [a, b] = syllables('bảo hanh');
    expect(a).toMatchObject({ text: 'bảo', folded: 'bao', marked: true });
    expect(b).toMatchObject({ text: 'hanh', folded: 'hanh', marked: false });
  });

  it('tokenizes into syllables and pairs adjacent ones', () => {
    expect(tokenize('Thời gian  giao-hàng?')).toEqual(['thời', 'gian', 'giao', 'hàng']);
    expect(bigrams(['bao', 'hanh', 'bao', 'lau'])).toEqual(['bao hanh', 'hanh bao', 'bao lau']);
    expect(bigrams(['mot'])).toEqual([]);
  });

  it('tells well-formed Vietnamese syllables from typos and English', () => {
    for (const s of ['nghieng', 'khuyen', 'truong', 'ruou', 'giao', 'hang', 'quy', 'xoong']) expect(isVietnameseSyllable(s)).toBe(true);
    for (const s of ['hnah', 'hagn', 'gopp', 'maii', 'ship', 'delivery', 'toans']) expect(isVietnameseSyllable(s)).toBe(false);
  });
});

describe('analysis', () => {
  const words = (text: string): string[] => analyze(text).filter((t) => !t.stop).map((t) => t.folded);

  it('treats a question-final "không" as a particle but keeps it elsewhere', () => {
    expect(words('Có giao hàng đi tỉnh không ạ?')).toEqual(['giao', 'hang', 'di', 'tinh']);
    expect(words('Sao tôi không nhận được hàng')).toContain('khong');
  });

  it('stems English words only', () => {
    expect(words('deliveries shipping installation booked')).toEqual(['delivery', 'giao', 'hang', 'install', 'book']);
    expect(words('đơn hàng')).toEqual(['don', 'hang']);
  });

  it('keeps "tiếng Anh" although "anh" alone is a pronoun', () => {
    expect(words('anh hỏi chút')).not.toContain('anh');
    expect(words('tiếng Anh')).toEqual(['tieng', 'anh']);
  });

  it('flags place names', () => {
    const places = analyze('giao về Đà Nẵng').filter((t) => t.place).map((t) => t.folded);
    expect(places).toEqual(['da', 'nang']);
  });
});
