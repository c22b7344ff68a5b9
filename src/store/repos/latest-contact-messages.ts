import { sql } from 'kysely';
import type { Db } from '../unit-of-work';

/** The stored message's id in a `message.received` row of the log (`e`). */
export const LOGGED_MESSAGE_ID = sql`(e.data->'message'->>'id')::bigint`;

/**
 * `message.received` rows of the log (`e`, joined to its conversation `c`) since `since`,
 * not passive, whose message is still the latest of its conversation: nothing was said
 * after it by anyone. What the start-up catch-ups look through for a message a stopped
 * node never handed to a listener (listeners/bot-runner.ts, listeners/away-message.ts);
 * each narrows it with its own `where`, then turns the rows into events (`eventFromLog`).
 */
export function latestContactMessages(db: Db, since: Date) {
  return db
    .selectFrom('conversation_events as e')
    .innerJoin('conversations as c', 'c.id', 'e.conversation_id')
    .selectAll('e')
    .where('e.type', '=', 'message.received')
    .where('e.at', '>=', since)
    .where(sql<boolean>`coalesce((e.data->>'passive')::boolean, false) = false`)
    .where(sql<boolean>`not exists (select 1 from messages m where m.conversation_id = e.conversation_id and m.id > ${LOGGED_MESSAGE_ID})`)
    .orderBy('e.id');
}

/**
 * Whether a message is still the latest of its conversation. A catch-up checks it again
 * under the conversation's lock before it acts: a live message may have come (and been
 * answered) since its query, and answering the older one after it would be out of order.
 */
export async function isLatestMessage(db: Db, conversationId: number, messageId: number): Promise<boolean> {
  const later = await db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('id', '>', messageId).limit(1).executeTakeFirst();
  return later === undefined;
}
