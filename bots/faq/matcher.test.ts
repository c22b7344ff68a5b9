import fs from 'node:fs';
import path from 'node:path';
import { FaqIndex } from './faq-index';
import { createFaqMatcher } from './matcher';
import type { FaqEntry } from './types';

const demo = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'demo-faq.json'), 'utf8')) as FaqEntry[];

describe('FAQ matcher', () => {
  const matcher = createFaqMatcher(demo);

  it('answers a question with and without diacritics and in teencode', () => {
    for (const q of ['Bảo hành bao lâu vậy shop?', 'bao hanh bao lau', 'bh bn lâu v ad']) {
      expect(matcher.match(q)).toMatchObject({ query: q, action: 'answer', faqId: 'bao-hanh', reason: 'matched' });
    }
  });

  it('gives a 0..1 confidence and the best other entry', () => {
    const r = matcher.match('phí giao hàng bao nhiêu');
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(r.runnerUp?.faqId).toBeDefined();
    expect(r.runnerUp?.faqId).not.toBe(r.faqId);
    expect(r.runnerUp!.confidence).toBeLessThan(r.confidence);
  });

  it('checks for a request for a person first', () => {
    expect(matcher.match('cho em gặp nhân viên tư vấn về bảo hành')).toEqual({ query: 'cho em gặp nhân viên tư vấn về bảo hành', action: 'handoff', faqId: null, confidence: 1, reason: 'requested' });
  });

  it('stays quiet on greetings and empty messages', () => {
    for (const q of ['', '   ', 'alo', 'shop ơi', 'chào ad ạ', 'cảm ơn shop', '😊']) expect(matcher.match(q)).toMatchObject({ action: 'none', faqId: null, reason: 'empty' });
  });

  it('hands off what the FAQ does not cover, naming the closest entry for the log', () => {
    const r = matcher.match('máy giặt nhà tôi bị kêu to khi vắt');
    expect(r).toMatchObject({ action: 'handoff', faqId: null, reason: 'low_confidence' });
  });

  it('hands off a question that fits two entries equally', () => {
    const m = createFaqMatcher([
      { id: 'fee', question: 'Phí giao hàng nội thành', variants: [], answer: 'a', lang: 'vi' },
      { id: 'time', question: 'Giờ giao hàng nội thành', variants: [], answer: 'b', lang: 'vi' },
    ]);
    expect(m.match('giao hàng nội thành')).toMatchObject({ action: 'handoff', reason: 'ambiguous' });
    expect(m.match('phí giao hàng nội thành')).toMatchObject({ action: 'answer', faqId: 'fee' });
  });
});

describe('incremental updates', () => {
  const base: FaqEntry[] = [
    { id: 'hours', question: 'Cửa hàng mở cửa mấy giờ?', variants: ['Giờ làm việc của shop'], answer: '8h-21h', lang: 'vi' },
    { id: 'address', question: 'Địa chỉ cửa hàng ở đâu?', variants: [], answer: '128 Nguyễn Trãi', lang: 'vi' },
    { id: 'warranty', question: 'Bảo hành bao lâu?', variants: ['Thời gian bảo hành mấy tháng?'], answer: '24 tháng', lang: 'vi' },
  ];

  it('never returns a removed entry', () => {
    const m = createFaqMatcher(base);
    expect(m.match('bảo hành bao lâu').faqId).toBe('warranty');
    expect(m.remove('warranty')).toBe(true);
    expect(m.remove('warranty')).toBe(false);
    expect(m.size).toBe(2);
    const r = m.match('bảo hành bao lâu');
    expect(r.faqId).toBeNull();
    expect(r.runnerUp?.faqId).not.toBe('warranty');
    expect(r.candidate?.faqId).not.toBe('warranty');
  });

  it('makes an edited variant matchable and forgets the old one', () => {
    const m = createFaqMatcher(base);
    expect(m.match('trả góp qua thẻ tín dụng').action).not.toBe('answer');
    m.upsert({ ...base[2]!, id: 'warranty', variants: ['Mua trả góp qua thẻ tín dụng được không?'] });
    expect(m.size).toBe(3);
    expect(m.match('trả góp qua thẻ tín dụng')).toMatchObject({ action: 'answer', faqId: 'warranty' });
    expect(m.match('bảo hành bao lâu').faqId).toBe('warranty');
    expect(m.match('thời gian bảo hành mấy tháng').confidence).toBeLessThan(createFaqMatcher(base).match('thời gian bảo hành mấy tháng').confidence);
  });

  it('gives the same results as an index built from scratch', () => {
    const grown = new FaqIndex(base.slice(0, 1));
    grown.upsert(base[1]!);
    grown.upsert({ ...base[2]!, variants: ['x'] });
    grown.upsert(base[2]!);
    grown.upsert({ id: 'tmp', question: 'Tạm thời bảo hành', variants: [], answer: '-', lang: 'vi' });
    grown.remove('tmp');
    const fresh = new FaqIndex(base);
    for (const q of ['bảo hành bao lâu', 'mấy giờ mở cửa', 'dia chi o dau', 'bao hanh may thang']) {
      expect(grown.search(q).candidates).toEqual(fresh.search(q).candidates);
    }
  });
});
