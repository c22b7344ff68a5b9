import type { Selectable } from 'kysely';
import type { MessageContent } from '../core/message';
import type { FollowUpsTable } from '../store/schema';
import type { Db } from '../store/unit-of-work';

/**
 * `follow_ups` (migration 0011): one message an agent scheduled on a conversation, its
 * due time and its fate — `scheduled` → `sent` (with the message) | `blocked` (with the
 * channel's reason) | `cancelled`. A row leaves `scheduled` once, by a conditional UPDATE
 * or under its row lock, so a follow-up is never sent twice (two passes, two nodes, a
 * cancel racing the job).
 */

export type FollowUpRow = Selectable<FollowUpsTable>;
export type FollowUpStatus = FollowUpRow['status'];

/** What the API answers (docs/contacts-campaigns-api.md, Follow-ups). */
export interface FollowUpJson {
  id: number;
  conversationId: number;
  agentId: number | null;
  text: string;
  dueAt: string;
  status: FollowUpStatus;
  reason: string | null;
  messageId: number | null;
  createdAt: string;
}

export function followUpJson(row: FollowUpRow): FollowUpJson {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    text: textOf(row),
    dueAt: row.due_at.toISOString(),
    status: row.status,
    reason: row.reason,
    messageId: row.message_id === null ? null : Number(row.message_id),
    createdAt: row.created_at.toISOString(),
  };
}

/** The stored content (a text message today). */
export function contentOf(row: FollowUpRow): MessageContent {
  return row.content as unknown as MessageContent;
}

export function textOf(row: FollowUpRow): string {
  const c = contentOf(row);
  return c.type === 'text' ? c.text : '';
}

export async function scheduleFollowUp(db: Db, input: { conversationId: number; agentId: number; text: string; dueAt: Date; now: Date }): Promise<FollowUpRow> {
  const content: MessageContent = { type: 'text', text: input.text };
  return db
    .insertInto('follow_ups')
    .values({
      conversation_id: input.conversationId,
      agent_id: input.agentId,
      content: JSON.stringify(content),
      due_at: input.dueAt,
      status: 'scheduled',
      created_at: input.now,
      updated_at: input.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function followUpsOf(db: Db, conversationId: number): Promise<FollowUpRow[]> {
  return db.selectFrom('follow_ups').selectAll().where('conversation_id', '=', conversationId).orderBy('due_at').orderBy('id').limit(500).execute();
}

export async function getFollowUp(db: Db, id: number): Promise<FollowUpRow | undefined> {
  return db.selectFrom('follow_ups').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Cancel a scheduled one; undefined when it is no longer scheduled (sent, blocked, cancelled). */
export async function cancelFollowUp(db: Db, id: number, now: Date): Promise<FollowUpRow | undefined> {
  return db.updateTable('follow_ups').set({ status: 'cancelled', updated_at: now }).where('id', '=', id).where('status', '=', 'scheduled').returningAll().executeTakeFirst();
}

/** Scheduled follow-ups due at `now`, oldest first. */
export function dueFollowUps(db: Db, now: Date, limit: number): Promise<Pick<FollowUpRow, 'id' | 'conversation_id'>[]> {
  return db.selectFrom('follow_ups').select(['id', 'conversation_id']).where('status', '=', 'scheduled').where('due_at', '<=', now).orderBy('due_at').orderBy('id').limit(limit).execute();
}

/** The row, locked for this transaction (the job holds it while it decides). */
export function lockFollowUp(db: Db, id: number): Promise<FollowUpRow | undefined> {
  return db.selectFrom('follow_ups').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function settleFollowUp(db: Db, id: number, outcome: { status: 'sent' | 'blocked'; reason: string | null; messageId: number | null; now: Date }): Promise<FollowUpRow> {
  return db
    .updateTable('follow_ups')
    .set({ status: outcome.status, reason: outcome.reason, message_id: outcome.messageId, updated_at: outcome.now })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
