import type { Actor } from '../core/conversation-state';
import type { EventScope } from '../core/domain-events';
import type { ConversationRow, InboxRow } from '../store/schema';

/** The common fields of every event about a conversation, taken from its current row. */
export function scopeOf(conv: ConversationRow, inbox: Pick<InboxRow, 'id' | 'channel'>, actor: Actor, at: Date): EventScope {
  return {
    conversationId: conv.id,
    inboxId: inbox.id,
    channel: inbox.channel,
    contactId: conv.contact_id,
    teamId: conv.team_id,
    agentId: conv.assignee_id,
    at,
    actor: { type: actor.type, id: actor.id ?? null },
  };
}
