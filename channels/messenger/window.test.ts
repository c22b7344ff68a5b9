import { decideWindow, type WindowDecision, type WindowInput } from './window';

const now = new Date('2026-03-10T12:00:00Z');
const H = 3_600_000;
const ago = (ms: number) => new Date(now.getTime() - ms);

const RESPONSE: WindowDecision = { allowed: true, messagingType: 'RESPONSE' };
const HUMAN_AGENT: WindowDecision = { allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
const refused = (code: string) => expect.objectContaining({ allowed: false, code, reason: expect.stringMatching(/^Messenger: /) });

describe('decideWindow', () => {
  const cases: [string, Omit<WindowInput, 'now'>, unknown][] = [
    ['bot, 1 minute after the contact wrote', { lastInboundAt: ago(60_000), senderType: 'bot', humanAgentGranted: false }, RESPONSE],
    ['agent, 23 h 59 m', { lastInboundAt: ago(24 * H - 60_000), senderType: 'agent', humanAgentGranted: false }, RESPONSE],
    ['system, 2 h', { lastInboundAt: ago(2 * H), senderType: 'system', humanAgentGranted: true }, RESPONSE],
    ['contact clock slightly ahead of ours', { lastInboundAt: new Date(now.getTime() + 5_000), senderType: 'bot', humanAgentGranted: false }, RESPONSE],
    ['agent, exactly 24 h, Human Agent granted', { lastInboundAt: ago(24 * H), senderType: 'agent', humanAgentGranted: true }, HUMAN_AGENT],
    ['agent, 25 h, Human Agent granted', { lastInboundAt: ago(25 * H), senderType: 'agent', humanAgentGranted: true }, HUMAN_AGENT],
    ['agent, 6 days 23 h, Human Agent granted', { lastInboundAt: ago(7 * 24 * H - H), senderType: 'agent', humanAgentGranted: true }, HUMAN_AGENT],
    ['agent, 25 h, no Human Agent', { lastInboundAt: ago(25 * H), senderType: 'agent', humanAgentGranted: false }, refused('human_agent_not_granted')],
    ['bot, 25 h, even with Human Agent granted', { lastInboundAt: ago(25 * H), senderType: 'bot', humanAgentGranted: true }, refused('automated_outside_window')],
    ['system, 30 h, Human Agent granted', { lastInboundAt: ago(30 * H), senderType: 'system', humanAgentGranted: true }, refused('automated_outside_window')],
    ['agent, exactly 7 days, Human Agent granted', { lastInboundAt: ago(7 * 24 * H), senderType: 'agent', humanAgentGranted: true }, refused('human_agent_window_over')],
    ['bot, 10 days', { lastInboundAt: ago(10 * 24 * H), senderType: 'bot', humanAgentGranted: false }, refused('human_agent_window_over')],
    ['agent, the contact never wrote', { lastInboundAt: null, senderType: 'agent', humanAgentGranted: true }, refused('never_contacted')],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(decideWindow({ ...input, now })).toEqual(expected);
  });

  it('explains the refusal in words an agent can act on', () => {
    const d = decideWindow({ lastInboundAt: ago(25 * H), now, senderType: 'agent', humanAgentGranted: false });
    expect(d).toMatchObject({ allowed: false, reason: expect.stringContaining('25 h') });
    expect(d).toMatchObject({ reason: expect.stringContaining('Human Agent') });
  });

  it('never produces a deprecated tag', () => {
    for (const h of [1, 23, 24, 30, 100, 167, 168, 500]) {
      for (const senderType of ['bot', 'agent', 'system'] as const) {
        const d = decideWindow({ lastInboundAt: ago(h * H), now, senderType, humanAgentGranted: true });
        if (d.allowed && d.messagingType === 'MESSAGE_TAG') expect([d.tag, senderType]).toEqual(['HUMAN_AGENT', 'agent']);
      }
    }
  });
});
