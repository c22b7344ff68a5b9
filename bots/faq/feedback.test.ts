import { classifyFeedback, FEEDBACK_PAYLOADS } from './feedback';

describe('reply to "did this help?"', () => {
  it('reads the quick-reply payloads', () => {
    expect(classifyFeedback(FEEDBACK_PAYLOADS.yes)).toBe('yes');
    expect(classifyFeedback(FEEDBACK_PAYLOADS.no)).toBe('no');
  });

  it.each(['có', 'co', 'Có ạ', 'dc', 'đc rồi', 'ok', 'oke shop', 'yes', 'cảm ơn', 'cam on shop nhieu', 'tks', 'đúng rồi', 'vâng', 'rõ rồi, cảm ơn', 'thank you', '👍'])('yes: %s', (reply) => {
    expect(classifyFeedback(reply)).toBe('yes');
  });

  it.each(['không', 'ko', 'k', 'chưa', 'no', 'sai rồi', 'vẫn chưa được', 'không đúng ý tôi', 'chưa hiểu lắm', 'ok nhưng vẫn chưa được', 'not helpful', '👎'])('no: %s', (reply) => {
    expect(classifyFeedback(reply)).toBe('no');
  });

  it.each(['thế còn trả góp thì sao?', 'có giao tỉnh không', 'phí ship bao nhiêu', 'cho mình hỏi thêm về bảo hành', '', '🙂'])('other: %s', (reply) => {
    expect(classifyFeedback(reply)).toBe('other');
  });
});
