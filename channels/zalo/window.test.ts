import { DAY, HOUR, MINUTE } from '../../src/core/clock';
import { evaluateWindow } from './window';

const now = new Date('2026-01-05T02:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('Zalo CS window and free-reply quota', () => {
  it.each<[string, Date | null, number, { allowed: boolean; freeRepliesLeft: number; charged: boolean; replyByMessageId: boolean }]>([
    ['just after the user wrote', ago(MINUTE), 0, { allowed: true, freeRepliesLeft: 8, charged: false, replyByMessageId: true }],
    ['5 replies sent, 10 h later', ago(10 * HOUR), 5, { allowed: true, freeRepliesLeft: 3, charged: false, replyByMessageId: true }],
    ['8th reply is still free', ago(HOUR), 7, { allowed: true, freeRepliesLeft: 1, charged: false, replyByMessageId: true }],
    ['9th reply is charged', ago(HOUR), 8, { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: true }],
    ['exactly 48 h: still the free window', ago(48 * HOUR), 0, { allowed: true, freeRepliesLeft: 8, charged: false, replyByMessageId: true }],
    ['48 h + 1 ms: charged, to user_id', ago(48 * HOUR + 1), 0, { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: false }],
    ['6 days: charged, allowed', ago(6 * DAY), 0, { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: false }],
    ['exactly 7 days: allowed', ago(7 * DAY), 0, { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: false }],
    ['7 days + 1 ms: refused', ago(7 * DAY + 1), 0, { allowed: false, freeRepliesLeft: 0, charged: false, replyByMessageId: false }],
    ['8 days: refused', ago(8 * DAY), 0, { allowed: false, freeRepliesLeft: 0, charged: false, replyByMessageId: false }],
    ['user message "in the future" (clock skew) counts as now', new Date(now.getTime() + MINUTE), 2, { allowed: true, freeRepliesLeft: 6, charged: false, replyByMessageId: true }],
    ['no known inbound message: Zalo decides', null, 0, { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: false }],
  ])('%s', (_label, lastInboundAt, sent, expected) => {
    expect(evaluateWindow({ lastInboundAt, oaMessagesSinceLastInbound: sent, now })).toMatchObject(expected);
  });

  it('explains a refusal in words an agent understands, with the −230 code', () => {
    const decision = evaluateWindow({ lastInboundAt: ago(8 * DAY + 3 * HOUR), oaMessagesSinceLastInbound: 0, now });
    expect(decision.reason).toBe(
      'Zalo: the user has not interacted in 7 days (last message 8 days 3 h ago); customer-care messages are refused (−230)',
    );
  });

  it('says why a message is charged; a free one has no reason', () => {
    expect(evaluateWindow({ lastInboundAt: ago(HOUR), oaMessagesSinceLastInbound: 8, now }).reason).toMatch(/8 free replies/);
    expect(evaluateWindow({ lastInboundAt: ago(3 * DAY), oaMessagesSinceLastInbound: 0, now }).reason).toMatch(/48 h/);
    expect(evaluateWindow({ lastInboundAt: ago(HOUR), oaMessagesSinceLastInbound: 0, now }).reason).toBeNull();
  });
});
