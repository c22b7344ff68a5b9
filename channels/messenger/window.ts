/**
 * Messenger's messaging windows, decided BEFORE calling Meta:
 *  - under 24 h since the contact's last message: anything, as `RESPONSE`;
 *  - 24 h to 7 days: only a HUMAN agent, only with Meta's Human Agent feature granted,
 *    as `MESSAGE_TAG` + `HUMAN_AGENT`;
 *  - otherwise: refused, with a reason an agent can act on.
 * Bots and system messages never get a tag, and the deprecated tags (ACCOUNT_UPDATE,
 * CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE — error 100 from 2026-04-27) are never used.
 * `lastInboundAt` must only move on contact-originated events (messages, postbacks, quick
 * replies), never on delivery/read receipts.
 * // ref: https://developers.facebook.com/docs/messenger-platform/reference/send-api (24 h requirement, messaging_type, tag)
 * // ref: https://developers.facebook.com/docs/features-reference/human-agent
 */

export const STANDARD_WINDOW_MS = 24 * 3_600_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3_600_000;

export interface WindowInput {
  lastInboundAt: Date | null;
  now: Date;
  senderType: 'bot' | 'agent' | 'system';
  /** Meta granted the Human Agent feature to our app (MESSENGER_HUMAN_AGENT). */
  humanAgentGranted: boolean;
}

export type WindowRefusal = 'never_contacted' | 'automated_outside_window' | 'human_agent_not_granted' | 'human_agent_window_over';

export type WindowDecision =
  | { allowed: true; messagingType: 'RESPONSE' }
  | { allowed: true; messagingType: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' }
  | { allowed: false; code: WindowRefusal; reason: string };

export function decideWindow({ lastInboundAt, now, senderType, humanAgentGranted }: WindowInput): WindowDecision {
  if (!lastInboundAt) {
    return { allowed: false, code: 'never_contacted', reason: 'Messenger: the contact has not written to the Page yet; Messenger only allows replies after they do' };
  }
  // A contact timestamp slightly ahead of our clock counts as "just now".
  const elapsed = Math.max(0, now.getTime() - lastInboundAt.getTime());
  if (elapsed < STANDARD_WINDOW_MS) return { allowed: true, messagingType: 'RESPONSE' };

  const since = `the contact last wrote ${describe(elapsed)} ago`;
  if (elapsed >= HUMAN_AGENT_WINDOW_MS) {
    return { allowed: false, code: 'human_agent_window_over', reason: `Messenger: ${since}; after 7 days nothing can be sent until they write again` };
  }
  if (senderType !== 'agent') {
    return { allowed: false, code: 'automated_outside_window', reason: `Messenger: outside the 24-hour window (${since}); automatic messages are not allowed, only a human agent can reply now` };
  }
  if (!humanAgentGranted) {
    return {
      allowed: false,
      code: 'human_agent_not_granted',
      reason: `Messenger: outside the 24-hour window (${since}); replying up to 7 days needs Meta's Human Agent permission (MESSENGER_HUMAN_AGENT)`,
    };
  }
  return { allowed: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
}

function describe(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  if (hours < 48) return `${hours} h`;
  const days = Math.floor(hours / 24);
  return `${days} days ${hours % 24} h`;
}
