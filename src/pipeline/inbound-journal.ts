import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { isGatewayError } from '../core/errors';
import type { Db } from '../store/unit-of-work';

/** Processes one stored webhook body; must be idempotent (a body can be processed twice after a crash). */
export type WebhookProcessor = (body: string, receivedAt: Date) => Promise<void>;

export interface InboundJournalDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  processorOf: (channel: string) => WebhookProcessor | undefined;
  /** A pending row older than this is considered abandoned (its node died) and is taken over. */
  recoverAfterMs?: number;
  /** How often abandoned rows are looked for and old rows purged. */
  sweepEveryMs?: number;
  /** After this many failed attempts a row stays `failed` (visible in the table, with its error). */
  maxAttempts?: number;
  /** Processed rows are kept this long for audit, then deleted. */
  keepMs?: number;
}

const DEFAULTS = { recoverAfterMs: 30_000, sweepEveryMs: 15_000, maxAttempts: 5, keepMs: 7 * 24 * 3_600_000 };
const SWEEP_BATCH = 200;

/**
 * Store first, acknowledge, then process. A channel's webhook route verifies the
 * signature, calls `accept` (one INSERT of the raw body) and only then answers 200, so
 * an acknowledged event survives a crash. Processing starts at once in this process;
 * a periodic sweep takes over rows whose processing never finished (process killed,
 * database hiccup) — claimed with a lease and `SKIP LOCKED`, so with several nodes one
 * node handles each row. Processing is idempotent (messages dedupe on their platform
 * id, statuses only move forward), so a row processed twice does no harm.
 */
export class InboundJournal {
  private readonly opts: typeof DEFAULTS;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly deps: InboundJournalDeps) {
    this.opts = {
      recoverAfterMs: deps.recoverAfterMs ?? DEFAULTS.recoverAfterMs,
      sweepEveryMs: deps.sweepEveryMs ?? DEFAULTS.sweepEveryMs,
      maxAttempts: deps.maxAttempts ?? DEFAULTS.maxAttempts,
      keepMs: deps.keepMs ?? DEFAULTS.keepMs,
    };
  }

  /** Durably store a verified body; resolves once it is committed. Processing follows in the background. */
  async accept(channel: string, body: string, receivedAt: Date): Promise<void> {
    const processor = this.deps.processorOf(channel);
    if (!processor) throw new Error(`channel ${channel} cannot process stored webhooks`);
    const leaseUntil = new Date(this.deps.clock.now().getTime() + this.opts.recoverAfterMs);
    const row = await this.deps.db
      .insertInto('inbound_events')
      .values({ channel, body, received_at: receivedAt, lease_until: leaseUntil, attempts: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (!this.stopped) this.track(this.process(row.id, channel, body, receivedAt, 1, processor));
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const tick = () => void this.sweep().catch((err) => this.deps.logger.error({ err }, 'inbound journal sweep failed'));
    this.timer = setInterval(tick, this.opts.sweepEveryMs);
    this.timer.unref();
    tick();
  }

  /** Take over abandoned rows and purge old processed ones. Returns when this sweep is done. */
  sweep(): Promise<void> {
    return (this.sweeping ??= this.runSweep().finally(() => (this.sweeping = null)));
  }

  /** Stop sweeping and wait for processing in flight. Rows not finished stay pending for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async runSweep(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const claimed = await db
      .updateTable('inbound_events')
      .set({ lease_until: new Date(now.getTime() + this.opts.recoverAfterMs), attempts: sql<number>`attempts + 1` })
      .where(
        'id',
        'in',
        db
          .selectFrom('inbound_events')
          .select('id')
          .where('status', '=', 'pending')
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
          .orderBy('id')
          .limit(SWEEP_BATCH)
          .forUpdate()
          .skipLocked(),
      )
      .returning(['id', 'channel', 'body', 'received_at', 'attempts'])
      .execute();
    if (claimed.length > 0) this.deps.logger.warn({ rows: claimed.length }, 'inbound journal: processing webhooks left unfinished');
    // One at a time, in arrival order: keeps each contact's events in order.
    for (const row of claimed.sort((a, b) => a.id - b.id)) {
      if (this.stopped) break;
      const processor = this.deps.processorOf(row.channel);
      if (!processor) {
        await this.finish(row.id, 'failed', `no processor for channel ${row.channel}`);
        continue;
      }
      await this.process(row.id, row.channel, row.body, new Date(row.received_at), row.attempts, processor);
    }
    await db
      .deleteFrom('inbound_events')
      .where('status', '<>', 'pending')
      .where('processed_at', '<', new Date(now.getTime() - this.opts.keepMs))
      .execute();
  }

  private async process(id: number, channel: string, body: string, receivedAt: Date, attempt: number, processor: WebhookProcessor): Promise<void> {
    try {
      await processor(body, receivedAt);
      await this.finish(id, 'done', null);
    } catch (err) {
      const reason = isGatewayError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
      // A coded, non-retryable error (unknown inbox, invalid content) will not get better by trying again.
      const final = attempt >= this.opts.maxAttempts || (isGatewayError(err) && !err.retryable);
      this.deps.logger.error({ channel, inboundEventId: id, attempt, reason }, final ? 'webhook could not be processed; giving up' : 'webhook processing failed; will retry');
      // Not final: the lease lapses and a sweep retries it.
      await this.finish(id, final ? 'failed' : 'pending', reason.slice(0, 1000)).catch((e) => this.deps.logger.error({ err: e }, 'inbound journal: status not saved'));
    }
  }

  private async finish(id: number, status: 'done' | 'failed' | 'pending', error: string | null): Promise<void> {
    await this.deps.db
      .updateTable('inbound_events')
      .set(status === 'pending' ? { last_error: error } : { status, last_error: error, processed_at: this.deps.clock.now(), lease_until: null })
      .where('id', '=', id)
      .execute();
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }
}

/**
 * Wait for every event of one body, then report: a body is done only when all its events
 * are. A retryable failure wins over a permanent one, so the body is tried again.
 */
export async function allEvents(work: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(work);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 0) return;
  throw failures.find((e) => !isGatewayError(e) || e.retryable) ?? failures[0];
}
