import type { Db } from '../store/unit-of-work';
import { forFold, toLoggedEvent, type LoggedEvent } from './conversation-facts';

/** One conversation's log as the rollup writer folds it: events in id order and the last id. */
export interface ConversationLog {
  events: LoggedEvent[];
  lastId: number;
}

interface Cached {
  ids: number[];
  events: LoggedEvent[];
}

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
      const seen = new Set(cached?.ids);
      const lacking = ids.filter((id) => !seen.has(id));
      if (cached && lacking.length <= MAX_MISSING) {
        known.set(conversationId, cached);
        missing.push(...lacking);
      }
    }
    const whole = [...idsOf.keys()].filter((id) => !known.has(id));
    const fetched = new Map<number, { id: number; event: LoggedEvent }[]>();
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
      const base: Cached = known.get(conversationId) ?? { ids: [], events: [] };
      const merged = [...base.ids.map((id, i) => ({ id, event: base.events[i]! })), ...(fetched.get(conversationId) ?? [])].sort((a, b) => a.id - b.id);
      const entry = { ids: merged.map((m) => m.id), events: merged.map((m) => m.event) };
      this.remember(conversationId, entry);
      out.set(conversationId, { events: entry.events, lastId: ids[ids.length - 1]! });
    }
    return out;
  }

  private remember(conversationId: number, entry: Cached): void {
    const old = this.logs.get(conversationId);
    if (old) {
      this.events -= old.ids.length;
      this.logs.delete(conversationId); // re-inserted last: the Map's order is the recency order
    }
    this.logs.set(conversationId, entry);
    this.events += entry.ids.length;
    for (const [id, cached] of this.logs) {
      if (this.events <= this.maxEvents) break;
      this.logs.delete(id);
      this.events -= cached.ids.length;
    }
  }
}

/** More new events than this for a known conversation: read it whole (one statement either way). */
const MAX_MISSING = 200;
