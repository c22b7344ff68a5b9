import type { ActorType, ConversationStatus } from './conversation-state';
import type { MessageContent } from './message';

/**
 * The closed set of domain events (the names are those of docs/metrics.md). Each is
 * written to the conversation event log in the same transaction as the change it
 * records, then delivered to after-commit listeners (bot, realtime push, metrics).
 */
export const DOMAIN_EVENT_TYPES = [
  'conversation.created',
  'message.received',
  'message.sent',
  'message.status_changed',
  'bot.answered',
  'bot.handoff',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.status_changed',
  'conversation.resolved',
  'conversation.reopened',
  'survey.sent',
  'survey.answered',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

/** What every event carries, so metrics can be cut without joins. */
export interface EventScope {
  conversationId: number;
  inboxId: number;
  channel: string;
  contactId: number;
  teamId: number | null;
  agentId: number | null;
  at: Date;
  actor: { type: ActorType; id: number | null };
}

export interface MessageSummary {
  id: number;
  direction: 'in' | 'out';
  senderType: 'contact' | 'bot' | 'agent' | 'system';
  senderId: number | null;
  content: MessageContent;
  private: boolean;
  externalId: string | null;
}

export type DomainEvent =
  | (EventScope & { type: 'conversation.created'; status: ConversationStatus })
  | (EventScope & { type: 'message.received'; message: MessageSummary; passive?: boolean })
  | (EventScope & { type: 'message.sent'; message: MessageSummary })
  | (EventScope & { type: 'message.status_changed'; messageId: number; status: string; error: string | null })
  | (EventScope & { type: 'bot.answered'; faqId: string; confidence: number })
  | (EventScope & { type: 'bot.handoff'; reason: HandoffReason })
  | (EventScope & { type: 'conversation.assigned'; assigneeId: number | null; teamId: number | null })
  | (EventScope & {
      type: 'conversation.transferred';
      fromAgentId: number | null;
      fromTeamId: number | null;
      toAgentId: number | null;
      toTeamId: number | null;
      note: string | null;
    })
  | (EventScope & { type: 'conversation.status_changed'; from: ConversationStatus; to: ConversationStatus; reason: string | null })
  | (EventScope & { type: 'conversation.resolved'; from: ConversationStatus; reason: string | null })
  | (EventScope & { type: 'conversation.reopened'; to: ConversationStatus; reopenCount: number })
  | (EventScope & { type: 'survey.sent'; survey: 'csat' | 'nps' | 'rater' })
  | (EventScope & { type: 'survey.answered'; survey: 'csat' | 'nps' | 'rater'; score: number; comment: string | null });

export type HandoffReason = 'requested' | 'low_confidence' | 'negative_feedback' | 'rule' | 'agent_took_over';

export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
