import { createFaqMatcher } from './matcher';
import type { FaqEntry } from './types';

/**
 * Match latency by FAQ size, for the project's benchmark runner (`npm run bench`). FAQs
 * of each size are generated from Vietnamese shop vocabulary (topics × products ×
 * phrasings), queries are variants of random entries with diacritics dropped, teencode
 * or a typo, plus some out-of-scope questions. Bounded: at most `queries` per size and
 * `budgetMs` in all. Not a test.
 */

const TOPICS = [
  'bảo hành', 'đổi trả', 'trả góp', 'giao hàng', 'lắp đặt', 'vệ sinh', 'khuyến mãi', 'hóa đơn', 'thanh toán', 'tích điểm', 'sửa chữa', 'bảo dưỡng',
  'phí vận chuyển', 'hủy đơn', 'kiểm tra đơn', 'thu cũ đổi mới', 'phụ kiện', 'linh kiện', 'đặt lịch', 'hoàn tiền',
];
const PRODUCTS = [
  'tivi', 'tủ lạnh', 'máy giặt', 'điều hòa', 'nồi cơm điện', 'lò vi sóng', 'máy lọc nước', 'bình nóng lạnh', 'quạt điện', 'máy sấy tóc', 'loa',
  'tai nghe', 'máy hút bụi', 'bếp từ', 'máy rửa bát', 'tủ đông', 'máy lọc không khí', 'nồi chiên', 'máy xay sinh tố', 'ấm siêu tốc',
];
const BRANDS = ['Samsung', 'LG', 'Sony', 'Panasonic', 'Daikin', 'Toshiba', 'Sharp', 'Electrolux', 'Aqua', 'Casper', 'Sunhouse', 'Philips'];
const FRAMES = [
  (t: string, p: string) => `${t} ${p} như thế nào?`,
  (t: string, p: string) => `${p} có được ${t} không?`,
  (t: string, p: string) => `Chính sách ${t} cho ${p} ra sao?`,
  (t: string, p: string) => `Mua ${p} thì ${t} bao lâu?`,
  (t: string, p: string) => `${t} ${p} mất phí bao nhiêu?`,
];
const OUT_OF_SCOPE = ['hôm nay trời có mưa không', 'kể chuyện cười đi', 'giá vàng hôm nay', 'alo shop ơi', 'cho em gặp nhân viên'];

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

export function synthesiseFaq(size: number, seed = 1): FaqEntry[] {
  const rnd = random(seed);
  return Array.from({ length: size }, (_, i) => {
    const topic = pick(rnd, TOPICS);
    const product = `${pick(rnd, PRODUCTS)} ${pick(rnd, BRANDS)}${i >= TOPICS.length * PRODUCTS.length ? ` ${100 + (i % 900)}` : ''}`;
    const frames = [...FRAMES].sort(() => rnd() - 0.5);
    return { id: `faq-${i}`, question: frames[0]!(topic, product), variants: frames.slice(1, 4).map((f) => f(topic, product)), answer: `Trả lời ${i}`, lang: 'vi' };
  });
}

function perturb(rnd: () => number, text: string): string {
  const kind = rnd();
  if (kind < 0.3) return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd');
  if (kind < 0.5) return text.replace(/không/g, 'ko').replace(/được/g, 'đc').replace(/bao nhiêu/g, 'bn');
  if (kind < 0.7) {
    const at = 1 + Math.floor(rnd() * (text.length - 2));
    return text.slice(0, at) + text[at + 1] + text[at] + text.slice(at + 2);
  }
  return text;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

export interface FaqBenchRow {
  size: number;
  p50: number;
  p99: number;
  queries: number;
  buildMs: number;
}

/** `budgetMs` bounds the querying (split evenly between sizes); building the indexes comes on top. */
export function benchFaqMatch(sizes: readonly number[] = [20, 1000, 10000], queries = 2000, budgetMs = 10_000): FaqBenchRow[] {
  const rows: FaqBenchRow[] = [];
  for (const size of sizes) {
    const rnd = random(size);
    const entries = synthesiseFaq(size);
    const t0 = performance.now();
    const matcher = createFaqMatcher(entries);
    const buildMs = performance.now() - t0;
    const question = (): string => (rnd() < 0.1 ? pick(rnd, OUT_OF_SCOPE) : perturb(rnd, pick(rnd, pick(rnd, entries).variants)));
    for (let i = 0; i < 50; i++) matcher.match(question()); // warm-up, not measured
    const until = performance.now() + budgetMs / sizes.length;
    const times: number[] = [];
    while (times.length < queries && performance.now() < until) {
      const q = question();
      const t = performance.now();
      matcher.match(q);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    rows.push({ size, p50: percentile(times, 0.5), p99: percentile(times, 0.99), queries: times.length, buildMs });
  }
  return rows;
}
