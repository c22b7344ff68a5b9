import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { ChannelAdapter, OutboundMessage } from '../core/channel';
import type { Clock } from '../core/clock';
import type { DomainEventBus } from '../core/event-bus';
import { GatewayError, isGatewayError } from '../core/errors';
import type { MessageContent } from '../core/message';
import { inTransaction, type Db } from '../store/unit-of-work';
import { scopeOf } from './event-scope';
import { setConnectionProblem } from '../store/repos/inboxes';

export interface DispatcherDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  clock: Clock;
  logger: Logger;
  channels: ReadonlyMap<string, ChannelAdapter>;
  pollIntervalMs?: number;
  maxAttempts?: number;
  /** A row `sending` for longer than this lost its node mid-send (crash): it becomes `unknown`. */
  sendingLeaseMs?: number;
}

type OutboxJob = { id: number; message_id: number; conversation_id: number; attempts: number };

/**
 * Sends what the outbox holds. Rows are claimed with FOR UPDATE SKIP LOCKED (so nodes
 * never take the same row), one conversation's rows strictly in order (a row waits
 * while an earlier one of its conversation is pending), retryable failures back off
 * exponentially with jitter, permanent ones end `failed` with the reason on the message,
 * ambiguous ones (the platform may have the message) `unknown` — reconciled by the echo,
 * resent only by an agent (`requeue`).
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.stopped = false;
    const interval = this.deps.pollIntervalMs ?? 1000;
    this.timer = setInterval(() => this.kick(), interval);
    this.timer.unref();
    this.kick();
  }

  /** Ask for a pass soon (after a message was queued). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Resolves when the current pass is over (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  private async loop(): Promise<void> {
    try {
      await this.recoverAbandoned();
      for (let pass = 0; pass < 100 && !this.stopped; pass++) {
        const jobs = await this.claim();
        if (jobs.length === 0) return;
        await Promise.all(groupByConversation(jobs).map((group) => this.sendInOrder(group)));
      }
    } catch (err) {
      this.deps.logger.error({ err }, 'outbox pass failed');
    }
  }

  private async sendInOrder(jobs: OutboxJob[]): Promise<void> {
    for (const job of jobs) {
      const ok = await this.deliver(job);
      if (!ok) return; // keep order: later rows wait for this one's retry
    }
  }

  /**
   * Rows left `sending` by a node that died mid-send (SIGKILL, power loss): the request
   * may or may not have reached the platform, so they are not resent but marked
   * `unknown` — the echo may still confirm them, an agent may resend them — and the
   * conversation's later messages go on. Sends time out long before the lease ends.
   */
  private async recoverAbandoned(): Promise<void> {
    const now = this.deps.clock.now();
    const before = new Date(now.getTime() - (this.deps.sendingLeaseMs ?? 60_000));
    // One UPDATE takes them: with several nodes, each row goes to one.
    const abandoned = await this.deps.db
      .updateTable('outbox')
      .set({ status: 'unknown', updated_at: now })
      .where('status', '=', 'sending')
      .where('updated_at', '<', before)
      .returning(['id', 'message_id', 'conversation_id', 'attempts'])
      .execute();
    for (const job of abandoned) {
      this.deps.logger.warn({ conversationId: job.conversation_id, messageId: job.message_id }, 'outbound message abandoned mid-send (unknown)');
      await this.finish(job, 'unknown', 'GW_ERR_CHANNEL_TRANSIENT: the gateway stopped while sending this message — it may have been sent; check the conversation before resending', null);
    }
  }

  private async claim(): Promise<OutboxJob[]> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .select(['id', 'message_id', 'conversation_id', 'attempts'])
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('outbox as earlier')
                .select(sql`1`.as('one'))
                .whereRef('earlier.conversation_id', '=', 'outbox.conversation_id')
                .whereRef('earlier.id', '<', 'outbox.id')
                .where('earlier.status', 'in', ['pending', 'sending']),
            ),
          ),
        )
        .orderBy('id')
        .limit(50)
        .forUpdate()
        .skipLocked()
        .execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('outbox')
        .set({ status: 'sending', attempts: sql`attempts + 1`, updated_at: now })
        .where('id', 'in', rows.map((r) => r.id))
        .execute();
      return rows;
    });
  }

  /** Returns true when the row reached a final state (sent or failed). */
  private async deliver(job: OutboxJob): Promise<boolean> {
    const outbound = await this.load(job);
    const channel = outbound ? this.deps.channels.get(outbound.address.channel) : undefined;
    try {
      if (!outbound) throw new GatewayError('GW_ERR_NOT_FOUND', 'message or contact identity missing');
      if (!channel) throw new GatewayError('GW_ERR_NOT_FOUND', `channel ${outbound.address.channel} is not enabled`);
      const result = await channel.send(outbound);
      await this.finish(job, result.status, null, result.externalId);
      await setConnectionProblem(this.deps.db, { inboxId: outbound.inboxId }, null, this.deps.clock.now());
      return true;
    } catch (err) {
      const attempts = job.attempts + 1;
      const retryable = isGatewayError(err) ? err.retryable : true;
      const reason = isGatewayError(err) ? `${err.code}: ${err.message}` : String((err as Error)?.message ?? err);
      if (outbound && isGatewayError(err) && (err.details as { needsReconnect?: unknown } | undefined)?.needsReconnect === true) {
        await setConnectionProblem(this.deps.db, { inboxId: outbound.inboxId }, err.message, this.deps.clock.now());
      }
      if (retryable && attempts < (this.deps.maxAttempts ?? 8)) {
        await this.retryLater(job, attempts, reason);
        return false;
      }
      // The platform may have taken it (a timeout after the request left): never resent
      // blindly. `unknown` until its echo says `delivered`; an agent may resend it later.
      const ambiguous = isGatewayError(err) && (err.details as { ambiguous?: unknown } | undefined)?.ambiguous === true;
      this.deps.logger.warn({ conversationId: job.conversation_id, messageId: job.message_id, reason }, ambiguous ? 'outbound message may have been sent (unknown)' : 'outbound message failed');
      await this.finish(job, ambiguous ? 'unknown' : 'failed', reason, null);
      return true;
    }
  }

  private async load(job: OutboxJob): Promise<OutboundMessage | null> {
    const row = await this.deps.db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      // The conversation's own identity: a merged contact may hold two on one account.
      .innerJoin('contact_identities as ci', 'ci.id', 'c.identity_id')
      .select(['m.id', 'm.content', 'm.sender_type', 'm.purpose', 'c.id as conversation_id', 'c.inbox_id', 'c.last_inbound_at', 'c.last_inbound_external_id'])
      .leftJoin('agents as a', (j) => j.onRef('a.id', '=', 'm.sender_id').on('m.sender_type', '=', 'agent'))
      .select(['i.channel', 'i.account_id', 'ci.external_id as external_user_id', 'a.name as agent_name'])
      .where('m.id', '=', job.message_id)
      .executeTakeFirst();
    if (!row) return null;
    return {
      messageId: row.id,
      conversationId: row.conversation_id,
      inboxId: row.inbox_id,
      address: { channel: row.channel, accountId: row.account_id, externalUserId: row.external_user_id },
      content: row.content as unknown as MessageContent,
      senderType: row.sender_type === 'contact' ? 'system' : row.sender_type,
      senderName: row.agent_name ?? null,
      replyToExternalId: row.last_inbound_external_id,
      lastInboundAt: row.last_inbound_at,
      purpose: row.purpose,
    };
  }

  private async retryLater(job: OutboxJob, attempts: number, reason: string): Promise<void> {
    const base = Math.min(60_000, 500 * 2 ** (attempts - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    await this.deps.db
      .updateTable('outbox')
      .set({ status: 'pending', next_attempt_at: new Date(this.deps.clock.now().getTime() + delay), last_error: reason, updated_at: this.deps.clock.now() })
      .where('id', '=', job.id)
      .execute();
  }

  private async finish(job: OutboxJob, status: 'sent' | 'delivered' | 'failed' | 'unknown', error: string | null, externalId: string | null): Promise<void> {
    const { db, bus, clock } = this.deps;
    await inTransaction(db, bus, async (uow) => {
      const now = clock.now();
      await uow.db.updateTable('outbox').set({ status, last_error: error, updated_at: now }).where('id', '=', job.id).execute();
      await uow.db
        .updateTable('messages')
        .set({ status, error, ...(externalId ? { external_id: externalId } : {}) })
        .where('id', '=', job.message_id)
        .execute();
      const conv = await uow.db.selectFrom('conversations').selectAll().where('id', '=', job.conversation_id).executeTakeFirstOrThrow();
      const inbox = await uow.db.selectFrom('inboxes').selectAll().where('id', '=', conv.inbox_id).executeTakeFirstOrThrow();
      await uow.emit({ ...scopeOf(conv, inbox, { type: 'system' }, now), type: 'message.status_changed', messageId: job.message_id, status, error });
    });
  }
}

function groupByConversation(jobs: OutboxJob[]): OutboxJob[][] {
  const groups = new Map<number, OutboxJob[]>();
  for (const job of jobs) {
    const list = groups.get(job.conversation_id) ?? [];
    list.push(job);
    groups.set(job.conversation_id, list);
  }
  return [...groups.values()];
}
