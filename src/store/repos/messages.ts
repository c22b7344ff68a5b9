import { keepPlan } from '../prepared-pool';
import type { Db } from '../unit-of-work';
import { sql } from 'kysely';
import type { ConversationRow, ConversationUpdate, MessagePurpose, MessageRow } from '../schema';
import type { MessageSummary } from '../../core/domain-events';
import type { MessageContent } from '../../core/message';
import { contentText } from '../../core/message';
import { toJson } from '../json';
import { rowFromJson } from '../row-json';

export interface NewMessageInput {
  conversationId: number;
  inboxId: number;
  direction: 'in' | 'out';
  senderType: MessageSummary['senderType'];
  senderId: number | null;
  content: MessageContent;
  private?: boolean;
  status: string;
  externalId: string | null;
  sentAt: Date;
  /** Proactive messages (`campaign`, `follow_up`) are no reply in the metrics; default `reply`. */
  purpose?: MessagePurpose;
}

/** Insert a message; returns undefined when (inbox, external id) already exists — a platform retry. */
export async function insertMessage(db: Db, input: NewMessageInput): Promise<MessageRow | undefined> {
  return db
    .insertInto('messages')
    .values(messageValues(input))
    .onConflict((oc) => oc.columns(['inbox_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
}

/**
 * A contact's message stored and its conversation updated in one statement (the update
 * runs only if the insert did: a data-modifying CTE sees the other's RETURNING rows only);
 * undefined for a retry of a stored message. One round trip fewer on the inbound path.
 */
export async function insertInboundMessage(
  db: Db,
  input: NewMessageInput,
  patch: ConversationUpdate,
): Promise<{ message: MessageRow; conversation: ConversationRow } | undefined> {
  const row = await db
    .with('m', (q) => q.insertInto('messages').values(messageValues(input)).onConflict((oc) => oc.columns(['inbox_id', 'external_id']).doNothing()).returningAll())
    .with('c', (q) =>
      q
        .updateTable('conversations')
        .set(patch)
        .where('id', '=', input.conversationId)
        .where((eb) => eb.exists(eb.selectFrom('m').select('m.id')))
        .returning(sql<Record<string, unknown>>`to_jsonb(conversations)`.as('conversation')),
    )
    .selectFrom('m')
    .innerJoin('c', (j) => j.onTrue())
    .selectAll('m')
    .select('c.conversation')
    .modifyEnd(keepPlan())
    .executeTakeFirst();
  if (!row) return undefined;
  const { conversation, ...message } = row;
  return { message, conversation: rowFromJson<ConversationRow>(conversation) };
}

function messageValues(input: NewMessageInput) {
  return {
    conversation_id: input.conversationId,
    inbox_id: input.inboxId,
    direction: input.direction,
    sender_type: input.senderType,
    sender_id: input.senderId,
    content_type: input.content.type,
    content: toJson(input.content),
    text: contentText(input.content),
    private: input.private ?? false,
    status: input.status,
    external_id: input.externalId,
    sent_at: input.sentAt,
    ...(input.purpose && input.purpose !== 'reply' ? { purpose: input.purpose } : {}),
  };
}

export function summarize(row: MessageRow): MessageSummary {
  return {
    id: row.id,
    direction: row.direction,
    senderType: row.sender_type,
    senderId: row.sender_id,
    content: row.content as unknown as MessageContent,
    private: row.private,
    externalId: row.external_id,
  };
}

export async function listMessages(db: Db, conversationId: number, afterId = 0, limit = 500): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}
