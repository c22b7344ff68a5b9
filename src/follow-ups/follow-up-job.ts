import type { Logger } from 'pino';
import type { ChannelAdapter, ReplyWindow } from '../core/channel';
import type { Clock } from '../core/clock';
import type { Actor } from '../core/conversation-state';
import { isGatewayError } from '../core/errors';
import type { JobLock } from '../jobs/job-lock';
import type { ConversationActions, LockedConversation } from '../pipeline/conversation-actions';
import type { OutboundMessages } from '../pipeline/outbound';
import { conversationAddress } from '../store/repos/conversations';
import type { Db } from '../store/unit-of-work';
import { contentOf, dueFollowUps, lockFollowUp, settleFollowUp, textOf, type FollowUpRow } from './follow-up-store';

/** What the scheduling agent gets on their sockets (`agent:<id>` room) when a follow-up cannot go. */
export interface FollowUpBlockedEvent {
  followUpId: number;
  conversationId: number;
  reason: string;
  text: string;
  dueAt: string;
}

export interface FollowUpJobDeps {
  db: Db;
  actions: ConversationActions;
  outbound: OutboundMessages;
  clock: Clock;
  logger: Logger;
  channelOf: (id: string) => ChannelAdapter | undefined;
  /** Tell one agent, on every node (Socket.IO room `agent:<id>`, through the Redis adapter when there is one). */
  notifyBlocked: (agentId: number, event: FollowUpBlockedEvent) => void;
  /** Most follow-ups handled in one pass (default 100); the rest wait for the next. */
  batchSize?: number;
  /** Timed passes on one node at a time (src/jobs/job-lock.ts); a direct `runOnce` always runs. */
  once?: JobLock;
}

export interface FollowUpOutcome {
  id: number;
  status: 'sent' | 'blocked';
  reason: string | null;
}

type Sender = Actor & { type: 'agent' | 'system' };
const SYSTEM: Sender = { type: 'system', id: null };

/**
 * Sends the follow-ups that are due ("hỏi thăm sau 3 ngày"), on the gateway's clock.
 *
 * Each one is decided under the conversation's row lock (the lock a contact message is
 * stored under, so `last_inbound_at` is current) with its own row locked and re-checked
 * `scheduled` — two passes or two nodes never send it twice, and a cancel either wins
 * before or finds it settled. Then the channel's `replyWindow` for an AGENT message now:
 * - open → posted through the outbox (`purpose: 'follow_up'`) as the agent who scheduled it
 *   → `sent` with the message id. The conversation's status is left as it is: a follow-up
 *   after a resolution (the usual case) goes out WITHOUT reopening — nobody owes the contact
 *   an answer yet; if they reply, the inbound pipeline reopens the conversation (or starts a
 *   new one) as for any message, and the agents see it then. It does not count as a first
 *   reply (metrics). An agent who no longer exists: sent as a system message, under the
 *   window for automated messages.
 * - closed (or the inbox needs reconnecting) → `blocked` with the channel's reason, a private
 *   note in the conversation saying so, and `followup:blocked` to the scheduling agent.
 * A coded error while deciding (e.g. the contact can no longer be addressed) blocks it the
 * same way; anything else is logged and tried again at the next pass.
 */
export class FollowUpJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<FollowUpOutcome[]> | null = null;

  constructor(private readonly deps: FollowUpJobDeps) {}

  start(intervalMs = 60_000): void {
    if (this.timer) return;
    const once: JobLock = this.deps.once ?? ((_job, pass) => pass());
    this.timer = setInterval(() => void once('follow-ups', () => this.runOnce()).catch((err) => this.deps.logger.error({ err }, 'follow-up pass failed')), intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and wait for a pass in flight. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass (passes never overlap on a node); returns what it settled. */
  runOnce(): Promise<FollowUpOutcome[]> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<FollowUpOutcome[]> {
    const due = await dueFollowUps(this.deps.db, this.deps.clock.now(), this.deps.batchSize ?? 100);
    const outcomes: FollowUpOutcome[] = [];
    for (const { id, conversation_id } of due) {
      try {
        const outcome = await this.settle(id, conversation_id);
        if (outcome) outcomes.push(outcome);
      } catch (err) {
        this.deps.logger.error({ err, followUpId: id, conversationId: conversation_id }, 'follow-up not settled; will try again');
      }
    }
    if (outcomes.length > 0) this.deps.logger.info({ sent: outcomes.filter((o) => o.status === 'sent').length, blocked: outcomes.filter((o) => o.status === 'blocked').length }, 'follow-ups settled');
    return outcomes;
  }

  private async settle(id: number, conversationId: number): Promise<FollowUpOutcome | null> {
    let blocked: { row: FollowUpRow; reason: string } | null = null;
    const outcome = await this.deps.actions.withConversation(conversationId, async (l) => {
      const row = await lockFollowUp(l.uow.db, id);
      if (!row || row.status !== 'scheduled' || row.due_at > l.now) return null; // settled or cancelled meanwhile
      let reason: string;
      try {
        const window = await this.windowOf(l, row);
        if (window.canReply) {
          const sender: Sender = row.agent_id === null ? SYSTEM : { type: 'agent', id: row.agent_id };
          const message = await this.deps.outbound.postLocked(l, { content: contentOf(row), sender, purpose: 'follow_up' });
          await settleFollowUp(l.uow.db, id, { status: 'sent', reason: null, messageId: message.id, now: l.now });
          return { id, status: 'sent', reason: null } as const;
        }
        reason = window.note;
      } catch (err) {
        if (!isGatewayError(err)) throw err;
        reason = err.message;
      }
      await this.deps.outbound.postLocked(l, { content: { type: 'text', text: blockedNote(l, row, reason) }, sender: SYSTEM, private: true });
      blocked = { row: await settleFollowUp(l.uow.db, id, { status: 'blocked', reason, messageId: null, now: l.now }), reason };
      return { id, status: 'blocked', reason } as const;
    });
    // Told after the commit: the agent never hears of a block that was rolled back.
    const told = blocked as { row: FollowUpRow; reason: string } | null;
    if (told?.row.agent_id != null) {
      this.deps.notifyBlocked(told.row.agent_id, { followUpId: id, conversationId, reason: told.reason, text: textOf(told.row), dueAt: told.row.due_at.toISOString() });
    }
    return outcome;
  }

  /** The channel's window for an agent message now (a system one when the agent is gone). */
  private async windowOf(l: LockedConversation, row: FollowUpRow): Promise<Pick<ReplyWindow, 'canReply' | 'note'>> {
    if (l.inbox.connection_error) return { canReply: false, note: l.inbox.connection_error };
    const found = await conversationAddress(l.uow.db, l.conv.id);
    const channel = found ? this.deps.channelOf(found.address.channel) : undefined;
    if (!found || !channel) return { canReply: false, note: 'the contact cannot be reached on this channel' };
    if (!channel.replyWindow) return { canReply: true, note: '' };
    return channel.replyWindow(found.address, l.conv.last_inbound_at, l.now, row.agent_id === null ? 'system' : 'agent');
  }
}

/** The private note left in the conversation (the inbox's language: `settings.lang`, Vietnamese by default). */
function blockedNote(l: LockedConversation, row: FollowUpRow, reason: string): string {
  const text = textOf(row);
  return l.inbox.settings?.lang === 'en'
    ? `Follow-up not sent: the channel does not allow it now. ${reason}\nText: "${text}"`
    : `Tin hỏi thăm hẹn gửi không được gửi: kênh không cho phép gửi lúc này. ${reason}\nNội dung: "${text}"`;
}
