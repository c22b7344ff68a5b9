import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { Actor } from '../core/conversation-state';
import type { ConversationActions } from '../pipeline/conversation-actions';
import type { JobLock } from './job-lock';
import type { Db } from '../store/unit-of-work';

/** The inbox setting (minutes; 0 = off for this inbox) that overrides OMNIGATE_AUTO_RESOLVE_HOURS. */
export const AUTO_RESOLVE_SETTING = 'autoResolveAfterMinutes';
/** The reason on `conversation.resolved` for conversations this job resolves. */
export const AUTO_RESOLVED = 'auto_resolved';
/** At most a year, like OMNIGATE_AUTO_RESOLVE_HOURS. */
export const MAX_AUTO_RESOLVE_MINUTES = 365 * 24 * 60;

export interface AutoResolverDeps {
  db: Db;
  actions: ConversationActions;
  clock: Clock;
  logger: Logger;
  /** The global idle time (OMNIGATE_AUTO_RESOLVE_HOURS), for inboxes without their own; 0 = off. */
  defaultAfterMs: number;
  /** Most conversations resolved in one pass (default 100); the rest wait for the next. */
  batchSize?: number;
  /** Timed passes on one node at a time (src/jobs/job-lock.ts); a direct `runOnce` always runs. */
  once?: JobLock;
}

const BOT: Actor = { type: 'bot', id: null };
const SYSTEM: Actor = { type: 'system', id: null };

/**
 * Resolves conversations nobody continued: idle for the inbox's time
 * (`settings.autoResolveAfterMinutes`, else OMNIGATE_AUTO_RESOLVE_HOURS) since the
 * business's last public reply (bot or agent; system messages such as the away message
 * are not replies), with no contact message since, and not resolved or snoozed. A
 * conversation waiting for a person (pending, handed off after that reply) has an open
 * question and is never auto-resolved.
 *
 * Each one is resolved through ConversationActions (state machine, event log) with
 * reason `auto_resolved`: by the bot when no person took part in this visit (no
 * assignee, no agent message since creation or the last reopen), else by the system.
 * Candidates are re-checked under the conversation's row lock — a contact message is
 * stored under that same lock — so a message arriving meanwhile wins, and two nodes
 * running the job never resolve a conversation twice (the second sees it resolved).
 */
export class AutoResolver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number[]> | null = null;

  constructor(private readonly deps: AutoResolverDeps) {}

  start(intervalMs = 60_000): void {
    if (this.timer) return;
    const once: JobLock = this.deps.once ?? ((_job, pass) => pass());
    this.timer = setInterval(() => void once('auto-resolve', () => this.runOnce()).catch((err) => this.deps.logger.error({ err }, 'auto-resolve pass failed')), intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and wait for a pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass (passes never overlap on a node); returns the conversations it resolved. */
  runOnce(): Promise<number[]> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number[]> {
    const now = this.deps.clock.now();
    const batch = this.deps.batchSize ?? 100;
    const inboxes = await this.deps.db.selectFrom('inboxes').select(['id', 'settings']).orderBy('id').execute();
    const candidates: { id: number; replyAt: Date }[] = [];
    for (const inbox of inboxes) {
      const afterMs = this.idleMsOf(inbox.settings);
      if (afterMs <= 0) continue;
      const cutoff = new Date(now.getTime() - afterMs);
      const rows = await this.due(this.deps.db, cutoff).where('c.inbox_id', '=', inbox.id).orderBy('r.sent_at').limit(batch).execute();
      candidates.push(...rows.map((r) => ({ id: r.id, replyAt: new Date(r.sent_at) })));
    }
    candidates.sort((a, b) => a.replyAt.getTime() - b.replyAt.getTime());
    const resolved: number[] = [];
    for (const { id } of candidates.slice(0, batch)) {
      try {
        if (await this.resolveIfStillDue(id)) resolved.push(id);
      } catch (err) {
        this.deps.logger.error({ err, conversationId: id }, 'auto-resolve failed');
      }
    }
    if (resolved.length > 0) this.deps.logger.info({ count: resolved.length }, 'conversations auto-resolved');
    return resolved;
  }

  private resolveIfStillDue(conversationId: number): Promise<boolean> {
    return this.deps.actions.withConversation(conversationId, async (l) => {
      const afterMs = this.idleMsOf(l.inbox.settings);
      if (afterMs <= 0) return false;
      const due = await this.due(l.uow.db, new Date(l.now.getTime() - afterMs)).where('c.id', '=', conversationId).executeTakeFirst();
      if (!due) return false;
      const visitStart = l.conv.reopened_at ?? l.conv.created_at;
      const human =
        l.conv.assignee_id !== null ||
        (await l.uow.db
          .selectFrom('messages')
          .select('id')
          .where('conversation_id', '=', conversationId)
          .where('sender_type', '=', 'agent')
          .where('sent_at', '>=', visitStart)
          .limit(1)
          .executeTakeFirst()) !== undefined;
      await this.deps.actions.resolveLocked(l, human ? SYSTEM : BOT, AUTO_RESOLVED);
      return true;
    });
  }

  /**
   * Conversations due at `cutoff`: not resolved/snoozed, last public bot/agent reply at or
   * before the cutoff, no contact message after it, not waiting for a person since it.
   */
  private due(db: Db, cutoff: Date) {
    return db
      .selectFrom('conversations as c')
      .innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('messages as m')
            .select(['m.id', 'm.sent_at'])
            .whereRef('m.conversation_id', '=', 'c.id')
            .where('m.direction', '=', 'out')
            .where('m.private', '=', false)
            .where('m.sender_type', 'in', ['bot', 'agent'])
            .orderBy('m.id', 'desc')
            .limit(1)
            .as('r'),
        (join) => join.onTrue(),
      )
      .select(['c.id', 'r.sent_at'])
      .where('c.status', 'in', ['bot', 'pending', 'open'])
      .where('r.sent_at', '<=', cutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('messages as i')
              .select(sql.lit(1).as('one'))
              .whereRef('i.conversation_id', '=', 'c.id')
              .where('i.direction', '=', 'in')
              .whereRef('i.id', '>', 'r.id'),
          ),
        ),
      )
      // handed off to people at or after that reply: someone still owes the contact an answer
      .where((eb) => eb.not(eb.and([eb('c.status', '=', 'pending'), eb('c.handed_off_at', 'is not', null), eb('c.handed_off_at', '>=', eb.ref('r.sent_at'))])));
  }

  private idleMsOf(settings: Record<string, unknown>): number {
    const minutes = settings[AUTO_RESOLVE_SETTING];
    if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 0) return minutes * 60_000;
    return this.deps.defaultAfterMs;
  }
}

/**
 * For the admin API: the problem with `settings.autoResolveAfterMinutes` in a settings
 * change, or null when valid, null (use the global default) or not part of the change.
 */
export function autoResolveSettingProblem(settings: Record<string, unknown>): string | null {
  const v = settings[AUTO_RESOLVE_SETTING];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_AUTO_RESOLVE_MINUTES) {
    return `settings.${AUTO_RESOLVE_SETTING}: must be a whole number of minutes from 0 (off) to ${MAX_AUTO_RESOLVE_MINUTES}, or null for the global default`;
  }
  return null;
}
