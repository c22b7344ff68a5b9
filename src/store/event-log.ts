import type { DomainEvent } from '../core/domain-events';
import type { ActorType } from '../core/conversation-state';
import type { Kysely, Selectable } from 'kysely';
import type { Database, ConversationEventsTable } from './schema';
import { toJson } from './json';
import { keepPlan } from './prepared-pool';

const SCOPE_KEYS = new Set(['type', 'conversationId', 'inboxId', 'channel', 'contactId', 'teamId', 'agentId', 'at', 'actor']);

/**
 * Appends a domain event to `conversation_events`, the append-only log that all metrics
 * are computed from (docs/metrics.md). UnitOfWork.emit calls it inside the transaction of
 * the change, so the log never disagrees with the data. The inbound fast path writes the
 * same row for `message.received` in SQL (migration 0012; a test compares the two).
 */
export async function appendToEventLog(db: Kysely<Database>, event: DomainEvent): Promise<void> {
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) if (!SCOPE_KEYS.has(key)) data[key] = value;
  await db
    .insertInto('conversation_events')
    .values({
      type: event.type,
      conversation_id: event.conversationId,
      inbox_id: event.inboxId,
      channel: event.channel,
      contact_id: event.contactId,
      team_id: event.teamId,
      agent_id: event.agentId,
      actor_type: event.actor.type,
      actor_id: event.actor.id,
      data: toJson(data),
      at: event.at,
    })
    .modifyEnd(keepPlan())
    .execute();
}

/** A row of the log as the event it records (the inverse of `appendToEventLog`). */
export function eventFromLog<T extends DomainEvent = DomainEvent>(row: Selectable<ConversationEventsTable>): T {
  return {
    ...(row.data as Record<string, unknown>),
    type: row.type,
    conversationId: row.conversation_id,
    inboxId: row.inbox_id,
    channel: row.channel,
    contactId: row.contact_id,
    teamId: row.team_id,
    agentId: row.agent_id,
    at: row.at,
    actor: { type: row.actor_type as ActorType, id: row.actor_id },
  } as unknown as T;
}
