import { sql } from 'kysely';
import type { Db } from '../unit-of-work';
import type { ConversationRow, MessageRow } from '../schema';
import { contentText, type InboundMessage } from '../../core/message';
import { keepPlan } from '../prepared-pool';
import { toJson } from '../json';
import { rowFromJson } from '../row-json';

/** What `omnigate_inbound_message` did (migration 0012 explains each outcome). */
export type FastPathOutcome =
  | { outcome: 'stored'; channel: string; contactId: number; conversation: ConversationRow; message: MessageRow }
  | { outcome: 'duplicate' }
  | { outcome: 'general' };

/**
 * A known contact's message into a conversation that stays as it is, stored with its
 * event-log row in one statement (one round trip, no BEGIN/COMMIT). `general` means
 * nothing was written and the general path must run; it takes the lock itself.
 */
export async function storeIntoOpenConversation(db: Db, lockKey: string, event: InboundMessage, now: Date): Promise<FastPathOutcome> {
  const p = event.profile;
  const { rows } = await sql<{ result: Record<string, unknown> }>`select omnigate_inbound_message(
      ${lockKey}, ${event.channel}, ${event.accountId}, ${event.externalUserId},
      ${p?.name ?? null}, ${p?.phone ?? null}, ${p?.email ?? null}, ${p?.avatarUrl ?? null},
      ${toJson(event.content)}::jsonb, ${contentText(event.content)}, ${event.externalId}, ${event.sentAt}, ${now}, ${event.passive === true}
    ) as result ${keepPlan()}`.execute(db);
  const result = rows[0]!.result;
  if (result.outcome !== 'stored') return result as FastPathOutcome;
  return {
    outcome: 'stored',
    channel: result.channel as string,
    contactId: result.contactId as number,
    conversation: rowFromJson<ConversationRow>(result.conversation as Record<string, unknown>),
    message: rowFromJson<MessageRow>(result.message as Record<string, unknown>),
  };
}
