import { sql } from 'kysely';
import type { Namespace } from 'socket.io';
import type { Clock } from '../core/clock';
import type { JobLock } from '../jobs/job-lock';
import type { Db } from '../store/unit-of-work';

const DEFAULT_ALERT_MINUTES = 5;

/**
 * Tells an inbox's agents (and supervisors) when a conversation has waited for a person
 * longer than the inbox's `settings.waitAlertMinutes` (default 5): once per wait, again
 * only after it was picked up and started waiting anew.
 */
export class WaitAlerts {
  private readonly alerted = new Map<number, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly nsp: Namespace,
    private readonly clock: Clock,
    /** One node at a time (with Redis, an alert emitted on every node would reach agents once per node). */
    private readonly once: JobLock = (_job, pass) => pass(),
  ) {}

  start(intervalMs = 30_000): void {
    this.timer = setInterval(() => void this.once('wait-alerts', () => this.check()).catch(() => undefined), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns the conversations alerted now. */
  async check(): Promise<number[]> {
    const now = this.clock.now().getTime();
    const waiting = await this.db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .select(['c.id', 'c.inbox_id', 'c.team_id', 'i.settings', sql<Date>`coalesce(c.handed_off_at, c.created_at)`.as('since')])
      .where('c.status', '=', 'pending')
      .execute();
    const fired: number[] = [];
    const stillWaiting = new Set<number>();
    for (const c of waiting) {
      stillWaiting.add(c.id);
      const minutes = Number(c.settings.waitAlertMinutes ?? DEFAULT_ALERT_MINUTES);
      const since = new Date(c.since).getTime();
      if (now - since < minutes * 60_000 || this.alerted.get(c.id) === since) continue;
      this.alerted.set(c.id, since);
      fired.push(c.id);
      this.nsp.to(['all', `inbox:${c.inbox_id}`]).emit('notify', {
        kind: 'waiting',
        conversationId: c.id,
        text: `Khách #${c.id} đã chờ hơn ${minutes} phút`,
      });
    }
    for (const id of this.alerted.keys()) if (!stillWaiting.has(id)) this.alerted.delete(id);
    return fired;
  }
}
