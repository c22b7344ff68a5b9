import type { DomainEvent } from '../core/domain-events';
import type { Kysely } from 'kysely';
import type { Database } from './schema';
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
