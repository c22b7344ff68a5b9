import { keepPlan } from '../prepared-pool';
import type { ChannelAddress } from '../../core/channel';
import type { Db } from '../unit-of-work';
import type { ConversationRow, ConversationUpdate } from '../schema';

export async function getConversation(db: Db, id: number): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Row-locked read, for changes that must not interleave (status transitions). */
/** A conversation's status read without a lock: a cheap first look for listeners most messages need nothing from. */
export async function conversationStatus(db: Db, id: number): Promise<string | undefined> {
  return (await db.selectFrom('conversations').select('status').where('id', '=', id).modifyEnd(keepPlan()).executeTakeFirst())?.status;
}

export async function getConversationForUpdate(db: Db, id: number): Promise<ConversationRow | undefined> {
  return db.selectFrom('conversations').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateConversation(db: Db, id: number, patch: ConversationUpdate): Promise<ConversationRow> {
  return db.updateTable('conversations').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Where a conversation's replies go: its inbox's channel account and the contact's identity there. */
export async function conversationAddress(db: Db, conversationId: number): Promise<{ inboxId: number; address: ChannelAddress } | undefined> {
  const row = await db
    .selectFrom('conversations as c')
    .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
    // The conversation's own identity: a merged contact may hold two on one account.
    .innerJoin('contact_identities as ci', 'ci.id', 'c.identity_id')
    .select(['c.inbox_id', 'i.channel', 'i.account_id', 'ci.external_id'])
    .where('c.id', '=', conversationId)
    .executeTakeFirst();
  return row ? { inboxId: row.inbox_id, address: { channel: row.channel, accountId: row.account_id, externalUserId: row.external_id } } : undefined;
}
