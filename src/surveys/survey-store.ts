import { sql, type Selectable } from 'kysely';
import type { Db } from '../store/unit-of-work';
import type { ConversationRow, SurveysTable } from '../store/schema';
import type { SurveyKind } from './survey-settings';

export type SurveyRow = Selectable<SurveysTable>;

/**
 * Claim a conversation's survey of one kind: insert it, or — when an earlier attempt
 * could not be sent (outside the window) — take that row over. Null when the survey was
 * already sent or answered: the unique (conversation, kind) constraint makes this
 * "once per conversation" even with concurrent resolutions on several nodes.
 */
export async function claimSurvey(
  db: Db,
  input: { conv: ConversationRow; kind: SurveyKind; status: 'sent' | 'not_sent'; note: string | null; at: Date },
): Promise<SurveyRow | null> {
  const row = await db
    .insertInto('surveys')
    .values({
      conversation_id: input.conv.id,
      inbox_id: input.conv.inbox_id,
      kind: input.kind,
      status: input.status,
      agent_id: input.conv.assignee_id,
      team_id: input.conv.team_id,
      sent_at: input.at,
      note: input.note,
      score: null,
      comment: null,
      message_id: null,
      answered_at: null,
      comment_asked_at: null,
      commented_at: null,
    })
    .onConflict((oc) =>
      oc
        .constraint('surveys_once_per_conversation')
        .doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          note: eb.ref('excluded.note'),
          sent_at: eb.ref('excluded.sent_at'),
          agent_id: eb.ref('excluded.agent_id'),
          team_id: eb.ref('excluded.team_id'),
        }))
        .where('surveys.status', '=', 'not_sent'),
    )
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function setSurveyMessage(db: Db, surveyId: number, messageId: number): Promise<void> {
  await db.updateTable('surveys').set({ message_id: messageId }).where('id', '=', surveyId).execute();
}

/** A conversation's surveys, oldest first; `lock` for the row locks an answer needs. */
export async function surveysOf(db: Db, conversationId: number, lock = false): Promise<SurveyRow[]> {
  const q = db.selectFrom('surveys').selectAll().where('conversation_id', '=', conversationId).orderBy('id');
  return lock ? q.forUpdate().execute() : q.execute();
}

export async function recordScore(db: Db, surveyId: number, score: number, at: Date): Promise<SurveyRow | undefined> {
  return db
    .updateTable('surveys')
    .set({ status: 'answered', score, answered_at: at })
    .where('id', '=', surveyId)
    .where('status', '=', 'sent')
    .returningAll()
    .executeTakeFirst();
}

export async function recordComment(db: Db, surveyId: number, comment: string, at: Date): Promise<void> {
  await db.updateTable('surveys').set({ comment, commented_at: at }).where('id', '=', surveyId).where('comment', 'is', null).execute();
}

/** Mark that the comment was asked for; false when it already was (it is asked once). */
export async function claimCommentRequest(db: Db, surveyId: number, at: Date): Promise<boolean> {
  const r = await db.updateTable('surveys').set({ comment_asked_at: at }).where('id', '=', surveyId).where('comment_asked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** `at` came under the inbox's current survey settings (`i`): they have not changed since (null: as created). */
const underCurrentSettings = (at: 'c.resolved_at' | 's.answered_at') => sql<boolean>`(i.surveys_changed_at IS NULL OR i.surveys_changed_at <= ${sql.ref(at)})`;

/**
 * Resolved conversations whose survey was never asked (a node stopped between the
 * resolution's commit and its after-commit listener): resolved since `since` under the
 * inbox's current survey settings (`inboxes.surveys_changed_at`), with no survey sent or
 * answered, and none found impossible to send since that resolution.
 */
export async function resolvedWithoutSurvey(db: Db, since: Date): Promise<{ conversationId: number; inboxId: number }[]> {
  return db
    .selectFrom('conversations as c')
    .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
    .select(['c.id as conversationId', 'c.inbox_id as inboxId'])
    .where('c.status', '=', 'resolved')
    .where('c.resolved_at', '>=', since)
    .where(underCurrentSettings('c.resolved_at'))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('surveys as s')
            .select('s.id')
            .whereRef('s.conversation_id', '=', 'c.id')
            .where((s) => s.or([s('s.status', '<>', 'not_sent'), s('s.sent_at', '>=', s.ref('c.resolved_at'))])),
        ),
      ),
    )
    .orderBy('c.resolved_at')
    .execute();
}

/**
 * Resolved conversations whose last answer since `since` (under the inbox's current survey
 * settings) was never followed up: no question was asked (or found impossible to send)
 * after it, none is waiting for an answer, and the comment was not asked for. `kind` is
 * the latest answer's, as its `survey.answered` event said.
 */
export async function answeredWithoutFollowUp(db: Db, since: Date): Promise<{ conversationId: number; inboxId: number; kind: SurveyKind }[]> {
  const rows = await db
    .selectFrom('surveys as s')
    .innerJoin('conversations as c', 'c.id', 's.conversation_id')
    .innerJoin('inboxes as i', 'i.id', 's.inbox_id')
    .select(['s.conversation_id as conversationId', 's.inbox_id as inboxId', 's.kind', 's.answered_at'])
    .where('s.status', '=', 'answered')
    .where('s.answered_at', '>=', since)
    .where('c.status', '=', 'resolved')
    .where(underCurrentSettings('s.answered_at'))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('surveys as o')
            .select('o.id')
            .whereRef('o.conversation_id', '=', 's.conversation_id')
            .where((o) => o.or([o('o.status', '=', 'sent'), o('o.comment_asked_at', 'is not', null), o('o.answered_at', '>', o.ref('s.answered_at')), o.and([o('o.id', '<>', o.ref('s.id')), o('o.sent_at', '>=', o.ref('s.answered_at'))])])),
        ),
      ),
    )
    .orderBy('s.answered_at')
    .execute();
  return rows.map((r) => ({ conversationId: r.conversationId, inboxId: r.inboxId, kind: r.kind }));
}

/** The API's view of a conversation's surveys. */
export function surveyJson(s: SurveyRow) {
  return {
    id: s.id,
    kind: s.kind,
    status: s.status,
    score: s.score,
    comment: s.comment,
    agentId: s.agent_id,
    teamId: s.team_id,
    sentAt: s.sent_at.toISOString(),
    answeredAt: s.answered_at?.toISOString() ?? null,
    note: s.note,
  };
}
