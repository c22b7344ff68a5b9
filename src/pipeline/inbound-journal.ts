import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import { isGatewayError } from '../core/errors';
import type { Db } from '../store/unit-of-work';

/** Processes one stored webhook body; must be idempotent (a body can be processed twice after a crash). */
export type WebhookProcessor = (body: string, receivedAt: Date) => Promise<void>;

export interface InboundJournalDeps {
  db: Db;
  /**
   * Where bodies are inserted: on PostgreSQL a connection of its own (`Store.intake`), so
   * an acknowledgement never waits for a connection behind processing work. `db` when unset.
   */
  intakeDb?: Db;
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
  /** Bodies processed at once by this process; later ones wait their turn in arrival order. */
  maxProcessing?: number;
}

const DEFAULTS = { recoverAfterMs: 30_000, sweepEveryMs: 15_000, maxAttempts: 5, keepMs: 7 * 24 * 3_600_000, maxProcessing: 4 };
const SWEEP_BATCH = 200;
/** One INSERT stores at most this many bodies, or this many characters (Meta's bodies stay far below). */
const INSERT_BATCH_ROWS = 500;
const INSERT_BATCH_CHARS = 4_000_000;
/** Ids per statement when leases are renewed or rows marked done. */
const ID_CHUNK = 1000;

interface Arrival {
  channel: string;
  body: string;
  receivedAt: Date;
  processor: WebhookProcessor;
  settle: (err?: unknown) => void;
}

interface Job {
  id: number;
  channel: string;
  body: string;
  receivedAt: Date;
  processor: WebhookProcessor;
}

/**
 * Store first, acknowledge, then process. A channel's webhook route verifies the
 * signature, calls `accept` and only then answers 200, so an acknowledged event survives
 * a crash. Bodies arriving while an INSERT is committing are stored together by the next
 * one (group commit: one statement and one flush for many requests; each `accept`
 * resolves only once its own row is committed, and fails with its batch).
 *
 * Processing starts right after the commit in this process, in arrival order, at most
 * `maxProcessing` bodies at a time: under a burst, acknowledgements keep their pace and
 * processing catches up after it (the rows are stored; the sweep renews their lease while
 * they wait here). A periodic sweep takes over rows whose processing never finished
 * (process killed, database hiccup) — claimed with a lease and `SKIP LOCKED`, so with
 * several nodes one node handles each row. Processing is idempotent (messages dedupe on
 * their platform id, statuses only move forward), so a row processed twice does no harm;
 * that is also why rows are marked done a batch at a time.
 */
export class InboundJournal {
  private readonly opts: typeof DEFAULTS;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private stopped = false;
  /** Bodies waiting for the next INSERT, and the INSERT loop while it runs. */
  private arrivals: Arrival[] = [];
  private inserting: Promise<void> | null = null;
  /** Stored bodies waiting for a processing slot (from `waitingHead` on), and the slots in use. */
  private waiting: Job[] = [];
  private waitingHead = 0;
  private processing = 0;
  /** Ids this process has stored and not finished: their lease is renewed, the sweep leaves them. */
  private readonly held = new Set<number>();
  /** Rows processed and not yet marked done, and the UPDATE loop while it runs. */
  private doneIds: number[] = [];
  private marking: Promise<void> | null = null;

  constructor(private readonly deps: InboundJournalDeps) {
    this.opts = {
      recoverAfterMs: deps.recoverAfterMs ?? DEFAULTS.recoverAfterMs,
      sweepEveryMs: deps.sweepEveryMs ?? DEFAULTS.sweepEveryMs,
      maxAttempts: deps.maxAttempts ?? DEFAULTS.maxAttempts,
      keepMs: deps.keepMs ?? DEFAULTS.keepMs,
      maxProcessing: Math.max(1, deps.maxProcessing ?? DEFAULTS.maxProcessing),
    };
  }

  /** Durably store a verified body; resolves once it is committed. Processing follows in the background. */
  accept(channel: string, body: string, receivedAt: Date): Promise<void> {
    const processor = this.deps.processorOf(channel);
    if (!processor) return Promise.reject(new Error(`channel ${channel} cannot process stored webhooks`));
    return new Promise<void>((resolve, reject) => {
      this.arrivals.push({ channel, body, receivedAt, processor, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      this.startInserting();
    });
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

  /**
   * Stop sweeping, finish the INSERT under way and the processing of what this process
   * stored; rows not finished stay pending for the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.inserting) await this.inserting;
    await this.sweeping;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    while (this.marking) await this.marking;
  }

  private startInserting(): void {
    if (this.inserting || this.arrivals.length === 0) return;
    this.inserting = this.insertArrivals().finally(() => {
      this.inserting = null;
      this.startInserting();
    });
  }

  /** Store everything that arrived, a batch per INSERT, until nothing is waiting. */
  private async insertArrivals(): Promise<void> {
    while (this.arrivals.length > 0) {
      let chars = 0;
      let n = 0;
      while (n < this.arrivals.length && n < INSERT_BATCH_ROWS && (n === 0 || chars + this.arrivals[n]!.body.length <= INSERT_BATCH_CHARS)) chars += this.arrivals[n++]!.body.length;
      const batch = this.arrivals.slice(0, n);
      this.arrivals = this.arrivals.slice(n);
      const leaseUntil = new Date(this.deps.clock.now().getTime() + this.opts.recoverAfterMs);
      let ids: number[];
      try {
        const rows = await (this.deps.intakeDb ?? this.deps.db)
          .insertInto('inbound_events')
          .values(batch.map((a) => ({ channel: a.channel, body: a.body, received_at: a.receivedAt, lease_until: leaseUntil, attempts: 1 })))
          .returning('id')
          .execute();
        // One statement, one sequence: the ids follow the order of the rows given.
        ids = rows.map((r) => Number(r.id)).sort((a, b) => a - b);
      } catch (err) {
        for (const a of batch) a.settle(err);
        continue;
      }
      // Queued before anyone is answered, in arrival order (each contact's events stay in order).
      batch.forEach((a, i) => {
        if (!this.stopped) this.enqueue({ id: ids[i]!, channel: a.channel, body: a.body, receivedAt: a.receivedAt, processor: a.processor });
      });
      for (const a of batch) a.settle();
    }
  }

  private enqueue(job: Job): void {
    this.held.add(job.id);
    this.waiting.push(job);
    this.pump();
  }

  /** Start waiting bodies while processing slots are free. */
  private pump(): void {
    while (this.processing < this.opts.maxProcessing && this.waitingHead < this.waiting.length) {
      const job = this.waiting[this.waitingHead++]!;
      if (this.waitingHead === this.waiting.length) {
        this.waiting = [];
        this.waitingHead = 0;
      } else if (this.waitingHead >= 1024 && this.waitingHead * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.waitingHead);
        this.waitingHead = 0;
      }
      this.processing++;
      this.track(
        this.process(job.id, job.channel, job.body, job.receivedAt, 1, job.processor).finally(() => {
          this.processing--;
          this.held.delete(job.id);
          this.pump();
        }),
      );
    }
  }

  private async runSweep(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now();
    // Rows stored here and still waiting for a slot are not abandoned: keep their lease.
    const held = [...this.held];
    for (let i = 0; i < held.length; i += ID_CHUNK) {
      await db
        .updateTable('inbound_events')
        .set({ lease_until: new Date(now.getTime() + this.opts.recoverAfterMs) })
        .where('id', 'in', held.slice(i, i + ID_CHUNK))
        .where('status', '=', 'pending')
        .execute();
    }
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
    } catch (err) {
      const reason = isGatewayError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
      // A coded, non-retryable error (unknown inbox, invalid content) will not get better by trying again.
      const final = attempt >= this.opts.maxAttempts || (isGatewayError(err) && !err.retryable);
      this.deps.logger.error({ channel, inboundEventId: id, attempt, reason }, final ? 'webhook could not be processed; giving up' : 'webhook processing failed; will retry');
      // Not final: the lease lapses and a sweep retries it.
      await this.finish(id, final ? 'failed' : 'pending', reason.slice(0, 1000)).catch((e) => this.deps.logger.error({ err: e }, 'inbound journal: status not saved'));
      return;
    }
    this.doneIds.push(id);
    this.startMarking();
  }

  private startMarking(): void {
    if (this.marking || this.doneIds.length === 0) return;
    this.marking = this.markDone().finally(() => {
      this.marking = null;
      this.startMarking();
    });
  }

  /**
   * Mark processed rows done, many per UPDATE. A row not marked (crash, database error)
   * stays pending and is processed again by a sweep: harmless, processing is idempotent.
   */
  private async markDone(): Promise<void> {
    while (this.doneIds.length > 0) {
      const ids = this.doneIds.splice(0, ID_CHUNK);
      await this.deps.db
        .updateTable('inbound_events')
        .set({ status: 'done', last_error: null, processed_at: this.deps.clock.now(), lease_until: null })
        .where('id', 'in', ids)
        .execute()
        .catch((err) => this.deps.logger.error({ err, rows: ids.length }, 'inbound journal: rows not marked done (they will be processed again)'));
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
