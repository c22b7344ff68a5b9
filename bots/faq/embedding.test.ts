import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cosine, loadEmbeddingProvider, looksEnglish } from './embedding';
import { createFaqMatcher } from './matcher';
import type { FaqEntry } from './types';

/** A three-dimensional "aligned" model: delivery cost, warranty, and everything else. */
const VECTORS: Record<string, number[]> = {
  phí: [1, 0, 0],
  giao: [0.9, 0.1, 0],
  hàng: [0.6, 0.2, 0.2],
  delivery: [0.95, 0.05, 0],
  cost: [1, 0, 0.1],
  bảo: [0, 0.05, 1],
  hành: [0, 0.1, 1],
  warranty: [0, 0, 1],
  guarantee: [0.05, 0, 1],
};

const entries: FaqEntry[] = [
  { id: 'fee', question: 'Phí giao hàng là bao nhiêu?', variants: [], answer: '30.000đ', lang: 'vi' },
  { id: 'warranty', question: 'Bảo hành bao lâu?', variants: ['Thời gian bảo hành'], answer: '24 tháng', lang: 'vi' },
];

describe('embedding provider', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-embed-'));
    fs.mkdirSync(path.join(dir, 'json'));
    fs.writeFileSync(path.join(dir, 'json', 'vectors.json'), JSON.stringify({ dim: 3, vectors: VECTORS }));
    fs.mkdirSync(path.join(dir, 'txt'));
    fs.writeFileSync(path.join(dir, 'txt', 'vectors.txt'), `${Object.keys(VECTORS).length} 3\n${Object.entries(VECTORS).map(([w, v]) => `${w} ${v.join(' ')}`).join('\n')}\n`);
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'vectors.json'), JSON.stringify({ dim: 3, vectors: { a: [1, 2] } }));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is off unless a directory is configured, and a wrong directory is an error', async () => {
    expect(await loadEmbeddingProvider(undefined)).toBeNull();
    expect(await loadEmbeddingProvider('')).toBeNull();
    await expect(loadEmbeddingProvider(path.join(dir, 'missing'))).rejects.toThrow(/neither vectors.json nor vectors.txt/);
    await expect(loadEmbeddingProvider(path.join(dir, 'bad'))).rejects.toThrow(/must have 3 numbers/);
  });

  it('reads both model formats into the same averaged vectors', async () => {
    const fromJson = (await loadEmbeddingProvider(path.join(dir, 'json')))!;
    const fromTxt = (await loadEmbeddingProvider(path.join(dir, 'txt')))!;
    const [a, b] = await fromJson.embed(['delivery cost', 'Bảo hành']);
    const [c] = await fromTxt.embed(['delivery cost']);
    expect(Array.from(c!)).toEqual(Array.from(a!));
    expect(cosine(a!, b!)).toBeLessThan(0.2);
    const [unknown] = await fromJson.embed(['xyz']);
    expect(cosine(unknown!, a!)).toBe(0);
  });

  it('answers an English question with no lexical match from the embeddings', async () => {
    const embedding = await loadEmbeddingProvider(path.join(dir, 'json'));
    const matcher = createFaqMatcher(entries, { embedding });
    const q = 'What does delivery cost?';
    expect(matcher.match(q).action).toBe('handoff');
    const r = await matcher.matchAsync(q);
    expect(r).toMatchObject({ action: 'answer', faqId: 'fee', reason: 'matched' });
    expect(r.confidence).toBeGreaterThan(0.8);
    expect(await matcher.matchAsync('Is there a guarantee?')).toMatchObject({ action: 'answer', faqId: 'warranty' });
  });

  it('leaves Vietnamese questions, requests for a person and removed entries alone', async () => {
    const embedding = await loadEmbeddingProvider(path.join(dir, 'json'));
    const matcher = createFaqMatcher(entries, { embedding });
    expect(await matcher.matchAsync('phi van chuyen cua shop the nao')).toEqual(matcher.match('phi van chuyen cua shop the nao'));
    expect(await matcher.matchAsync('talk to a human')).toMatchObject({ reason: 'requested' });
    matcher.remove('fee');
    expect((await matcher.matchAsync('What does delivery cost?')).faqId).not.toBe('fee');
  });

  it('works without a provider', async () => {
    const matcher = createFaqMatcher(entries);
    expect(await matcher.matchAsync('What does delivery cost?')).toEqual(matcher.match('What does delivery cost?'));
  });

  it('recognises English', () => {
    expect(looksEnglish('What does delivery cost?')).toBe(true);
    expect(looksEnglish('Do you ship to Hanoi?')).toBe(true);
    expect(looksEnglish('phi giao hang bao nhieu')).toBe(false);
    expect(looksEnglish('Phí giao hàng?')).toBe(false);
  });
});
