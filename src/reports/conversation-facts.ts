import type { Selectable } from 'kysely';
import type { ConversationEventsTable } from '../store/schema';
/**
 * One conversation's event log folded into the facts every figure is computed from
 * (docs/metrics.md). Pure: the same events always give the same facts, so a report can
 * be recomputed and explained down to each conversation.
 */

/** One row of `conversation_events`, as the reports read it. */
export interface LoggedEvent {
  type: string;
  conversationId: number;
  inboxId: number;
  channel: string;
  contactId: number;
  teamId: number | null;
  agentId: number | null;
  actorType: string;
  actorId: number | null;
  data: Record<string, unknown>;
  at: Date;
}

/** A `conversation_events` row as the reports read it. */
export function toLoggedEvent(r: Selectable<ConversationEventsTable>): LoggedEvent {
  return { type: r.type, conversationId: r.conversation_id, inboxId: r.inbox_id, channel: r.channel, contactId: r.contact_id, teamId: r.team_id, agentId: r.agent_id, actorType: r.actor_type, actorId: r.actor_id, data: r.data as Record<string, unknown>, at: r.at };
}

/**
 * The event as the fold reads it, for keeping many in memory (conversation-log-cache.ts):
 * of a message, only who sent it and whether it was a note — not its text or attachments.
 */
export function forFold(e: LoggedEvent): LoggedEvent {
  const m = e.data.message as { senderType?: unknown; senderId?: unknown; private?: unknown } | undefined;
  if (!m) return e;
  return { ...e, data: { ...e.data, message: { senderType: m.senderType, senderId: m.senderId, private: m.private } } };
}

export type ReplierKind = 'bot' | 'human';

/** A time the contact waited: from their message (when nobody had answered since) to the next public reply. */
export interface WaitingPeriod {
  start: Date;
  end: Date | null;
  by: ReplierKind | null;
  /** The agent who ended it, for human replies (null: unknown, e.g. typed in Meta's own inbox). */
  agentId: number | null;
}

/** A contact's "visit": the conversation's creation, or a reopen. */
export interface Segment {
  start: Date;
  kind: 'created' | 'reopened';
  firstReplyAt: Date | null;
  /** When it entered `pending` (the handoff), or the segment start when no bot was involved. */
  humanClockStart: Date | null;
  firstHumanReplyAt: Date | null;
  resolvedAt: Date | null;
}

export interface ConversationFacts {
  id: number;
  inboxId: number;
  channel: string;
  contactId: number;
  /** The last team and assignee the log knows (what the conversation is attributed to); without an assignee, the last agent who replied. */
  teamId: number | null;
  agentId: number | null;
  createdAt: Date;
  /** The bot handled it: created with status `bot`. */
  botHandled: boolean;
  handoffs: { at: Date; reason: string }[];
  segments: Segment[];
  waits: WaitingPeriod[];
  resolutions: { at: Date; actorType: string; reason: string | null }[];
  reopens: Date[];
  /** Agents who sent a public reply (null: an agent outside Omnigate). */
  humanRepliers: (number | null)[];
  /** A transfer happened after a human had replied. */
  transferAfterHumanReply: boolean;
  /** Contact messages (for retention). */
  contactMessages: Date[];
  surveys: { kind: string; event: 'sent' | 'answered'; at: Date; score: number | null; agentId: number | null; teamId: number | null }[];
}

/** Who replied, from a `message.sent` event; null when it is not a public reply (notes, system messages). */
function replierOf(e: LoggedEvent): ReplierKind | null {
  const m = e.data.message as { senderType?: string; private?: boolean } | undefined;
  if (!m || m.private) return null;
  if (m.senderType === 'bot') return 'bot';
  if (m.senderType === 'agent') return 'human';
  return null;
}

/** Events must be one conversation's, in log order (id). */
export function conversationFacts(events: readonly LoggedEvent[]): ConversationFacts {
  const first = events[0];
  if (!first) throw new Error('a conversation has at least one event');
  const facts: ConversationFacts = {
    id: first.conversationId,
    inboxId: first.inboxId,
    channel: first.channel,
    contactId: first.contactId,
    teamId: null,
    agentId: null,
    createdAt: first.at,
    botHandled: false,
    handoffs: [],
    segments: [],
    waits: [],
    resolutions: [],
    reopens: [],
    humanRepliers: [],
    transferAfterHumanReply: false,
    contactMessages: [],
    surveys: [],
  };
  let segment: Segment | null = null;
  let openWait: WaitingPeriod | null = null;
  let humanReplied = false;
  const startSegment = (at: Date, kind: Segment['kind'], botFirst: boolean) => {
    segment = { start: at, kind, firstReplyAt: null, humanClockStart: botFirst ? null : at, firstHumanReplyAt: null, resolvedAt: null };
    facts.segments.push(segment);
  };

  for (const e of events) {
    if (e.teamId !== null) facts.teamId = e.teamId;
    if (e.agentId !== null) facts.agentId = e.agentId;
    switch (e.type) {
      case 'conversation.created': {
        facts.createdAt = e.at;
        facts.botHandled = e.data.status === 'bot';
        startSegment(e.at, 'created', facts.botHandled);
        break;
      }
      case 'conversation.reopened': {
        facts.reopens.push(e.at);
        startSegment(e.at, 'reopened', e.data.to === 'bot');
        break;
      }
      case 'message.received': {
        if (e.data.passive) break;
        facts.contactMessages.push(e.at);
        openWait ??= { start: e.at, end: null, by: null, agentId: null };
        break;
      }
      case 'message.sent': {
        const by = replierOf(e);
        if (!by) break;
        const agent = by === 'human' ? ((e.data.message as { senderId?: number | null }).senderId ?? null) : null;
        if (openWait) {
          openWait.end = e.at;
          openWait.by = by;
          openWait.agentId = agent;
          facts.waits.push(openWait);
          openWait = null;
        }
        const s = segment as Segment | null;
        if (s) {
          s.firstReplyAt ??= e.at;
          if (by === 'human') {
            s.humanClockStart ??= s.start; // an agent answered before any handoff was logged
            s.firstHumanReplyAt ??= e.at;
          }
        }
        if (by === 'human') {
          humanReplied = true;
          if (!facts.humanRepliers.includes(agent)) facts.humanRepliers.push(agent);
        }
        break;
      }
      case 'bot.handoff': {
        facts.handoffs.push({ at: e.at, reason: String(e.data.reason ?? 'unknown') });
        const s = segment as Segment | null;
        if (s) s.humanClockStart ??= e.at;
        break;
      }
      case 'conversation.transferred': {
        if (humanReplied) facts.transferAfterHumanReply = true;
        break;
      }
      case 'conversation.resolved': {
        facts.resolutions.push({ at: e.at, actorType: e.actorType, reason: typeof e.data.reason === 'string' ? e.data.reason : null });
        const s = segment as Segment | null;
        if (s) s.resolvedAt ??= e.at;
        // A question left unanswered at resolution is not a wait any more.
        openWait = null;
        break;
      }
      case 'survey.sent':
      case 'survey.answered': {
        facts.surveys.push({
          kind: String(e.data.survey ?? 'csat'),
          event: e.type === 'survey.sent' ? 'sent' : 'answered',
          at: e.at,
          score: typeof e.data.score === 'number' ? e.data.score : null,
          agentId: e.agentId,
          teamId: e.teamId,
        });
        break;
      }
      default:
        break;
    }
  }
  if (openWait) facts.waits.push(openWait);
  // Never assigned but answered by an agent (e.g. a reply straight from the waiting list): that agent's conversation.
  if (facts.agentId === null) facts.agentId = facts.humanRepliers.filter((a) => a !== null).at(-1) ?? null;
  return facts;
}

/** Whether the conversation was unresolved at `at` (created by then, and its latest resolve/reopen before `at` is not a resolution). */
export function openAt(f: ConversationFacts, at: Date): boolean {
  if (f.createdAt > at) return false;
  const t = at.getTime();
  const lastResolved = Math.max(-Infinity, ...f.resolutions.filter((r) => r.at.getTime() <= t).map((r) => r.at.getTime()));
  const lastReopened = Math.max(-Infinity, ...f.reopens.filter((r) => r.getTime() <= t).map((r) => r.getTime()));
  return lastResolved === -Infinity || lastReopened > lastResolved;
}
