import fs from 'node:fs';
import path from 'node:path';
import { answerBatch, readBatchQuestions } from './batch';
import type { FaqEntry } from './types';

const demo = JSON.parse(fs.readFileSync(path.join(__dirname, 'data', 'demo-faq.json'), 'utf8')) as FaqEntry[];

describe('batch answers', () => {
  it('gives one plain object per question, confidence rounded to 3 decimals', () => {
    const out = answerBatch(demo, ['bao hanh bao lau', 'cho em gặp nhân viên', 'alo', 'thời tiết hôm nay thế nào']);
    expect(out.map((r) => [r.action, r.faqId, r.reason])).toEqual([
      ['answer', 'bao-hanh', 'matched'],
      ['handoff', null, 'requested'],
      ['none', null, 'empty'],
      ['handoff', null, 'low_confidence'],
    ]);
    for (const r of out) {
      expect(Object.keys(r)).toEqual(['query', 'action', 'faqId', 'confidence', 'reason']);
      expect(Math.round(r.confidence * 1000) / 1000).toBe(r.confidence);
    }
    expect(out[0]!.query).toBe('bao hanh bao lau');
  });

  it('handles a thousand questions', () => {
    const questions = Array.from({ length: 1000 }, (_, i) => ['phí ship bao nhiêu', 'bh bn lâu', 'có trả góp không', 'địa chỉ shop ở đâu'][i % 4]!);
    const out = answerBatch(demo, questions);
    expect(out).toHaveLength(1000);
    expect(new Set(out.map((r) => r.faqId))).toEqual(new Set(['phi-giao-hang', 'bao-hanh', 'tra-gop', 'dia-chi']));
  });

  it('reads a batch file as lines or as a JSON array', () => {
    expect(readBatchQuestions('\uFEFFbao hanh bao lau\r\n\r\n  phi ship  \n')).toEqual(['bao hanh bao lau', 'phi ship']);
    expect(readBatchQuestions('["a", "b"]')).toEqual(['a', 'b']);
    expect(() => readBatchQuestions('[1, 2]')).toThrow(/array of strings/);
  });
});
