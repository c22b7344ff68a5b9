import type { CampaignTarget, CampaignWindow } from '../../src/core/channel';
import { STANDARD_WINDOW_MS } from './window';

/**
 * Whether a campaign (promotional) message may go to a Messenger contact now.
 *
 * Only inside the standard 24-hour window since the contact's last message, sent as
 * `messaging_type: RESPONSE`. Outside it nothing promotional may be sent: the message tags
 * that remain (HUMAN_AGENT, and the deprecated ACCOUNT_UPDATE / CONFIRMED_EVENT_UPDATE /
 * POST_PURCHASE_UPDATE, refused with error 100 from 2026-04-27) all forbid promotional
 * content, and HUMAN_AGENT is for a person answering, never for automated sends.
 * The window never reopens by itself (only the contact writing again opens it), so a closed
 * window has no `notBefore`: the campaign skips the contact. The reasons are fixed strings (no
 * ages in them): previews and delivery reports count recipients by reason.
 * // ref: https://developers.facebook.com/docs/messenger-platform/policy/policy-overview (24 h; tags not for promotions)
 * // ref: https://developers.facebook.com/docs/messenger-platform/send-messages/message-tags
 * // ref: channels.md §1 (24 h requirement [M9], tag deprecation [S1])
 */

/** Reason when the contact wrote more than 24 h ago. */
export const MESSENGER_OUTSIDE_WINDOW = "Messenger: outside Messenger's 24-hour window (no message tag allows promotions)";
/** Reason when the contact never wrote to the Page. */
export const MESSENGER_NEVER_CONTACTED = 'Messenger: the contact has never written to the Page (no message tag allows promotions)';

export function messengerCampaignWindow(target: Pick<CampaignTarget, 'lastInboundAt'>, now: Date): CampaignWindow {
  const { lastInboundAt } = target;
  if (!lastInboundAt) return { open: false, reason: MESSENGER_NEVER_CONTACTED, notBefore: null };
  // A contact timestamp slightly ahead of our clock counts as "just now" (as in window.ts).
  const elapsed = Math.max(0, now.getTime() - lastInboundAt.getTime());
  if (elapsed < STANDARD_WINDOW_MS) return { open: true };
  return { open: false, reason: MESSENGER_OUTSIDE_WINDOW, notBefore: null };
}
