import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../store/unit-of-work';
import type { Period } from './figures';
import { splitDays, utcDay } from './time-buckets';

/**
 * Retention without grouping by contact. Each contact message (report_activity) is linked
 * to the same contact's previous message on the channel (`prev_at`, any conversation);
 * `report_activity_days` counts the links per (channel, day of the message, day of the
 * previous one — '0001-01-01' for none). Then
 *   contacts active in P   = messages in P whose previous message is before P (or none),
 *   of those, returned in N = messages in N whose previous message is in P,
 * and both are "messages at ∈ X whose previous is in Y": whole days from the link table,
 * partial days from the rows themselves (`linksBetween`).
 */
export const NO_PREVIOUS_DAY = '0001-01-01';
const dayOf = (at: Date | null) => (at ? utcDay(at) : NO_PREVIOUS_DAY);

type Link = { at: Date; prev_at: Date | null };

/** Serializes report writers touching the same contacts (their chains of links), across nodes; locks are taken in id order. */
export async function lockContactsActivity(db: Db, contactIds: readonly number[]): Promise<void> {
  if (contactIds.length === 0) return;
  const ids = [...contactIds].sort((a, b) => a - b);
  await sql`SELECT pg_advisory_xact_lock(${ACTIVITY_LOCK_CLASS}, c) FROM (SELECT c FROM unnest(${ids}::int[]) AS c ORDER BY c OFFSET 0) s`.execute(db);
}
const ACTIVITY_LOCK_CLASS = 80_010;

/** A conversation's activity row without its link. */
export type ActivityRow = { conversation_id: number; inbox_id: number; channel: string; team_id: number | null; agent_id: number | null; contact_id: number; at: Date };

/**
 * How a conversation's activity rows change, so a rewrite costs what changed rather than
 * the conversation's length (a long chat used to be deleted, re-inserted and relinked on
 * every message):
 * - `same`: the same messages with the same dimensions (a reply, a status change): nothing to write;
 * - `relabel`: the same messages under other dimensions (assigned, moved): rows replaced, links kept;
 * - `append`: new messages after the stored ones (the common case: the contact wrote
 *   again): only those inserted, and the contact's chain relinked from the first of them;
 * - `rewrite`: anything else: rows replaced and the contact's whole chain relinked.
 */
export type ActivityPlan =
  | { kind: 'same' }
  | { kind: 'relabel'; rows: (ActivityRow & { prev_at: Date | null })[] }
  | { kind: 'append'; rows: ActivityRow[]; from: Date }
  | { kind: 'rewrite' };

export function planActivity(before: readonly (ActivityRow & { prev_at: Date | null })[], after: readonly ActivityRow[]): ActivityPlan {
  const old = [...before].sort((a, b) => a.at.getTime() - b.at.getTime());
  const next = [...after].sort((a, b) => a.at.getTime() - b.at.getTime());
  const samePrefix = old.length <= next.length && old.every((row, i) => row.at.getTime() === next[i]!.at.getTime());
  if (!samePrefix) return { kind: 'rewrite' };
  const sameDims = old.length === 0 || (after.length > 0 && old.every((row) => sameDimensions(row, after[0]!)));
  if (old.length === next.length) {
    if (sameDims) return { kind: 'same' };
    return { kind: 'relabel', rows: next.map((row, i) => ({ ...row, prev_at: old[i]!.prev_at })) };
  }
  if (!sameDims) return { kind: 'rewrite' };
  const rows = next.slice(old.length);
  return { kind: 'append', rows, from: rows[0]!.at };
}

function sameDimensions(a: ActivityRow, b: ActivityRow): boolean {
  return a.conversation_id === b.conversation_id && a.inbox_id === b.inbox_id && a.channel === b.channel && a.team_id === b.team_id && a.agent_id === b.agent_id && a.contact_id === b.contact_id;
}

/**
 * Recomputes the links of some contacts' chains (per channel) after some of their
 * conversations' rows changed, in one statement (callers hold the contacts' locks);
 * returns the links that changed, old and new. A chain's `from` (null: the whole chain)
 * is the first changed message: only rows from there are relinked, the window starting
 * at the message before it (index report_activity_contact_idx).
 */
export async function relinkContacts(db: Db, chains: readonly { channel: string; contactId: number; from: Date | null }[]): Promise<{ channel: string; at: Date; old_prev: Date | null; prev: Date | null }[]> {
  if (chains.length === 0) return [];
  // One entry per chain (two conversations of one contact): the earliest `from` covers both.
  const byChain = new Map<string, { channel: string; contactId: number; from: Date | null }>();
  for (const c of chains) {
    const key = `${c.channel}|${c.contactId}`;
    const seen = byChain.get(key);
    if (!seen) byChain.set(key, c);
    else if (seen.from && (!c.from || c.from < seen.from)) byChain.set(key, { ...seen, from: c.from });
  }
  const list = [...byChain.values()];
  const channels = list.map((c) => c.channel);
  const contacts = list.map((c) => c.contactId);
  const froms = list.map((c) => (c.from ? c.from.toISOString() : '-infinity'));
  const r = await sql<{ channel: string; at: Date; old_prev: Date | null; prev: Date | null }>`
    UPDATE report_activity a SET prev_at = w.prev
    FROM (SELECT r.ctid AS row_id, r.channel, r.at, r.prev_at AS old_prev, c.from_at,
                 lag(r.at) OVER (PARTITION BY r.channel, r.contact_id ORDER BY r.at, r.conversation_id) AS prev
          FROM unnest(${channels}::text[], ${contacts}::int[], ${froms}::timestamptz[]) AS c(channel, contact_id, from_at)
          JOIN report_activity r ON r.channel = c.channel AND r.contact_id = c.contact_id
           AND r.at >= coalesce((SELECT max(p.at) FROM report_activity p WHERE p.channel = c.channel AND p.contact_id = c.contact_id AND p.at < c.from_at), c.from_at)) w
    WHERE a.ctid = w.row_id AND w.at >= w.from_at AND a.prev_at IS DISTINCT FROM w.prev
    RETURNING w.channel, w.at, w.old_prev, w.prev`.execute(db);
  return r.rows;
}

/** Adds the difference of links (removed −1, added +1) to report_activity_days, keys in one order. */
export async function applyLinkDeltas(db: Db, channel: string, removed: readonly Link[], added: readonly Link[]): Promise<void> {
  const deltas = new Map<string, number>();
  const add = (l: Link, sign: number) => {
    const key = `${utcDay(l.at)}|${dayOf(l.prev_at)}`;
    deltas.set(key, (deltas.get(key) ?? 0) + sign);
  };
  for (const l of removed) add(l, -1);
  for (const l of added) add(l, 1);
  const rows = [...deltas.entries()]
    .filter(([, n]) => n !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, n]) => ({ channel, day: key.slice(0, 10), prev_day: key.slice(11), n }));
  if (rows.length === 0) return;
  await db
    .insertInto('report_activity_days')
    .values(rows)
    .onConflict((oc) => oc.columns(['channel', 'day', 'prev_day']).doUpdateSet({ n: sql`report_activity_days.n + excluded.n` }))
    .execute();
}

/** Every link and the link table from scratch (inside the caller's transaction). */
export async function recomputeActivityLinks(db: Db): Promise<void> {
  await sql`
    UPDATE report_activity a SET prev_at = w.prev
    FROM (SELECT ctid AS row_id, lag(at) OVER (PARTITION BY channel, contact_id ORDER BY at, conversation_id) AS prev FROM report_activity) w
    WHERE a.ctid = w.row_id AND a.prev_at IS DISTINCT FROM w.prev`.execute(db);
  await sql`DELETE FROM report_activity_days`.execute(db);
  await sql`
    INSERT INTO report_activity_days
    SELECT channel, (at AT TIME ZONE 'UTC')::date, coalesce((prev_at AT TIME ZONE 'UTC')::date, ${NO_PREVIOUS_DAY}::date), count(*)
    FROM report_activity GROUP BY 1, 2, 3`.execute(db);
}

type Run = <T>(query: RawBuilder<T>) => Promise<T[]>;

/**
 * Per channel: how many messages at ∈ `x` have their previous message in `y` (`y.from`
 * null: before `y.to`, or none). Whole days of `x` × whole days of `y` come from the link
 * table; the partial days of `x` and, for whole days of `x`, the partial days of `y` from
 * report_activity (indexes on `at` and on `prev_at`). `where` may only filter the channel.
 */
export async function linksBetween(run: Run, x: Period, y: { from: Date | null; to: Date }, where: RawBuilder<unknown>): Promise<Map<string, number>> {
  const xs = splitDays(x);
  const ys = y.from ? splitDays({ from: y.from, to: y.to }) : splitDays({ from: new Date(Date.UTC(1, 0, 1)), to: y.to });
  const inY = y.from ? sql`prev_at >= ${y.from} and prev_at < ${y.to}` : sql`(prev_at is null or prev_at < ${y.to})`;
  const parts: RawBuilder<{ channel: string; n: number }>[] = [];
  for (const e of xs.edges) parts.push(sql`select channel, count(*)::int as n from report_activity where at >= ${e.from} and at < ${e.to} and ${inY} ${where} group by channel`);
  if (xs.days) {
    const xFrom = new Date(`${xs.days.from}T00:00:00Z`);
    const xTo = new Date(`${xs.days.to}T00:00:00Z`);
    for (const e of ys.edges) parts.push(sql`select channel, count(*)::int as n from report_activity where prev_at >= ${e.from} and prev_at < ${e.to} and at >= ${xFrom} and at < ${xTo} ${where} group by channel`);
    if (ys.days) {
      const prevFrom = y.from ? ys.days.from : NO_PREVIOUS_DAY;
      parts.push(sql`select channel, sum(n)::int as n from report_activity_days
        where day >= ${xs.days.from}::date and day < ${xs.days.to}::date and prev_day >= ${prevFrom}::date and prev_day < ${ys.days.to}::date ${where} group by channel`);
    }
  }
  const out = new Map<string, number>();
  for (const rows of await Promise.all(parts.map((p) => run(p)))) for (const r of rows) out.set(r.channel, (out.get(r.channel) ?? 0) + r.n);
  return out;
}
