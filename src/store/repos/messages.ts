import type { Db } from '../unit-of-work';
import type { MessagePurpose, MessageRow } from '../schema';
import type { MessageSummary } from '../../core/domain-events';
import type { MessageContent } from '../../core/message';
import { contentText } from '../../core/message';
import { toJson } from '../json';

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
    .values({
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
    })
    .onConflict((oc) => oc.columns(['inbox_id', 'external_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
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
