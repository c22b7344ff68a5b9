import type { Logger } from 'pino';
import { awayMessageText, inboxBusinessHours, isOpen, lastClosing, type BusinessHours, type ContactLang } from '../business-hours';
import type { DomainEvent, DomainEventOf } from '../core/domain-events';
import type { ConversationActions, LockedConversation } from '../pipeline/conversation-actions';
import type { OutboundMessages } from '../pipeline/outbound';
import { eventFromLog } from '../store/event-log';
import { getInbox } from '../store/repos/inboxes';
import { latestContactMessages } from '../store/repos/latest-contact-messages';
import type { Db } from '../store/unit-of-work';

export interface AwayMessageDeps {
  db: Db;
  actions: ConversationActions;
  outbound: OutboundMessages;
  logger: Logger;
  /** Whether a bot answers conversations in `bot` status (the gateway was given one). */
  botActive: boolean;
}

const SYSTEM = { type: 'system' as const, id: null };

/**
 * After-commit listener on `message.received` and `bot.handoff`: outside an inbox's
 * business hours (`settings.businessHours`), a contact who writes gets the inbox's away
 * message, ending with when replies resume — once per conversation per closed period.
 *
 * It never talks over the bot: a conversation the bot holds (status `bot`, inbox bot on,
 * a bot configured) is left to the bot; when the bot hands off outside hours, the
 * `bot.handoff` event brings the away message. Conversations waiting for people
 * (`pending`/`open`) and inboxes without a bot get it on the contact's message.
 *
 * Sent as a system message through the outbox. "Once" is decided under the
 * conversation's row lock from the messages themselves (the same away text sent since
 * the closed period began), so two nodes, a retried event or the handoff and the message
 * arriving together never send it twice, and nothing extra is stored.
 */
export function createAwayMessages(deps: AwayMessageDeps) {
  const handle = async (event: DomainEvent): Promise<void> => {
    if (event.type === 'message.received') {
      if (event.passive) return; // another app owns the thread, or a survey answer
    } else if (event.type === 'bot.handoff') {
      if (event.reason === 'agent_took_over') return; // a person is already there
    } else {
      return;
    }
    // Cheap look first (no transaction, no lock): most messages come in open inboxes or ones without hours.
    const inbox = await getInbox(deps.db, event.inboxId);
    const hours = inbox ? hoursOf(inbox.id, inbox.settings) : null;
    if (!hours || isOpen(hours, event.at)) return;
    await deps.actions.withConversation(event.conversationId, (l) => sendIfClosed(l));
  };

  /** `writtenAt`: only if the contact wrote in the current closed period (a catch-up after a restart). */
  const sendIfClosed = async (l: LockedConversation, writtenAt?: Date): Promise<boolean> => {
    const hours = hoursOf(l.inbox.id, l.inbox.settings);
    if (!hours || isOpen(hours, l.now)) return false;
    const status = l.conv.status;
    if (status === 'resolved' || status === 'snoozed') return false;
    if (status === 'bot' && l.inbox.bot_enabled && deps.botActive) return false; // the bot answers
    const since = lastClosing(hours, l.now) ?? new Date(0);
    if (writtenAt && writtenAt < since) return false;
    const text = awayMessageText(hours, await contactLang(l), l.now);
    const already = await l.uow.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', l.conv.id)
      .where('direction', '=', 'out')
      .where('sender_type', '=', 'system')
      .where('sent_at', '>=', since)
      .where('text', '=', text)
      .limit(1)
      .executeTakeFirst();
    if (already) return false;
    await deps.outbound.postLocked(l, { content: { type: 'text', text }, sender: SYSTEM });
    return true;
  };

  const hoursOf = (inboxId: number, settings: Record<string, unknown>): BusinessHours | null => {
    try {
      return inboxBusinessHours(settings);
    } catch (err) {
      deps.logger.warn({ err, inboxId }, 'invalid business hours in inbox settings; no away message');
      return null;
    }
  };

  /**
   * After-commit listeners die with their process: a contact who wrote in the instant
   * before a crash got no away message. At start the gateway calls this: in every inbox
   * closed now, the conversations whose latest message is a contact's written during the
   * current closed period (and since `since`) get it now — once, as always, decided from
   * the messages already sent. Returns how many conversations were looked at.
   */
  const catchUp = async (now: Date, since: Date): Promise<number> => {
    let looked = 0;
    for (const inbox of await deps.db.selectFrom('inboxes').select(['id', 'settings']).execute()) {
      const hours = hoursOf(inbox.id, inbox.settings);
      if (!hours || isOpen(hours, now)) continue;
      const closedAt = lastClosing(hours, now);
      const rows = await latestContactMessages(deps.db, closedAt && closedAt > since ? closedAt : since)
        .where('e.inbox_id', '=', inbox.id)
        .where('c.status', 'in', ['pending', 'open', 'bot'])
        .execute();
      for (const row of rows) {
        const event = eventFromLog<DomainEventOf<'message.received'>>(row);
        await deps.actions.withConversation(event.conversationId, (l) => sendIfClosed(l, event.at));
      }
      looked += rows.length;
    }
    return looked;
  };

  return { handle, catchUp };
}

/** The contact's language (`attributes.lang`), else the inbox's (`settings.lang`), else Vietnamese. */
async function contactLang(l: LockedConversation): Promise<ContactLang> {
  const contact = await l.uow.db.selectFrom('contacts').select('attributes').where('id', '=', l.conv.contact_id).executeTakeFirst();
  for (const lang of [contact?.attributes.lang, l.inbox.settings.lang]) if (lang === 'vi' || lang === 'en') return lang;
  return 'vi';
}
