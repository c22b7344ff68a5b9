import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { DomainEventBus } from '../core/event-bus';
import { messageContentSchema, type MessageContent } from '../core/message';
import type { JobLock } from '../jobs/job-lock';
import type { ConversationActions } from '../pipeline/conversation-actions';
import type { OutboundMessages } from '../pipeline/outbound';
import { scopeOf } from '../pipeline/event-scope';
import { lockAndFindInbox } from '../store/repos/inboxes';
import { inTransaction, type Db } from '../store/unit-of-work';
import type { CampaignRecipientsTable } from '../store/schema';
import type { Selectable } from 'kysely';
import { campaignMessage, campaignContentSchema } from './campaign-content';
import type { CampaignRow } from './campaign-store';
import type { CampaignPlanner, PlannedRecipient, RecipientTarget } from './planner';
import { segmentFilterSchema } from './segment-filter';

type RecipientRow = Selectable<CampaignRecipientsTable>;

/** Why a recipient did not get the message because the campaign was cancelled first. */
export const CANCELLED = 'cancelled';
/** Why a waiting recipient was dropped: its identity on the inbox is gone (merge undone, deleted). */
export const NO_IDENTITY = 'the contact has no identity on this inbox any more';

export interface CampaignRunnerDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  actions: ConversationActions;
  outbound: OutboundMessages;
  planner: CampaignPlanner;
  clock: Clock;
  logger: Logger;
  /** Contacts planned per statement, recipients re-planned or posted per pass (default 200). */
  batchSize?: number;
  /** Planning batches of one campaign per pass (default 10); a larger segment goes on next pass. */
  planBatchesPerPass?: number;
  /** Timed passes on one node at a time (src/jobs/job-lock.ts); a direct `runOnce` always runs. */
  once?: JobLock;
}

/**
 * Sends campaigns (a periodic job on the gateway's clock, like auto-resolve). One pass:
 *
 * 1. plans the due scheduled campaigns (`scheduled_at` ≤ now): the planner's decision for
 *    each contact of the filter × inbox becomes a `campaign_recipients` row — unique per
 *    campaign × contact × inbox, inserted with ON CONFLICT DO NOTHING, so a second node or a
 *    pass resumed after a crash (it restarts from the highest contact planned) adds nothing.
 *    A campaign stays `scheduled` while planning and becomes `sending` once every contact is
 *    planned; each batch checks the status under the campaign's row lock, so a cancel wins;
 * 2. re-plans the `waiting` recipients whose `not_before` has come, by the channel's rules at
 *    that time (Zalo: 06:00, or the next day after a promotion today): queued, waiting again
 *    or skipped;
 * 3. posts the `queued` recipients that have no message yet (the channel's rule asked once
 *    more: posting a large campaign takes several passes, a window may close meanwhile): one
 *    `campaign` message from the system through `OutboundMessages` (so through the outbox and its rate limits) into the
 *    identity's latest conversation in the inbox, as it is — a resolved conversation stays
 *    resolved (`postLocked` refuses only agents on resolved conversations; system messages
 *    change no status), a campaign is no reply for the metrics (`purpose: 'campaign'`). The
 *    recipient row is re-read under the conversation's lock and gets its `message_id` in the
 *    same transaction as the message: posted once, whichever node or pass gets there;
 * 4. marks `sending` campaigns with nothing left to plan or post as `sent`.
 *
 * A contact with an identity but no conversation in the inbox (a Zalo follower who never
 * wrote) gets one created for the campaign, the way ingest creates them (under the ingest
 * lock of that identity, `conversation.created`) but already `resolved`: nobody is waiting
 * for an answer, so it joins no queue and counts no wait; the contact's reply reopens it
 * within the reopen window like any resolved conversation.
 */
export class CampaignRunner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: CampaignRunnerDeps) {}

  start(intervalMs = 15_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  /** A pass soon (a campaign was just sent "now"), on one node at a time. */
  kick(): void {
    if (!this.timer) return; // stopped (or never started): nothing runs in the background
    const once: JobLock = this.deps.once ?? ((_job, pass) => pass());
    void once('campaigns', () => this.runOnce()).catch((err) => this.deps.logger.error({ err }, 'campaign pass failed'));
  }

  /** Stop the timer and wait for a pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass (passes never overlap on a node). */
  runOnce(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private get batch(): number {
    return this.deps.batchSize ?? 200;
  }

  private async pass(): Promise<void> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const due = await db.selectFrom('campaigns').selectAll().where('status', '=', 'scheduled').where('scheduled_at', '<=', now).orderBy('scheduled_at').orderBy('id').limit(10).execute();
    for (const campaign of due) await this.plan(campaign);
    await this.replanWaiting();
    await this.postQueued();
    await db
      .updateTable('campaigns as c')
      .set({ status: 'sent', finished_at: clock.now(), updated_at: clock.now() })
      .where('c.status', '=', 'sending')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('campaign_recipients as r')
              .select('r.id')
              .whereRef('r.campaign_id', '=', 'c.id')
              .where((w) => w.or([w('r.status', '=', 'waiting'), w.and([w('r.status', '=', 'queued'), w('r.message_id', 'is', null)])])),
          ),
        ),
      )
      .execute();
  }

  /** Plans up to `planBatchesPerPass` batches of one due campaign; `sending` once all are planned. */
  private async plan(campaign: CampaignRow): Promise<void> {
    const { db, planner, clock } = this.deps;
    const filter = segmentFilterSchema.parse(campaign.filter);
    const resume = await db.selectFrom('campaign_recipients').select((eb) => eb.fn.max('contact_id').as('m')).where('campaign_id', '=', campaign.id).executeTakeFirst();
    let after = resume?.m ?? 0;
    for (let i = 0; i < (this.deps.planBatchesPerPass ?? 10); i++) {
      const now = clock.now();
      const { contactIds, recipients } = await planner.planBatch(filter, campaign.inbox_ids, now, after, this.batch);
      const done = contactIds.length < this.batch;
      const still = await db.transaction().execute(async (trx) => {
        const locked = await trx.selectFrom('campaigns').select('status').where('id', '=', campaign.id).forUpdate().executeTakeFirst();
        if (locked?.status !== 'scheduled') return false;
        if (recipients.length > 0) {
          await trx
            .insertInto('campaign_recipients')
            .values(recipients.map((r) => recipientValues(campaign.id, r, now)))
            .onConflict((oc) => oc.constraint('campaign_recipients_once').doNothing())
            .execute();
        }
        await trx
          .updateTable('campaigns')
          .set((eb) => ({ started_at: eb.fn.coalesce('started_at', eb.val(now)), updated_at: now, ...(done ? { status: 'sending' as const } : {}) }))
          .where('id', '=', campaign.id)
          .execute();
        return true;
      });
      if (!still || done) return;
      after = contactIds[contactIds.length - 1]!;
    }
  }

  /** Waiting recipients whose time has come: the channel's rules again, at this moment. */
  private async replanWaiting(): Promise<void> {
    const { db, planner, clock } = this.deps;
    const rows = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .selectAll('r')
      .where('r.status', '=', 'waiting')
      .where('r.not_before', '<=', clock.now())
      .where('c.status', '=', 'sending')
      .orderBy('r.not_before')
      .orderBy('r.id')
      .limit(this.batch)
      .execute();
    for (const r of rows) {
      const now = clock.now();
      const [target] = await planner.targets([r.contact_id], [r.inbox_id], r.campaign_id);
      const plan = target ? await planner.decide(target, now) : ({ status: 'skipped', reason: NO_IDENTITY, notBefore: null } as const);
      await db
        .updateTable('campaign_recipients')
        .set({ status: plan.status, reason: plan.reason, not_before: plan.notBefore, conversation_id: target?.conversationId ?? r.conversation_id, updated_at: now })
        .where('id', '=', r.id)
        .where('status', '=', 'waiting') // a cancel in between wins
        .execute();
    }
  }

  private async postQueued(): Promise<void> {
    const { db } = this.deps;
    const rows = await db
      .selectFrom('campaign_recipients as r')
      .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
      .selectAll('r')
      .select('c.content')
      .where('r.status', '=', 'queued')
      .where('r.message_id', 'is', null)
      .where('c.status', '=', 'sending')
      .orderBy('r.id')
      .limit(this.batch)
      .execute();
    const contentOf = new Map<string, MessageContent>();
    for (const r of rows) {
      const key = JSON.stringify(r.content);
      let content = contentOf.get(key);
      if (!content) contentOf.set(key, (content = messageContentSchema.parse(campaignMessage(campaignContentSchema.parse(r.content)))));
      try {
        await this.post(r, content);
      } catch (err) {
        this.deps.logger.error({ err, campaignId: r.campaign_id, recipientId: r.id }, 'campaign message not posted');
      }
    }
  }

  /**
   * Posts one queued recipient's message. The channel's rule is asked again first: a large
   * campaign is posted over several passes, and a Messenger window may have closed or Zalo's
   * night begun since planning — then the recipient waits or is skipped instead of failing.
   */
  private async post(r: RecipientRow, content: MessageContent): Promise<void> {
    const { db, actions, outbound, planner, clock } = this.deps;
    const [target] = await planner.targets([r.contact_id], [r.inbox_id], r.campaign_id);
    const plan = target ? await planner.decide(target, clock.now()) : ({ status: 'skipped', reason: NO_IDENTITY, notBefore: null } as const);
    const conversationId = target && plan.status === 'queued' ? (target.conversationId ?? (await this.conversationFor(target))) : null;
    if (conversationId === null) {
      const stay = plan.status === 'queued' ? ({ status: 'skipped', reason: NO_IDENTITY, notBefore: null } as const) : plan;
      await db.updateTable('campaign_recipients').set({ status: stay.status, reason: stay.reason, not_before: stay.notBefore, updated_at: clock.now() }).where('id', '=', r.id).where('status', '=', 'queued').where('message_id', 'is', null).execute();
      return;
    }
    await actions.withConversation(conversationId, async (l) => {
      const row = await l.uow.db.selectFrom('campaign_recipients').select(['status', 'message_id']).where('id', '=', r.id).forUpdate().executeTakeFirst();
      if (row?.status !== 'queued' || row.message_id !== null) return; // posted by another pass or node, or cancelled
      const message = await outbound.postLocked(l, { content, sender: { type: 'system' }, purpose: 'campaign' });
      await l.uow.db.updateTable('campaign_recipients').set({ message_id: message.id, conversation_id: l.conv.id, sent_at: l.now, updated_at: l.now }).where('id', '=', r.id).execute();
    });
  }

  /** The identity's latest conversation in the inbox, or a new resolved one (see the class comment); null without identity. */
  private async conversationFor(target: RecipientTarget): Promise<number | null> {
    const { db, bus, clock } = this.deps;
    const { address } = target.target;
    return inTransaction(db, bus, async (uow) => {
      // The lock ingest takes for this identity: a message arriving meanwhile finds our conversation, or we find its.
      const inbox = await lockAndFindInbox(uow.db, `${address.channel}:${address.accountId}:${address.externalUserId}`, address.channel, address.accountId);
      if (!inbox) return null;
      const latest = await uow.db.selectFrom('conversations').select('id').where('identity_id', '=', target.identityId).where('inbox_id', '=', inbox.id).orderBy('id', 'desc').limit(1).executeTakeFirst();
      if (latest) return latest.id;
      const now = clock.now();
      const conv = await uow.db
        .insertInto('conversations')
        .values({ inbox_id: inbox.id, contact_id: target.contactId, identity_id: target.identityId, status: 'resolved', team_id: inbox.team_id, created_at: now, updated_at: now, resolved_at: now, bot_state: '{}' })
        .returningAll()
        .executeTakeFirstOrThrow();
      await uow.emit({ ...scopeOf(conv, inbox, { type: 'system' }, now), type: 'conversation.created', status: 'resolved' });
      return conv.id;
    });
  }
}

function recipientValues(campaignId: number, r: PlannedRecipient, now: Date) {
  return {
    campaign_id: campaignId,
    contact_id: r.contactId,
    inbox_id: r.inboxId,
    channel: r.channel,
    status: r.status,
    reason: r.reason,
    not_before: r.notBefore,
    conversation_id: r.conversationId,
    updated_at: now,
  };
}
