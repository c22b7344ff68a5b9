import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Bot, BotDecision, BotState } from '../core/bot';
import type { ChannelCapabilities } from '../core/channel';
import type { DomainEventOf } from '../core/domain-events';
import { contentText, type MessageContent } from '../core/message';
import type { ConversationActions, LockedConversation } from '../pipeline/conversation-actions';
import type { OutboundMessages } from '../pipeline/outbound';
import { toJson } from '../store/json';
import { conversationStatus, updateConversation } from '../store/repos/conversations';
import type { Db } from '../store/unit-of-work';
import { scopeOf } from '../pipeline/event-scope';
import { eventFromLog } from '../store/event-log';
import { isLatestMessage, latestContactMessages, LOGGED_MESSAGE_ID } from '../store/repos/latest-contact-messages';

export interface BotRunnerDeps {
  db: Db;
  bot: Bot;
  actions: ConversationActions;
  outbound: OutboundMessages;
  logger: Logger;
  capabilitiesOf(channel: string): ChannelCapabilities;
}

const BOT = { type: 'bot' as const, id: null };

/**
 * After-commit listener on `message.received`: while a conversation is with the bot,
 * ask the bot for a decision and carry it out (reply, hand off, resolve). The decision
 * is applied under the conversation's lock and only if the conversation is still the
 * bot's, so the bot never speaks after an agent took over. Every decision is logged
 * in `bot_decisions` for admins to grow the FAQ.
 */
export function createBotRunner(deps: BotRunnerDeps) {
  /** `stillLatest`: decide only if nothing was said after the message by the time the decision is applied (the catch-up). */
  const run = async (event: DomainEventOf<'message.received'>, opts: { stillLatest?: boolean } = {}): Promise<void> => {
    if (event.passive) return; // another app owns the thread on the platform
    // Cheap look first (one read, no transaction, no row lock the contact's next message
    // would wait for): most messages come in conversations people hold.
    if ((await conversationStatus(deps.db, event.conversationId)) !== 'bot') return;
    const state = await deps.actions.withConversation(event.conversationId, async (l) =>
      l.conv.status === 'bot' ? (l.conv.bot_state as unknown as BotState) : null,
    );
    if (state === null) return;
    const content = event.message.content;
    const decision = await deps.bot.decide({
      conversationId: event.conversationId,
      inboxId: event.inboxId,
      channel: event.channel,
      content,
      text: contentText(content),
      capabilities: deps.capabilitiesOf(event.channel),
      state,
      lang: 'vi',
    });
    await deps.actions.withConversation(event.conversationId, async (l) => {
      if (l.conv.status !== 'bot') return; // an agent took it meanwhile: stay quiet
      if (opts.stillLatest && !(await isLatestMessage(l.uow.db, l.conv.id, event.message.id))) return; // a newer message has its own turn
      // Once per message across nodes and restarts: a second decision logs and sends nothing.
      if (!(await logDecision(l, contentText(content), decision, event.message.id))) return;
      await apply(deps, l, decision);
    });
  };
  /**
   * After-commit listeners die with their process: a contact message stored by a node
   * that stopped before giving it to the bot would wait for ever in a conversation no
   * person looks at. At start the gateway calls this: in conversations the bot still
   * holds (inbox bot on), a contact's latest message since `since` with no decision is
   * decided on now (the unique `bot_decisions.message_id` keeps it to once if another
   * node is doing the same), unless the contact wrote again meanwhile: the newer message
   * has its own turn, and an answer to the older one would come after it. Returns how
   * many were looked at.
   */
  const catchUp = async (since: Date): Promise<number> => {
    const rows = await latestContactMessages(deps.db, since)
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .where('c.status', '=', 'bot')
      .where('i.bot_enabled', '=', true)
      .where(sql<boolean>`not exists (select 1 from bot_decisions d where d.message_id = ${LOGGED_MESSAGE_ID})`)
      .execute();
    for (const row of rows) await run(eventFromLog<DomainEventOf<'message.received'>>(row), { stillLatest: true });
    return rows.length;
  };
  /**
   * Apply a decision that arrives later (an external bot answering asynchronously),
   * under the same rule: only while the conversation is still the bot's.
   */
  const applyLater = (conversationId: number, decision: BotDecision, question: string): Promise<boolean> =>
    deps.actions.withConversation(conversationId, async (l) => {
      if (l.conv.status !== 'bot') return false;
      await logDecision(l, question, decision, null);
      await apply(deps, l, decision);
      return true;
    });
  return { run, applyLater, catchUp };
}

async function apply(deps: BotRunnerDeps, l: LockedConversation, decision: BotDecision): Promise<void> {
  const send = async (contents: MessageContent[]) => {
    for (const c of contents) await deps.outbound.postLocked(l, { content: c, sender: BOT });
  };
  l.conv = await updateConversation(l.uow.db, l.conv.id, { bot_state: toJson(decision.state) });
  switch (decision.type) {
    case 'answer':
      await l.uow.emit({ ...scopeOf(l.conv, l.inbox, BOT, l.now), type: 'bot.answered', faqId: decision.faqId, confidence: decision.confidence });
      await send(decision.content);
      return;
    case 'handoff':
      await send(decision.content);
      await deps.actions.handoffLocked(l, decision.reason, BOT);
      return;
    case 'resolve':
      await send(decision.content);
      await deps.actions.resolveLocked(l, BOT, 'bot_answer_confirmed');
      return;
    case 'none':
      return;
  }
}

/** False when this message was decided on already (migration 0013's unique message id). */
async function logDecision(l: LockedConversation, question: string, decision: BotDecision, messageId: number | null): Promise<boolean> {
  const row = await l.uow.db
    .insertInto('bot_decisions')
    .values({
      conversation_id: l.conv.id,
      inbox_id: l.inbox.id,
      question,
      action: decision.type,
      faq_id: decision.type === 'answer' ? decision.faqId : null,
      confidence: decision.type === 'answer' ? decision.confidence : null,
      reason: decision.type === 'handoff' ? decision.reason : null,
      at: l.now,
      message_id: messageId,
    })
    .onConflict((oc) => oc.column('message_id').where('message_id', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
