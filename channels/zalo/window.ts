import { DAY, HOUR } from '../../src/core/clock';

/**
 * Zalo OA customer-care (`message/cs`) window and free-reply quota. Pure.
 *
 * 1. CS messages only within 7 days of the user's last interaction; later Zalo answers −230.
 *    We refuse BEFORE calling, with the reason. ref: channels.md §2.6 [Z5][Z19]
 * 2. Within 48 h of the user's last message the OA may send 8 free replies; the counter resets
 *    whenever the user writes again. The 9th+ message, and anything 48 h–7 d, is charged to the
 *    OA's quota / Zalo Cloud Account. ref: https://zalooa.freshdesk.com/support/solutions/articles/64000261136 [Z6]
 * 3. Only the user's messages are known to us (`lastInboundAt`); follow / menu taps also count as
 *    interaction for Zalo but do not reach this rule. With no known inbound message we let Zalo
 *    decide (it answers −230, mapped to the same clear reason).
 * 4. Replies go to `recipient.message_id` while the free window is open (Zalo counts a send with
 *    only `user_id` as proactive [Z6]); after 48 h they go to `recipient.user_id`.
 */

export const CS_WINDOW_MS = 7 * DAY;
export const FREE_REPLY_WINDOW_MS = 48 * HOUR;
export const FREE_REPLIES = 8;

export interface WindowInput {
  lastInboundAt: Date | null;
  /** OA messages already sent since `lastInboundAt` (0 right after the user wrote). */
  oaMessagesSinceLastInbound: number;
  now: Date;
}

export interface WindowDecision {
  allowed: boolean;
  /** Free replies left BEFORE this message (0 → this one is charged). */
  freeRepliesLeft: number;
  /** This message counts against the paid quota. */
  charged: boolean;
  /** Reply "to" the user's message (`recipient.message_id`) rather than to `user_id`. */
  replyByMessageId: boolean;
  /** Why it is refused or charged; null for a free reply. */
  reason: string | null;
}

export function evaluateWindow({ lastInboundAt, oaMessagesSinceLastInbound, now }: WindowInput): WindowDecision {
  if (lastInboundAt === null) {
    return { allowed: true, freeRepliesLeft: 0, charged: true, replyByMessageId: false, reason: 'no known message from the user: Zalo decides (−230 after 7 days)' };
  }
  const elapsed = Math.max(0, now.getTime() - lastInboundAt.getTime());
  if (elapsed > CS_WINDOW_MS) {
    return {
      allowed: false,
      freeRepliesLeft: 0,
      charged: false,
      replyByMessageId: false,
      reason: `Zalo: the user has not interacted in 7 days (last message ${describe(elapsed)} ago); customer-care messages are refused (−230)`,
    };
  }
  const inFreeWindow = elapsed <= FREE_REPLY_WINDOW_MS;
  const sent = Math.max(0, Math.floor(oaMessagesSinceLastInbound));
  const freeRepliesLeft = inFreeWindow ? Math.max(0, FREE_REPLIES - sent) : 0;
  const charged = freeRepliesLeft === 0;
  const reason = !charged
    ? null
    : inFreeWindow
      ? `charged: the ${FREE_REPLIES} free replies since the user's last message are used`
      : `charged: more than 48 h since the user's last message`;
  return { allowed: true, freeRepliesLeft, charged, replyByMessageId: inFreeWindow, reason };
}

function describe(ms: number): string {
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  return hours ? `${days} days ${hours} h` : `${days} days`;
}
