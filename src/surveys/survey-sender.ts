import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelCapabilities, ReplyWindow } from '../core/channel';
import type { Clock } from '../core/clock';
import type { DomainEvent } from '../core/domain-events';
import type { ConversationActions, LockedConversation } from '../pipeline/conversation-actions';
import { scopeOf } from '../pipeline/event-scope';
import type { OutboundMessages } from '../pipeline/outbound';
import { conversationAddress, getConversation } from '../store/repos/conversations';
import { getInbox } from '../store/repos/inboxes';
import type { ConversationRow } from '../store/schema';
import type { Db } from '../store/unit-of-work';
import { commentPrompt, notSentNote, surveyQuestion } from './survey-questions';
import { firstSurvey, surveySettings, type SurveyKind } from './survey-settings';
import { answeredWithoutFollowUp, claimCommentRequest, claimSurvey, resolvedWithoutSurvey, setSurveyMessage, surveysOf } from './survey-store';

export interface SurveySenderDeps {
  db: Db;
  actions: ConversationActions;
  outbound: OutboundMessages;
  clock: Clock;
  logger: Logger;
  channelOf(id: string): ChannelAdapter | undefined;
}

const SYSTEM = { type: 'system' as const, id: null };
const NO_BUTTONS: Pick<ChannelCapabilities, 'quickReplies'> = { quickReplies: false };

/**
 * After-commit listener asking the satisfaction surveys, through the outbox like any
 * system message:
 * - `conversation.resolved` → the first survey of the inbox (CSAT, or NPS alone), once per
 *   conversation; outside the channel's messaging window nothing is sent, and the
 *   conversation gets a `not_sent` survey and a private note saying why;
 * - `survey.answered` → the next one (NPS after CSAT when the inbox asks both), then once
 *   the optional comment ("Bạn có góp ý gì thêm không?").
 * Nothing is asked once the conversation is reopened. Answers are taken by the inbound
 * pipeline (survey-replies.ts).
 */
export function createSurveySender(deps: SurveySenderDeps) {
  /** The channel's messaging window for an automated message now (checked outside any transaction). */
  const windowOf = async (conv: ConversationRow, now: Date): Promise<Pick<ReplyWindow, 'canReply' | 'note'> & { capabilities: Pick<ChannelCapabilities, 'quickReplies'> }> => {
    const found = await conversationAddress(deps.db, conv.id);
    const channel = found ? deps.channelOf(found.address.channel) : undefined;
    if (!found || !channel) return { canReply: false, note: 'the contact cannot be reached on this channel', capabilities: NO_BUTTONS };
    const inbox = await getInbox(deps.db, conv.inbox_id);
    if (inbox?.connection_error) return { canReply: false, note: inbox.connection_error, capabilities: channel.capabilities };
    if (!channel.replyWindow) return { canReply: true, note: '', capabilities: channel.capabilities };
    const w = await channel.replyWindow(found.address, conv.last_inbound_at, now, 'system');
    return { canReply: w.canReply, note: w.note, capabilities: channel.capabilities };
  };

  /** Ask one survey of a resolved conversation, unless it was already asked. */
  const ask = async (conversationId: number, kind: SurveyKind): Promise<void> => {
    const conv = await getConversation(deps.db, conversationId);
    if (!conv || conv.status !== 'resolved') return;
    const window = await windowOf(conv, deps.clock.now());
    await deps.actions.withConversation(conversationId, async (l) => {
      if (l.conv.status !== 'resolved') return; // reopened meanwhile
      const { language } = surveySettings(l.inbox.settings);
      const status = window.canReply ? 'sent' : 'not_sent';
      const survey = await claimSurvey(l.uow.db, { conv: l.conv, kind, status, note: window.canReply ? null : window.note, at: l.now });
      if (!survey) return; // once per conversation
      if (!window.canReply) {
        await deps.outbound.postLocked(l, { content: { type: 'text', text: notSentNote(kind, language, window.note) }, sender: SYSTEM, private: true });
        deps.logger.info({ conversationId, kind, reason: window.note }, 'survey not sent: outside the messaging window');
        return;
      }
      const message = await deps.outbound.postLocked(l, { content: surveyQuestion(kind, language, window.capabilities), sender: SYSTEM });
      await setSurveyMessage(l.uow.db, survey.id, message.id);
      await l.uow.emit({ ...scopeOf(l.conv, l.inbox, SYSTEM, l.now), agentId: survey.agent_id, teamId: survey.team_id, type: 'survey.sent', survey: kind });
    });
  };

  /** Ask once for the optional comment, after the last score (kept on the CSAT survey, else the NPS one). */
  const askComment = async (conversationId: number): Promise<void> => {
    const conv = await getConversation(deps.db, conversationId);
    if (!conv || conv.status !== 'resolved') return;
    const window = await windowOf(conv, deps.clock.now());
    if (!window.canReply) return; // optional: nothing to note
    await deps.actions.withConversation(conversationId, async (l: LockedConversation) => {
      if (l.conv.status !== 'resolved') return;
      const surveys = await surveysOf(l.uow.db, conversationId, true);
      if (surveys.some((s) => s.comment_asked_at !== null)) return;
      const target = surveys.find((s) => s.kind === 'csat' && s.status === 'answered') ?? surveys.find((s) => s.status === 'answered');
      if (!target || !(await claimCommentRequest(l.uow.db, target.id, l.now))) return;
      await deps.outbound.postLocked(l, { content: commentPrompt(surveySettings(l.inbox.settings).language), sender: SYSTEM });
    });
  };

  /** The survey an inbox asks first after a resolution; null when its surveys are off. */
  const firstSurveyOf = async (inboxId: number): Promise<SurveyKind | null> => {
    const inbox = await getInbox(deps.db, inboxId);
    return inbox ? firstSurvey(surveySettings(inbox.settings)) : null;
  };

  const onResolved = async (conversationId: number, inboxId: number): Promise<void> => {
    const first = await firstSurveyOf(inboxId);
    if (first) await ask(conversationId, first);
  };

  const onAnswered = async (conversationId: number, inboxId: number, kind: string): Promise<void> => {
    const inbox = await getInbox(deps.db, inboxId);
    if (!inbox) return;
    const settings = surveySettings(inbox.settings);
    if (kind === 'csat' && settings.nps) {
      const surveys = await surveysOf(deps.db, conversationId);
      if (!surveys.some((s) => s.kind === 'nps' && s.status !== 'not_sent')) return ask(conversationId, 'nps');
    }
    await askComment(conversationId);
  };

  return {
    onEvent: async (event: DomainEvent): Promise<void> => {
      if (event.type === 'conversation.resolved') await onResolved(event.conversationId, event.inboxId);
      else if (event.type === 'survey.answered') await onAnswered(event.conversationId, event.inboxId, event.survey);
    },
    /**
     * What a stopped node committed but never handed to this listener, since `since`:
     * resolutions whose survey was never asked, answers whose next question (or comment
     * request) never went. Each goes through the same steps as the live event, so it is
     * asked once however many nodes start. Returns how many conversations it took up
     * (not those of inboxes with surveys off).
     */
    catchUp: async (since: Date): Promise<number> => {
      // Inboxes with surveys off have resolutions without a survey by design: their settings are read once.
      const firstOf = new Map<number, SurveyKind | null>();
      let looked = 0;
      for (const r of await resolvedWithoutSurvey(deps.db, since)) {
        if (!firstOf.has(r.inboxId)) firstOf.set(r.inboxId, await firstSurveyOf(r.inboxId));
        const first = firstOf.get(r.inboxId);
        if (!first) continue;
        await ask(r.conversationId, first);
        looked++;
      }
      for (const a of await answeredWithoutFollowUp(deps.db, since)) {
        await onAnswered(a.conversationId, a.inboxId, a.kind);
        looked++;
      }
      return looked;
    },
  };
}
