import type { Actor } from '../core/conversation-state';
import { GatewayError } from '../core/errors';
import { messageContentSchema, formatIssues, type MessageContent } from '../core/message';
import { insertMessage, summarize } from '../store/repos/messages';
import { updateConversation } from '../store/repos/conversations';
import type { MessagePurpose, MessageRow } from '../store/schema';
import type { ConversationActions, LockedConversation } from './conversation-actions';
import { scopeOf } from './event-scope';

export interface OutboundInput {
  content: MessageContent;
  sender: Actor & { type: 'bot' | 'agent' | 'system' };
  /** A private note: stored and shown to agents, never sent to the contact. */
  private?: boolean;
  /**
   * `campaign` / `follow_up`: a proactive message, not an answer — it does not set the
   * conversation's first reply (the metrics), and channels send it by their proactive route.
   */
  purpose?: MessagePurpose;
}

/**
 * Stores a bot/agent/system message and queues it in the outbox in the same
 * transaction, so a reply is either recorded and going to be sent, or not at all.
 * An agent replying to a conversation the bot holds takes it over (the bot goes quiet).
 */
export class OutboundMessages {
  constructor(private readonly actions: ConversationActions) {}

  post(conversationId: number, input: OutboundInput): Promise<MessageRow> {
    const parsed = messageContentSchema.safeParse(input.content);
    if (!parsed.success) throw new GatewayError('GW_ERR_VALIDATION', `invalid message: ${formatIssues(parsed.error)}`);
    return this.actions.withConversation(conversationId, (l) => this.postLocked(l, { ...input, content: parsed.data }));
  }

  async postLocked(l: LockedConversation, input: OutboundInput): Promise<MessageRow> {
    const { uow, now } = l;
    const isPrivate = input.private === true;
    if (!isPrivate && input.sender.type === 'agent' && l.conv.status === 'bot') {
      await this.actions.assignLocked(l, { agentId: input.sender.id ?? null }, input.sender);
    }
    // Answers need the conversation reopened; a proactive message (a follow-up "after 3 days",
    // a campaign) goes to a resolved one as it is — the contact's reply reopens it.
    if (l.conv.status === 'resolved' && !isPrivate && input.sender.type === 'agent' && (input.purpose ?? 'reply') === 'reply') {
      throw new GatewayError('GW_ERR_INVALID_TRANSITION', 'reopen the conversation before replying');
    }
    const row = await insertMessage(uow.db, {
      conversationId: l.conv.id,
      inboxId: l.inbox.id,
      direction: 'out',
      senderType: input.sender.type,
      senderId: input.sender.id ?? null,
      content: input.content,
      private: isPrivate,
      status: isPrivate ? 'stored' : 'pending',
      externalId: null,
      sentAt: now,
      purpose: input.purpose ?? 'reply',
    });
    if (!row) throw new Error('outbound message not stored');
    if (!isPrivate) {
      await uow.db
        .insertInto('outbox')
        .values({ message_id: row.id, conversation_id: l.conv.id, inbox_id: l.inbox.id, status: 'pending', next_attempt_at: now, updated_at: now })
        .execute();
      l.conv = await updateConversation(uow.db, l.conv.id, {
        last_message_at: now,
        first_reply_at: (input.purpose ?? 'reply') === 'reply' ? (l.conv.first_reply_at ?? now) : l.conv.first_reply_at,
        updated_at: now,
      });
    }
    await uow.emit({ ...scopeOf(l.conv, l.inbox, input.sender, now), type: 'message.sent', message: summarize(row) });
    return row;
  }

  /**
   * Sends a `failed` or `unknown` message again — an agent's decision, never automatic.
   * An `unknown` one may have reached the contact: it is held for `holdUnknownMs` after
   * its last attempt so that its echo can still confirm it (then it is `delivered` and
   * cannot be resent).
   */
  resend(conversationId: number, messageId: number, actor: Actor, holdUnknownMs = 5 * 60_000): Promise<MessageRow> {
    return this.actions.withConversation(conversationId, async (l) => {
      const { uow, now } = l;
      const msg = await uow.db.selectFrom('messages').selectAll().where('id', '=', messageId).where('conversation_id', '=', l.conv.id).where('direction', '=', 'out').where('private', '=', false).executeTakeFirst();
      if (!msg) throw new GatewayError('GW_ERR_NOT_FOUND', 'message not found in this conversation');
      if (msg.status !== 'failed' && msg.status !== 'unknown') throw new GatewayError('GW_ERR_INVALID_TRANSITION', `only a failed or unknown message can be sent again (this one is ${msg.status})`);
      const job = await uow.db.selectFrom('outbox').select(['id', 'updated_at']).where('message_id', '=', msg.id).executeTakeFirst();
      if (!job) throw new GatewayError('GW_ERR_NOT_FOUND', 'this message was never queued');
      const heldUntil = new Date(job.updated_at.getTime() + holdUnknownMs);
      if (msg.status === 'unknown' && heldUntil > now) {
        throw new GatewayError('GW_ERR_INVALID_TRANSITION', `the platform may still confirm this message; it can be sent again after ${heldUntil.toISOString()}`);
      }
      await uow.db.updateTable('outbox').set({ status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, updated_at: now }).where('id', '=', job.id).execute();
      const row = await uow.db.updateTable('messages').set({ status: 'pending', error: null }).where('id', '=', msg.id).returningAll().executeTakeFirstOrThrow();
      await uow.emit({ ...scopeOf(l.conv, l.inbox, actor, now), type: 'message.status_changed', messageId: msg.id, status: 'pending', error: null });
      return row;
    });
  }
}
