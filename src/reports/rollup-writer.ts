import type { Logger } from 'pino';
import type { Db } from '../store/unit-of-work';
import { applyCountDeltas, contributions, countDeltas } from './count-rollups';
import { applyLinkDeltas, keepLinks, lockContactActivity, relinkContact } from './activity-links';
import { applyDayDeltas, dayDeltas, recomputeDayRollups } from './day-rollups';
import { conversationFacts, toLoggedEvent, type ConversationFacts, type LoggedEvent } from './conversation-facts';
import { isFirstContactResolution, wallClock, type Duration } from './figures';

/** Loads the business-hours duration function (inbox settings may change between calls). */
export type BusinessDurationSource = (db: Db) => Promise<Duration>;

/**
 * Keeps the report tables (migration 0008) equal to what the event log says: after any
 * event of a conversation commits, that conversation's whole log is re-read, folded into
 * facts and its rows replaced — coalesced per conversation, so a busy conversation is
 * rewritten once per `delayMs`, not once per message. A write carries the id of the last
 * event it saw and never replaces rows made from a newer view (several nodes, races).
 */
export class RollupWriter {
  private readonly pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private rebuilding: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: { db: Db; logger: Logger; business?: BusinessDurationSource; delayMs?: number },
  ) {}

  /** A conversation's log changed: rewrite its rows soon. */
  schedule(conversationId: number): void {
    if (this.stopped) return;
    this.pending.add(conversationId);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.deps.delayMs ?? 250);
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

  /** Resolves when background rebuilds started so far have finished. */
  async settled(): Promise<void> {
    await this.rebuilding;
  }

  private async write(ids: number[]): Promise<void> {
    const { db } = this.deps;
    const business = this.deps.business ? await this.deps.business(db) : wallClock;
    const rows = await db.selectFrom('conversation_events').selectAll().where('conversation_id', 'in', ids).orderBy('conversation_id').orderBy('id').execute();
    const byConversation = new Map<number, { events: LoggedEvent[]; lastId: number }>();
    for (const r of rows) {
      const entry = byConversation.get(r.conversation_id) ?? { events: [], lastId: 0 };
      entry.events.push(toLoggedEvent(r));
      entry.lastId = Math.max(entry.lastId, Number(r.id));
      byConversation.set(r.conversation_id, entry);
    }
    for (const [conversationId, { events, lastId }] of byConversation) {
      const facts = conversationFacts(events);
      await db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('report_conversations').selectAll().where('conversation_id', '=', conversationId).forUpdate().executeTakeFirst();
        if (current && Number(current.last_event_id) > lastId) return; // someone wrote from a newer view
        const r = rowsOf(facts, lastId, business);
        // The contact's activity chain (prev_at) spans its conversations: one writer per contact at a time.
        await lockContactActivity(trx, facts.contactId);
        const oldTimes = await trx.deleteFrom('report_times').where('conversation_id', '=', conversationId).returning(['inbox_id', 'channel', 'team_id', 'agent_id', 'kind', 'at', 'ms', 'business_ms']).execute();
        await trx.deleteFrom('report_segments').where('conversation_id', '=', conversationId).execute();
        const oldSurveys = await trx.deleteFrom('report_surveys').where('conversation_id', '=', conversationId).returningAll().execute();
        const oldActivity = await trx.deleteFrom('report_activity').where('conversation_id', '=', conversationId).returning(['at', 'prev_at']).execute();
        await trx
          .insertInto('report_conversations')
          .values(r.conversation)
          .onConflict((oc) => oc.column('conversation_id').doUpdateSet(r.conversation))
          .execute();
        if (r.times.length > 0) await trx.insertInto('report_times').values(r.times).execute();
        if (r.segments.length > 0) await trx.insertInto('report_segments').values(r.segments).execute();
        if (r.surveys.length > 0) await trx.insertInto('report_surveys').values(r.surveys).execute();
        await applyDayDeltas(trx, dayDeltas(oldTimes, r.times));
        await applyCountDeltas(trx, countDeltas(contributions(current, oldSurveys), contributions(r.conversation, r.surveys)));
        // Same messages as before (most rewrites): keep their links; otherwise relink the contact's chain.
        const linked = keepLinks(oldActivity, r.activity);
        if (r.activity.length > 0) await trx.insertInto('report_activity').values(linked ?? r.activity).execute();
        if (!linked) {
          // Messages came or went: relink the contact's chain, and count the links that changed.
          // (old rows out; new rows in without a link; then each relinked row from its old link to its new one)
          const relinked = await relinkContact(trx, facts.channel, facts.contactId);
          await applyLinkDeltas(
            trx,
            facts.channel,
            [...oldActivity, ...relinked.map((l) => ({ at: l.at, prev_at: l.old_prev }))],
            [...r.activity.map((a) => ({ at: a.at, prev_at: null })), ...relinked.map((l) => ({ at: l.at, prev_at: l.prev }))],
          );
        }
      });
    }
  }
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
