import type { Logger } from 'pino';
import type { Clock } from '../core/clock';
import type { IngestResult } from '../core/channel';
import type { DomainEventBus } from '../core/event-bus';
import type { DomainEvent } from '../core/domain-events';
import { GatewayError } from '../core/errors';
import { KeyedSerialQueue } from '../core/keyed-queue';
import { parseInboundEvent, type InboundMessage } from '../core/message';
import { initialStatus, nextStatus } from '../core/conversation-state';
import { inTransaction, type Db, type UnitOfWork } from '../store/unit-of-work';
import { lockAndFindInbox } from '../store/repos/inboxes';
import { findInboundParty } from '../store/repos/contacts';
import { updateConversation } from '../store/repos/conversations';
import { insertInboundMessage, summarize } from '../store/repos/messages';
import { storeIntoOpenConversation } from '../store/repos/inbound-fast-path';
import type { ConversationRow, InboxRow, MessageRow } from '../store/schema';
import { recordSurveyReply, surveyReplyFor } from '../surveys/survey-replies';
import { scopeOf } from './event-scope';
import { messageViewOf } from './channel-directory';

export interface IngestDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  clock: Clock;
  logger: Logger;
  /** A contact message this long after resolution opens a new conversation instead of reopening. */
  reopenWindowMs: number;
  /** Which path stored a message: `fast` (migration 0012's one statement) or `general`. */
  onStored?: (path: 'fast' | 'general') => void;
}

/** Thrown inside the transaction to undo it when the message turns out to be a retry. */
class DuplicateMessage extends Error {}

/** A retry of a stored platform message: nothing stored, nothing emitted. */
const NOT_STORED: IngestResult = { stored: false, messageId: null, conversationId: null, message: null };

/**
 * The inbound pipeline: validate → dedupe → contact → conversation (found, reopened or
 * created) → message stored → domain events. One conversation's events run in arrival
 * order (keyed queue in-process, advisory lock across nodes); different conversations
 * run concurrently. A retry of a stored platform message stores and emits nothing.
 */
export class IngestPipeline {
  private readonly queue = new KeyedSerialQueue();

  constructor(private readonly deps: IngestDeps) {}

  /** Throws a coded GatewayError for bad input; nothing is stored then. */
  ingest(input: unknown): Promise<IngestResult> {
    const event = parseInboundEvent(input);
    const key = `${event.channel}:${event.accountId}:${event.externalUserId}`;
    return this.queue.run(key, () => this.process(event, key));
  }

  /** Resolves when everything accepted so far is processed (used at shutdown). */
  drain(): Promise<void> {
    return this.queue.drain();
  }

  private async process(event: InboundMessage, key: string): Promise<IngestResult> {
    const { db, bus } = this.deps;
    if (!bus.hasTransactionalListeners) {
      const fast = await this.storeFast(event, key);
      if (fast) return fast;
    }
    try {
      return await inTransaction(db, bus, async (uow) => {
        const inbox = await lockAndFindInbox(uow.db, key, event.channel, event.accountId);
        if (!inbox) {
          throw new GatewayError('GW_ERR_UNKNOWN_INBOX', `no ${event.channel} inbox for account ${event.accountId}`);
        }
        // A retry is found by the message insert's conflict (and everything before it is
        // rolled back): no select ahead of it, retries are rare and every round trip counts.
        return this.store(uow, inbox, event);
      });
    } catch (err) {
      if (err instanceof DuplicateMessage) return NOT_STORED;
      throw err;
    }
  }

  /**
   * Most messages: a known contact writing into a conversation that stays as it is. One
   * statement stores the message with its event-log row (migration 0012), then the event
   * goes to the after-commit listeners as if a UnitOfWork had committed it. Null when
   * the general path must run (nothing was written then).
   */
  private async storeFast(event: InboundMessage, key: string): Promise<IngestResult | null> {
    const now = this.deps.clock.now();
    const fast = await storeIntoOpenConversation(this.deps.db, key, event, now);
    if (fast.outcome === 'general') return null;
    if (fast.outcome === 'duplicate') return NOT_STORED;
    const { conversation: conv, message: row } = fast;
    const inbox = { id: row.inbox_id, channel: fast.channel };
    await this.deps.bus.publishCommitted([received(conv, inbox, fast.contactId, row, now, event.passive === true)]);
    return this.stored('fast', conv, inbox, row);
  }

  private async store(uow: UnitOfWork, inbox: InboxRow, event: InboundMessage): Promise<IngestResult> {
    const now = this.deps.clock.now();
    const identity = { channel: event.channel, accountId: event.accountId, externalId: event.externalUserId };
    const { contact, identityId, latest } = await findInboundParty(uow.db, identity, inbox.id, event.profile, now);
    // A survey answer (or its comment) stays on the resolved conversation: it does not reopen it.
    const surveyReply = latest?.status === 'resolved' ? await surveyReplyFor(uow.db, latest, inbox, event.content, now) : null;
    let conv = surveyReply && latest ? latest : await this.conversationFor(uow, inbox, contact.id, identityId, latest, now);
    const stored = await insertInboundMessage(
      uow.db,
      { conversationId: conv.id, inboxId: inbox.id, direction: 'in', senderType: 'contact', senderId: contact.id, content: event.content, status: 'received', externalId: event.externalId, sentAt: event.sentAt },
      { last_message_at: now, last_inbound_at: now, last_inbound_external_id: event.externalId, updated_at: now },
    );
    if (!stored) throw new DuplicateMessage(); // a retry of a stored message: undo the transaction
    const row = stored.message;
    conv = stored.conversation;
    if (conv.status === 'snoozed') conv = await this.wake(uow, inbox, conv, now);
    // A survey answer is passive too: recorded, answered by nobody, not a question waiting for a reply.
    const passive = event.passive === true || surveyReply !== null;
    await uow.emit(received(conv, inbox, contact.id, row, now, passive));
    if (surveyReply) await recordSurveyReply(uow, conv, inbox, surveyReply, now);
    return this.stored('general', conv, inbox, row);
  }

  private stored(path: 'fast' | 'general', conv: ConversationRow, inbox: Pick<InboxRow, 'id' | 'channel'>, row: MessageRow): IngestResult {
    this.deps.onStored?.(path);
    this.deps.logger.debug({ conversationId: conv.id, inboxId: inbox.id, channel: inbox.channel, messageId: row.id, externalId: row.external_id, path }, 'message stored');
    return { stored: true, messageId: row.id, conversationId: conv.id, message: messageViewOf(row) };
  }

  /** The open conversation, the resolved one reopened (inside the window), or a new one. */
  private async conversationFor(uow: UnitOfWork, inbox: InboxRow, contactId: number, identityId: number, latest: ConversationRow | undefined, now: Date): Promise<ConversationRow> {
    const actor = { type: 'contact' as const, id: contactId };
    if (latest && latest.status !== 'resolved') return latest;
    if (latest?.resolved_at && now.getTime() - latest.resolved_at.getTime() <= this.deps.reopenWindowMs) {
      const to = nextStatus('resolved', 'reopen', { assigneeId: latest.assignee_id, botEnabled: inbox.bot_enabled });
      const conv = await updateConversation(uow.db, latest.id, {
        status: to,
        reopened_at: now,
        reopen_count: latest.reopen_count + 1,
        resolved_at: null,
        bot_state: '{}',
        updated_at: now,
      });
      await uow.emit({ ...scopeOf(conv, inbox, actor, now), type: 'conversation.reopened', to, reopenCount: conv.reopen_count });
      return conv;
    }
    const status = initialStatus(inbox.bot_enabled);
    const conv = await uow.db
      .insertInto('conversations')
      .values({
        inbox_id: inbox.id,
        contact_id: contactId,
        identity_id: identityId,
        status,
        team_id: inbox.team_id,
        created_at: now,
        updated_at: now,
        bot_state: '{}',
        handed_off_at: status === 'pending' ? now : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await uow.emit({ ...scopeOf(conv, inbox, actor, now), type: 'conversation.created', status });
    return conv;
  }

  private async wake(uow: UnitOfWork, inbox: InboxRow, conv: ConversationRow, now: Date): Promise<ConversationRow> {
    const to = nextStatus(conv.status as 'snoozed', 'unsnooze', { assigneeId: conv.assignee_id, botEnabled: inbox.bot_enabled });
    const woken = await updateConversation(uow.db, conv.id, { status: to, snoozed_until: null, updated_at: now });
    await uow.emit({
      ...scopeOf(woken, inbox, { type: 'contact', id: conv.contact_id }, now),
      type: 'conversation.status_changed',
      from: 'snoozed',
      to,
      reason: 'contact_replied',
    });
    return woken;
  }
}

/** The `message.received` event of a stored contact message, the same on both paths. */
function received(conv: ConversationRow, inbox: Pick<InboxRow, 'id' | 'channel'>, contactId: number, row: MessageRow, at: Date, passive: boolean): DomainEvent {
  return { ...scopeOf(conv, inbox, { type: 'contact', id: contactId }, at), type: 'message.received', message: summarize(row), ...(passive ? { passive: true } : {}) };
}
