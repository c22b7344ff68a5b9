import { contentText, type MessageContent } from '../core/message';
import { scopeOf } from '../pipeline/event-scope';
import type { Db, UnitOfWork } from '../store/unit-of-work';
import type { ConversationRow, InboxRow } from '../store/schema';
import { parseSurveyAnswer, parseSurveyPayload } from './survey-answers';
import { surveySettings } from './survey-settings';
import { recordComment, recordScore, surveysOf, type SurveyRow } from './survey-store';

/** What a contact's message to a resolved conversation is, for its surveys. */
export type SurveyReply =
  /** The score of the pending survey. */
  | { type: 'score'; survey: SurveyRow; score: number }
  /** The optional comment asked for after the last score. */
  | { type: 'comment'; survey: SurveyRow; comment: string }
  /** A tap on a survey button already answered (an old message): kept, nothing to record. */
  | { type: 'repeat' };

/**
 * Called by the inbound pipeline when the contact's latest conversation is resolved:
 * whether the message answers its survey (then it is stored on that conversation without
 * reopening it) or not (null: it reopens the conversation as any message does). Runs in
 * the pipeline's transaction with the conversation locked; locks the survey rows.
 */
export async function surveyReplyFor(db: Db, conv: ConversationRow, inbox: InboxRow, content: MessageContent, now: Date): Promise<SurveyReply | null> {
  if (conv.status !== 'resolved') return null;
  const surveys = await surveysOf(db, conv.id, true);
  if (surveys.length === 0) return null;
  const settings = surveySettings(inbox.settings);
  const since = (at: Date | null) => (at ? now.getTime() - at.getTime() : Infinity);

  const pending = surveys.filter((s) => s.status === 'sent' && since(s.sent_at) <= settings.answerWindowMs).at(-1);
  if (pending) {
    const score = parseSurveyAnswer(content, pending.kind);
    if (score !== null) return { type: 'score', survey: pending, score };
  }
  if (content.type === 'quick_reply' || content.type === 'postback') {
    const tapped = parseSurveyPayload(content.payload);
    if (tapped && surveys.some((s) => s.kind === tapped.kind && s.status === 'answered')) return { type: 'repeat' };
  }
  const awaitingComment = surveys.find((s) => s.comment_asked_at !== null && s.comment === null && since(s.comment_asked_at) <= settings.commentWindowMs);
  const text = content.type === 'text' ? contentText(content).trim() : '';
  if (awaitingComment && !pending && text) return { type: 'comment', survey: awaitingComment, comment: text };
  return null;
}

/**
 * Record a reply in the pipeline's transaction, after its message is stored: a score on
 * the survey row and `survey.answered` (carrying the agent and team the survey was asked
 * for), or the comment on its survey.
 */
export async function recordSurveyReply(uow: UnitOfWork, conv: ConversationRow, inbox: InboxRow, reply: SurveyReply, now: Date): Promise<void> {
  if (reply.type === 'repeat') return;
  if (reply.type === 'comment') {
    await recordComment(uow.db, reply.survey.id, reply.comment, now);
    return;
  }
  const answered = await recordScore(uow.db, reply.survey.id, reply.score, now);
  if (!answered) return;
  await uow.emit({
    ...scopeOf(conv, inbox, { type: 'contact', id: conv.contact_id }, now),
    agentId: answered.agent_id,
    teamId: answered.team_id,
    type: 'survey.answered',
    survey: answered.kind,
    score: reply.score,
    comment: null,
  });
}
