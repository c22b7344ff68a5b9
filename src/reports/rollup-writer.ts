import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { StoreKind } from '../store/database';
import type { Db } from '../store/unit-of-work';
import { applyCountDeltas, contributions, countDeltas } from './count-rollups';
import { applyLinkDeltas, lockContactsActivity, planActivity, relinkContacts, type ActivityRow } from './activity-links';
import { applyDayDeltas, dayDeltas, recomputeDayRollups } from './day-rollups';
import { conversationFacts, type ConversationFacts } from './conversation-facts';
import { ConversationLogCache } from './conversation-log-cache';
import { isFirstContactResolution, wallClock, type Duration } from './figures';

/** Loads the business-hours duration function (inbox settings may change between calls). */
export type BusinessDurationSource = (db: Db) => Promise<Duration>;

/**
 * Keeps the report tables (migration 0008) equal to what the event log says: after any
 * event of a conversation commits, that conversation's whole log is folded into facts
 * (read by difference: conversation-log-cache.ts) and its rows rewritten (activity rows
 * by difference: planActivity) — coalesced per conversation, so a busy conversation is
 * rewritten once per `delayMs`, not once per message. A write carries the id of the last
 * event it saw and never replaces rows made from a newer view (several nodes, races).
 */
export class RollupWriter {
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private rebuilding: Promise<unknown> = Promise.resolve();
  private readonly logs = new ConversationLogCache();

  constructor(
    private readonly deps: {
      db: Db;
      logger: Logger;
      business?: BusinessDurationSource;
      delayMs?: number;
      /** Conversations rewritten per transaction (default 50; `rollupBatchFor` picks it per store). */
      batchSize?: number;
    },
  ) {}

  /** A conversation's log changed: rewrite its rows soon. */
  schedule(conversationId: number): void {
    if (this.stopped) return;
    this.pending.add(conversationId);
    // 1 s: a busy hour's conversations are rewritten in few batches. At 250 ms the rewrites
    // were ~2.3 statements per inbound message and the gateway's thread ~25 % busier
    // (README, Benchmark figures); reports lag the log by a second at most.
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.deps.delayMs ?? 1000);
  }

  /** Write everything scheduled so far (tests, shutdown). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending.clear();
    this.running = this.write(ids)
      .catch((err) => this.deps.logger.error({ err, conversations: ids.length }, 'report rollups not written'))
      .finally(() => (this.running = null));
    await this.running;
    if (this.pending.size > 0) await this.flush();
  }

  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
    await this.rebuilding;
  }

  /**
   * Rows a node never wrote: after-commit listeners die with their process, so the
   * conversations whose events committed within a second of a crash (the coalescing
   * delay) would keep rows older than their log until their next event — a resolution
   * right before a SIGKILL, say, missing from FCR for good. At start the gateway calls
   * this: among the last `window` events of the log (a crash loses at most a few seconds
   * of them), every conversation whose report row is missing or older than its last
   * counted event is scheduled. Several nodes may all do it: a rewrite that finds a newer
   * row leaves it. Returns how many were scheduled.
   */
  async catchUp(window = 20_000): Promise<number> {
    const { db } = this.deps;
    const top = await db.selectFrom('conversation_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    const from = Number(top?.id ?? 0) - window;
    const behind = await db
      .selectFrom('conversation_events as e')
      .leftJoin('report_conversations as r', 'r.conversation_id', 'e.conversation_id')
      .select('e.conversation_id')
      .where('e.id', '>', from)
      // Delivery/read statuses are never rolled up (see schedule's caller), so they never make a row late.
      .where('e.type', '<>', 'message.status_changed')
      .groupBy(['e.conversation_id', 'r.last_event_id'])
      .having((eb) => eb(eb.fn.max('e.id'), '>', eb.fn.coalesce('r.last_event_id', sql<number>`0`)))
      .execute();
    for (const row of behind) this.schedule(row.conversation_id);
    return behind.length;
  }

  /** Recompute every conversation's rows from the log — or one inbox's (after an upgrade, or a change of its business hours). */
  async rebuild(batchSize = 500, inboxId?: number): Promise<number> {
    let after = 0;
    let done = 0;
    for (;;) {
      if (this.stopped) return done;
      let q = this.deps.db.selectFrom('conversations').select('id').where('id', '>', after);
      if (inboxId !== undefined) q = q.where('inbox_id', '=', inboxId);
      const ids = (await q.orderBy('id').limit(batchSize).execute()).map((r) => r.id);
      if (ids.length === 0) {
        // A full rebuild also resets the day tables (rows may have been removed by hand or by an upgrade).
        if (inboxId === undefined) await recomputeDayRollups(this.deps.db);
        return done;
      }
      await this.write(ids);
      done += ids.length;
      after = ids.at(-1)!;
    }
  }

  /**
   * An inbox's business hours changed: its business-hours times are rewritten in the
   * background (one rebuild after another; the API answers at once). `settled()` waits.
   */
  rebuildInBackground(inboxId: number): void {
    if (this.stopped) return;
    const started = Date.now();
    this.rebuilding = this.rebuilding
      .then(() => this.rebuild(500, inboxId))
      .then((n) => this.deps.logger.info({ inboxId, conversations: n, ms: Date.now() - started }, 'report rows rewritten for new business hours'))
      .catch((err) => this.deps.logger.error({ err, inboxId }, 'report rows not rewritten for new business hours'));
  }

  /** `catchUp()` without waiting for it (at start); `stop()` and `settled()` wait for it. */
  catchUpInBackground(): void {
    if (this.stopped) return;
    this.rebuilding = this.rebuilding
      .then(() => this.catchUp())
      .then((n) => n > 0 && this.deps.logger.info({ conversations: n }, 'report rows behind the event log (a node stopped before writing them): rewriting them'))
      .catch((err) => this.deps.logger.error({ err }, 'report rows not checked against the event log'));
  }

  /** Resolves when background rebuilds started so far have finished. */
  async settled(): Promise<void> {
    await this.rebuilding;
  }

  private async write(ids: number[]): Promise<void> {
    const { db } = this.deps;
    const business = this.deps.business ? await this.deps.business(db) : wallClock;
    const byConversation = await this.logs.read(db, ids);
    const views = [...byConversation].map(([conversationId, v]) => ({ conversationId, lastId: v.lastId, facts: conversationFacts(v.events) }));
    views.sort((x, y) => x.conversationId - y.conversationId);
    const batch = this.deps.batchSize ?? WRITE_BATCH;
    for (let i = 0; i < views.length; i += batch) await this.writeBatch(views.slice(i, i + batch), business);
  }

  /**
   * Several conversations' rows replaced in one transaction, a statement per table rather
   * than per conversation (the statements, not the rows, are what a busy node pays for).
   * Locks are taken in id order — report rows, then contacts — so writers on several
   * nodes never wait for each other in a circle.
   */
  private async writeBatch(views: { conversationId: number; lastId: number; facts: ConversationFacts }[], business: Duration): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const currentRows = await trx
        .selectFrom('report_conversations')
        .selectAll()
        .where('conversation_id', 'in', views.map((v) => v.conversationId))
        .orderBy('conversation_id')
        .forUpdate()
        .execute();
      const current = new Map(currentRows.map((r) => [r.conversation_id, r]));
      // Someone wrote a conversation from a newer view: leave it.
      const fresh = views.filter((v) => !(Number(current.get(v.conversationId)?.last_event_id ?? 0) > v.lastId));
      if (fresh.length === 0) return;
      const ids = fresh.map((v) => v.conversationId);
      const next = fresh.map((v) => ({ id: v.conversationId, facts: v.facts, rows: rowsOf(v.facts, v.lastId, business) }));
      // The contacts' activity chains (prev_at) span conversations: one writer per contact at a time.
      await lockContactsActivity(trx, [...new Set(next.map((n) => n.facts.contactId))]);

      const oldTimes = await trx.deleteFrom('report_times').where('conversation_id', 'in', ids).returning(['inbox_id', 'channel', 'team_id', 'agent_id', 'kind', 'at', 'ms', 'business_ms']).execute();
      await trx.deleteFrom('report_segments').where('conversation_id', 'in', ids).execute();
      const oldSurveys = await trx.deleteFrom('report_surveys').where('conversation_id', 'in', ids).returningAll().execute();
      // Activity rows (one per contact message) are diffed, not replaced: see planActivity.
      const oldActivity = await trx.selectFrom('report_activity').selectAll().where('conversation_id', 'in', ids).execute();

      const conversations = next.map((n) => n.rows.conversation);
      await trx
        .insertInto('report_conversations')
        .values(conversations)
        .onConflict((oc) => oc.column('conversation_id').doUpdateSet(Object.fromEntries(Object.keys(conversations[0]!).filter((k) => k !== 'conversation_id').map((k) => [k, sql.ref(`excluded.${k}`)]))))
        .execute();
      const times = next.flatMap((n) => n.rows.times);
      const segments = next.flatMap((n) => n.rows.segments);
      const surveys = next.flatMap((n) => n.rows.surveys);
      if (times.length > 0) await trx.insertInto('report_times').values(times).execute();
      if (segments.length > 0) await trx.insertInto('report_segments').values(segments).execute();
      if (surveys.length > 0) await trx.insertInto('report_surveys').values(surveys).execute();
      await applyDayDeltas(trx, dayDeltas(oldTimes, times));
      const surveysOf = groupBy(oldSurveys, (r) => r.conversation_id);
      await applyCountDeltas(
        trx,
        countDeltas(
          next.flatMap((n) => contributions(current.get(n.id), surveysOf.get(n.id) ?? [])),
          next.flatMap((n) => contributions(n.rows.conversation, n.rows.surveys)),
        ),
      );

      // The link table counts what changed: replaced rows out, new rows in without a link,
      // then each relinked row from its old link to its new one.
      const activityOf = groupBy(oldActivity, (r) => r.conversation_id);
      const replaced: number[] = [];
      const activity: (ActivityRow & { prev_at?: Date | null })[] = [];
      const removed = new Map<string, { at: Date; prev_at: Date | null }[]>();
      const added = new Map<string, { at: Date; prev_at: Date | null }[]>();
      const relink: { channel: string; contactId: number; from: Date | null }[] = [];
      for (const n of next) {
        const before = activityOf.get(n.id) ?? [];
        const plan = planActivity(before, n.rows.activity);
        const channel = n.facts.channel;
        if (plan.kind === 'same') continue;
        if (plan.kind === 'relabel') {
          replaced.push(n.id);
          activity.push(...plan.rows);
          continue;
        }
        const rows = plan.kind === 'append' ? plan.rows : n.rows.activity;
        if (plan.kind === 'rewrite') {
          replaced.push(n.id);
          push(removed, channel, ...before);
        }
        activity.push(...rows);
        push(added, channel, ...rows.map((a) => ({ at: a.at, prev_at: null })));
        relink.push({ channel, contactId: n.facts.contactId, from: plan.kind === 'append' ? plan.from : null });
      }
      if (replaced.length > 0) await trx.deleteFrom('report_activity').where('conversation_id', 'in', replaced).execute();
      if (activity.length > 0) await trx.insertInto('report_activity').values(activity).execute();
      for (const l of await relinkContacts(trx, relink)) {
        push(removed, l.channel, { at: l.at, prev_at: l.old_prev });
        push(added, l.channel, { at: l.at, prev_at: l.prev });
      }
      for (const channel of [...new Set([...removed.keys(), ...added.keys()])].sort()) await applyLinkDeltas(trx, channel, removed.get(channel) ?? [], added.get(channel) ?? []);
    });
  }
}

/** Conversations rewritten per transaction, by default. */
const WRITE_BATCH = 50;

/**
 * Conversations per rewrite transaction on each store. On PostgreSQL a rewrite runs on a
 * connection of its own, so fewer, larger transactions cost least. The embedded store has
 * one connection, shared with every inbound message, and a transaction holds it from begin
 * to commit: a message arriving during a 50-conversation rewrite (13–21 ms at the delivery
 * bench's load) waited for all of it. Four at a time keeps each hold short; in an A/B run
 * of the delivery bench the gateway's p99 on PGlite fell from 7.1 to 6.2 ms, the same as
 * with no rollups at all (docs/benchmarks.md).
 */
export function rollupBatchFor(kind: StoreKind): number {
  return kind === 'pglite' ? 4 : WRITE_BATCH;
}

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const r of rows) {
    const list = out.get(key(r));
    if (list) list.push(r);
    else out.set(key(r), [r]);
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, ...items: T[]): void {
  const list = map.get(key);
  if (list) list.push(...items);
  else map.set(key, [...items]);
}

/** One conversation's facts as report rows; the membership rules are those of figures.ts. */
export function rowsOf(f: ConversationFacts, lastEventId: number, business: Duration) {
  const dims = { conversation_id: f.id, inbox_id: f.inboxId, channel: f.channel, team_id: f.teamId, agent_id: f.agentId };
  const times: (typeof dims & { kind: string; at: Date; ms: number; business_ms: number })[] = [];
  const time = (kind: string, at: Date, from: Date, to: Date) => times.push({ ...dims, kind, at, ms: to.getTime() - from.getTime(), business_ms: business(f.inboxId, from, to) });
  for (const s of f.segments) {
    if (s.firstReplyAt) time('first_response', s.start, s.start, s.firstReplyAt);
    if (s.humanClockStart && s.firstHumanReplyAt) time('human_first_response', s.humanClockStart, s.humanClockStart, s.firstHumanReplyAt);
    if (s.resolvedAt) time('resolution', s.resolvedAt, s.start, s.resolvedAt);
  }
  for (const w of f.waits) if (w.end && w.by) time(`wait_${w.by}`, w.start, w.start, w.end);
  return {
    conversation: {
      conversation_id: f.id,
      last_event_id: lastEventId,
      inbox_id: f.inboxId,
      channel: f.channel,
      contact_id: f.contactId,
      team_id: f.teamId,
      agent_id: f.agentId,
      created_at: f.createdAt,
      bot_handled: f.botHandled,
      handoff_reason: f.handoffs[0]?.reason ?? null,
      contained: f.botHandled && f.handoffs.length === 0 && f.resolutions.length > 0 && f.humanRepliers.length === 0,
      first_resolved_at: f.resolutions[0]?.at ?? null,
      last_resolved_at: f.resolutions.at(-1)?.at ?? null,
      last_reopened_at: f.reopens.at(-1) ?? null,
      fcr: isFirstContactResolution(f),
      bot_resolved: f.humanRepliers.length === 0,
    },
    times,
    segments: f.segments.map((s) => ({ ...dims, created_at: f.createdAt, start_at: s.start, resolved_at: s.resolvedAt })),
    surveys: f.surveys.map((s) => ({ ...dims, kind: s.kind, event: s.event, at: s.at, score: s.score })),
    activity: f.contactMessages.map((at) => ({ ...dims, contact_id: f.contactId, at })),
  };
}
