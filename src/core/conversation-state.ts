import { GatewayError } from './errors';

/**
 * The conversation state machine — the only place that decides which status follows
 * which. Services ask it for the next status and record the transition with its actor
 * and reason; nothing else writes `conversations.status`.
 *
 *   bot ──handoff──▶ pending ──assign──▶ open ◀──unsnooze── snoozed
 *    │                 ▲  │               │  ╲──snooze──────▲
 *    │                 └──┼──unassign─────┘
 *    └──────────── resolve (from any non-resolved status) ──▶ resolved ──reopen──▶ open | bot | pending
 */
export const CONVERSATION_STATUSES = ['bot', 'pending', 'open', 'snoozed', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export type TransitionAction = 'handoff' | 'assign' | 'unassign' | 'snooze' | 'unsnooze' | 'resolve' | 'reopen';

export interface TransitionContext {
  /** The agent the conversation is (or will be, for `assign`) assigned to. */
  assigneeId: number | null;
  /** Whether a bot serves this inbox. */
  botEnabled: boolean;
}

/** Who caused a transition; recorded on every event. */
export type ActorType = 'contact' | 'bot' | 'agent' | 'system';
export interface Actor {
  type: ActorType;
  id?: number | null;
}

const FROM: Record<TransitionAction, readonly ConversationStatus[]> = {
  handoff: ['bot'],
  assign: ['bot', 'pending', 'open', 'snoozed'],
  unassign: ['open', 'snoozed'],
  snooze: ['pending', 'open'],
  unsnooze: ['snoozed'],
  resolve: ['bot', 'pending', 'open', 'snoozed'],
  reopen: ['resolved'],
};

export function canTransition(from: ConversationStatus, action: TransitionAction): boolean {
  return FROM[action].includes(from);
}

export function nextStatus(
  from: ConversationStatus,
  action: TransitionAction,
  ctx: TransitionContext,
): ConversationStatus {
  if (!canTransition(from, action)) {
    throw new GatewayError('GW_ERR_INVALID_TRANSITION', `cannot ${action} a conversation that is ${from}`, {
      from,
      action,
    });
  }
  switch (action) {
    case 'handoff':
    case 'unassign':
      return 'pending';
    case 'assign':
      return from === 'snoozed' ? 'snoozed' : 'open';
    case 'snooze':
      return 'snoozed';
    case 'unsnooze':
      return ctx.assigneeId !== null ? 'open' : 'pending';
    case 'resolve':
      return 'resolved';
    case 'reopen':
      if (ctx.assigneeId !== null) return 'open';
      return ctx.botEnabled ? 'bot' : 'pending';
  }
}

/** The status a new conversation starts in. */
export function initialStatus(botEnabled: boolean): ConversationStatus {
  return botEnabled ? 'bot' : 'pending';
}
