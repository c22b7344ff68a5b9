import { canTransition, initialStatus, nextStatus, CONVERSATION_STATUSES, type TransitionAction } from '../../src/core/conversation-state';
import { GatewayError } from '../../src/core/errors';

const ctx = { assigneeId: null, botEnabled: true };

describe('conversation state machine', () => {
  test.each([
    ['bot', 'handoff', ctx, 'pending'],
    ['bot', 'assign', { ...ctx, assigneeId: 7 }, 'open'],
    ['pending', 'assign', { ...ctx, assigneeId: 7 }, 'open'],
    ['open', 'assign', { ...ctx, assigneeId: 8 }, 'open'],
    ['open', 'unassign', ctx, 'pending'],
    ['open', 'snooze', ctx, 'snoozed'],
    ['snoozed', 'unsnooze', { ...ctx, assigneeId: 7 }, 'open'],
    ['snoozed', 'unsnooze', ctx, 'pending'],
    ['open', 'resolve', ctx, 'resolved'],
    ['bot', 'resolve', ctx, 'resolved'],
    ['resolved', 'reopen', { ...ctx, assigneeId: 7 }, 'open'],
    ['resolved', 'reopen', ctx, 'bot'],
    ['resolved', 'reopen', { assigneeId: null, botEnabled: false }, 'pending'],
  ] as const)('%s --%s--> %s', (from, action, context, to) => {
    expect(nextStatus(from, action, context)).toBe(to);
  });

  test.each([
    ['pending', 'handoff'],
    ['resolved', 'resolve'],
    ['resolved', 'assign'],
    ['bot', 'snooze'],
    ['open', 'reopen'],
    ['bot', 'unsnooze'],
  ] as const)('refuses %s --%s with a coded error', (from, action) => {
    expect(canTransition(from, action)).toBe(false);
    expect(() => nextStatus(from, action, ctx)).toThrow(GatewayError);
    try {
      nextStatus(from, action, ctx);
    } catch (e) {
      expect((e as GatewayError).code).toBe('GW_ERR_INVALID_TRANSITION');
    }
  });

  test('every status can be resolved or reopened, and nothing leaves resolved but reopen', () => {
    const actions: TransitionAction[] = ['handoff', 'assign', 'unassign', 'snooze', 'unsnooze', 'resolve', 'reopen'];
    for (const s of CONVERSATION_STATUSES) {
      expect(canTransition(s, s === 'resolved' ? 'reopen' : 'resolve')).toBe(true);
    }
    expect(actions.filter((a) => canTransition('resolved', a))).toEqual(['reopen']);
  });

  test('new conversations start with the bot only when the inbox has one', () => {
    expect(initialStatus(true)).toBe('bot');
    expect(initialStatus(false)).toBe('pending');
  });
});
