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

/**
 * The new activity rows with their links when they are the same messages as before (most
 * rewrites: a reply, a status change); null when messages were added or removed and the
 * contact's chain must be relinked.
 */
export function keepLinks<T extends { at: Date }>(before: readonly Link[], after: readonly T[]): (T & { prev_at: Date | null })[] | null {
  if (before.length !== after.length) return null;
  const old = [...before].sort((a, b) => a.at.getTime() - b.at.getTime());
  if (!old.every((row, i) => row.at.getTime() === after[i]!.at.getTime())) return null;
  return after.map((row, i) => ({ ...row, prev_at: old[i]!.prev_at }));
}

/**
 * Recomputes the links of some contacts' chains (per channel) after some of their
 * conversations' rows changed, in one statement (callers hold the contacts' locks);
 * returns the links that changed, old and new.
 */
export async function relinkContacts(db: Db, chains: readonly { channel: string; contactId: number }[]): Promise<{ channel: string; at: Date; old_prev: Date | null; prev: Date | null }[]> {
  if (chains.length === 0) return [];
  const channels = chains.map((c) => c.channel);
  const contacts = chains.map((c) => c.contactId);
  const r = await sql<{ channel: string; at: Date; old_prev: Date | null; prev: Date | null }>`
    UPDATE report_activity a SET prev_at = w.prev
    FROM (SELECT ctid AS row_id, channel, at, prev_at AS old_prev, lag(at) OVER (PARTITION BY channel, contact_id ORDER BY at, conversation_id) AS prev
          FROM report_activity WHERE (channel, contact_id) IN (SELECT * FROM unnest(${channels}::text[], ${contacts}::int[]))) w
    WHERE a.ctid = w.row_id AND a.prev_at IS DISTINCT FROM w.prev
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
