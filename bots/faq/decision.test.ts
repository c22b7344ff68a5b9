import { decide } from './decision';

describe('decision rule', () => {
  const t = { answer: 0.4, margin: 0.05 };

  it('answers a clear winner', () => {
    expect(decide([{ faqId: 'a', confidence: 0.8 }, { faqId: 'b', confidence: 0.3 }], false, t)).toEqual({ action: 'answer', faqId: 'a', confidence: 0.8, reason: 'matched' });
    expect(decide([{ faqId: 'a', confidence: 0.45 }], false, t)).toMatchObject({ action: 'answer', faqId: 'a' });
  });

  it('hands off a near tie between two entries as ambiguous', () => {
    expect(decide([{ faqId: 'a', confidence: 0.8 }, { faqId: 'b', confidence: 0.78 }], false, t)).toEqual({ action: 'handoff', confidence: 0.8, reason: 'ambiguous' });
  });

  it('hands off a low score as low confidence, before looking at the margin', () => {
    expect(decide([{ faqId: 'a', confidence: 0.3 }, { faqId: 'b', confidence: 0.29 }], false, t)).toEqual({ action: 'handoff', confidence: 0.3, reason: 'low_confidence' });
    expect(decide([], false, t)).toEqual({ action: 'handoff', confidence: 0, reason: 'low_confidence' });
  });

  it('does nothing for a message that asks nothing', () => {
    expect(decide([{ faqId: 'a', confidence: 0.9 }], true, t)).toEqual({ action: 'none', confidence: 0, reason: 'empty' });
  });

  it('uses the tuned defaults when no thresholds are given', () => {
    expect(decide([{ faqId: 'a', confidence: 0.95 }], false).action).toBe('answer');
    expect(decide([{ faqId: 'a', confidence: 0.05 }], false).action).toBe('handoff');
  });
});
