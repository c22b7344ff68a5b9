import type { Db } from '../store/unit-of-work';
import { forFold, toLoggedEvent, type LoggedEvent } from './conversation-facts';

/** One conversation's log as the rollup writer folds it: events in id order and the last id. */
export interface ConversationLog {
  events: LoggedEvent[];
  lastId: number;
}

/** A conversation's events this node has read, in id order. */
type Cached = { id: number; event: LoggedEvent }[];

/**
 * The conversations' event logs for the rollup writer, read by difference: the log is
 * append-only, so the events this node has already read stay valid, and a rewrite reads
 * the ids of a conversation's log (index-only: conversation_events_conversation_idx) and
 * then only the rows it has not seen — a chat's history is no longer re-read and
 * re-parsed on each of its messages. Ids are compared as sets, not as "greater than the
 * last one": on PostgreSQL a transaction holding a lower id can commit after a higher one.
 * Events are kept as the fold reads them (forFold: no message text), for the most
 * recently rewritten conversations, up to `maxEvents`.
 */
export class ConversationLogCache {
  private readonly logs = new Map<number, Cached>();
  private events = 0;

  constructor(private readonly maxEvents = 50_000) {}

  async read(db: Db, conversationIds: readonly number[]): Promise<Map<number, ConversationLog>> {
    const out = new Map<number, ConversationLog>();
    if (conversationIds.length === 0) return out;
    const idRows = await db.selectFrom('conversation_events').select(['conversation_id', 'id']).where('conversation_id', 'in', conversationIds).orderBy('conversation_id').orderBy('id').execute();
    const idsOf = new Map<number, number[]>();
    for (const r of idRows) {
      const list = idsOf.get(r.conversation_id);
      if (list) list.push(Number(r.id));
      else idsOf.set(r.conversation_id, [Number(r.id)]);
    }
    // Unknown conversations are read whole; known ones by the ids they lack (few: the last second's).
    // Taken before anything is remembered: remembering one conversation may evict another of this read.
    const known = new Map<number, Cached>();
    const missing: number[] = [];
    for (const [conversationId, ids] of idsOf) {
      const cached = this.logs.get(conversationId);
      const seen = new Set(cached?.map((e) => e.id));
      const lacking = ids.filter((id) => !seen.has(id));
      if (cached && lacking.length <= MAX_MISSING) {
        known.set(conversationId, cached);
        missing.push(...lacking);
      }
    }
    const whole = [...idsOf.keys()].filter((id) => !known.has(id));
    const fetched = new Map<number, Cached>();
    const add = (rows: Parameters<typeof toLoggedEvent>[0][]) => {
      for (const r of rows) {
        const list = fetched.get(r.conversation_id) ?? [];
        list.push({ id: Number(r.id), event: forFold(toLoggedEvent(r)) });
        fetched.set(r.conversation_id, list);
      }
    };
    if (whole.length > 0) add(await db.selectFrom('conversation_events').selectAll().where('conversation_id', 'in', whole).execute());
    if (missing.length > 0) add(await db.selectFrom('conversation_events').selectAll().where('id', 'in', missing).execute());

    for (const [conversationId, ids] of idsOf) {
      const merged = [...(known.get(conversationId) ?? []), ...(fetched.get(conversationId) ?? [])].sort((a, b) => a.id - b.id);
      this.remember(conversationId, merged);
      out.set(conversationId, { events: merged.map((e) => e.event), lastId: ids[ids.length - 1]! });
    }
    return out;
  }

  private remember(conversationId: number, entry: Cached): void {
    const old = this.logs.get(conversationId);
    if (old) {
      this.events -= old.length;
      this.logs.delete(conversationId); // re-inserted last: the Map's order is the recency order
    }
    this.logs.set(conversationId, entry);
    this.events += entry.length;
    for (const [id, cached] of this.logs) {
      if (this.events <= this.maxEvents) break;
      this.logs.delete(id);
      this.events -= cached.length;
    }
  }
}

/** More new events than this for a known conversation: read it whole (one statement either way). */
const MAX_MISSING = 200;
