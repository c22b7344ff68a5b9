import type { Db } from '../unit-of-work';
import type { ConversationRow, ConversationUpdate } from '../schema';

export async function getConversation(db: Db, id: number): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Row-locked read, for changes that must not interleave (status transitions). */
export async function getConversationForUpdate(db: Db, id: number): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** The contact's most recent conversation on an inbox, whatever its status. */
export async function latestConversation(db: Db, contactId: number, inboxId: number): Promise<ConversationRow | undefined> {
  return db
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', '=', contactId)
    .where('inbox_id', '=', inboxId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function updateConversation(db: Db, id: number, patch: ConversationUpdate): Promise<ConversationRow> {
  return db.updateTable('conversations').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
