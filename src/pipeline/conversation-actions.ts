import type { Clock } from '../core/clock';
import type { Actor, ConversationStatus, TransitionAction } from '../core/conversation-state';
import { nextStatus } from '../core/conversation-state';
import type { HandoffReason } from '../core/domain-events';
import type { DomainEventBus } from '../core/event-bus';
import { GatewayError } from '../core/errors';
import { inTransaction, type Db, type UnitOfWork } from '../store/unit-of-work';
import { getConversationForUpdate, updateConversation } from '../store/repos/conversations';
import { getInbox } from '../store/repos/inboxes';
import type { ConversationRow, ConversationUpdate, InboxRow } from '../store/schema';
import { scopeOf } from './event-scope';

export interface ActionDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  clock: Clock;
}

/** A locked conversation and its inbox, inside a unit of work. */
export interface LockedConversation {
  uow: UnitOfWork;
  conv: ConversationRow;
  inbox: InboxRow;
  now: Date;
}

/**
 * Every change of a conversation's status, assignee or team goes through here: the
 * state machine decides, the row is locked while it changes, and each change emits
 * its events (logged in the same transaction) with who did it and why.
 */
export class ConversationActions {
  constructor(private readonly deps: ActionDeps) {}

  /** Run `work` with the conversation row locked, in one transaction. */
  withConversation<T>(conversationId: number, work: (locked: LockedConversation) => Promise<T>): Promise<T> {
    return inTransaction(this.deps.db, this.deps.bus, async (uow) => {
      const conv = await getConversationForUpdate(uow.db, conversationId);
      if (!conv) throw new GatewayError('GW_ERR_NOT_FOUND', `conversation ${conversationId} not found`);
      const inbox = await getInbox(uow.db, conv.inbox_id);
      if (!inbox) throw new GatewayError('GW_ERR_NOT_FOUND', `inbox ${conv.inbox_id} not found`);
      return work({ uow, conv, inbox, now: this.deps.clock.now() });
    });
  }

  handoff(conversationId: number, reason: HandoffReason, actor: Actor): Promise<ConversationRow> {
    return this.withConversation(conversationId, (l) => this.handoffLocked(l, reason, actor));
  }

  async handoffLocked(l: LockedConversation, reason: HandoffReason, actor: Actor): Promise<ConversationRow> {
    const conv = await this.transition(l, 'handoff', actor, reason, { handed_off_at: l.now });
    await l.uow.emit({ ...scopeOf(conv, l.inbox, actor, l.now), type: 'bot.handoff', reason });
    return conv;
  }

  /** Assign to an agent and/or team; a change of either after a first assignment is a transfer. */
  assign(conversationId: number, target: { agentId?: number | null; teamId?: number | null; note?: string | null }, actor: Actor) {
    return this.withConversation(conversationId, (l) => this.assignLocked(l, target, actor));
  }

  async assignLocked(
    l: LockedConversation,
    target: { agentId?: number | null; teamId?: number | null; note?: string | null },
    actor: Actor,
  ): Promise<ConversationRow> {
    const before = l.conv;
    const agentId = target.agentId === undefined ? before.assignee_id : target.agentId;
    const teamId = target.teamId === undefined ? before.team_id : target.teamId;
    if (before.status === 'bot') {
      await l.uow.emit({ ...scopeOf(before, l.inbox, actor, l.now), type: 'bot.handoff', reason: 'agent_took_over' });
    }
    const patch: ConversationUpdate = { assignee_id: agentId, team_id: teamId, updated_at: l.now };
    if (before.status === 'bot') patch.handed_off_at = l.now;
    let conv: ConversationRow;
    if (agentId !== null) {
      conv = await this.transition({ ...l, conv: before }, 'assign', actor, null, patch, agentId);
    } else if (before.status === 'open' || before.status === 'snoozed') {
      conv = await this.transition({ ...l, conv: before }, 'unassign', actor, 'transferred_to_team', patch);
    } else {
      conv = await updateConversation(l.uow.db, before.id, patch);
    }
    const scope = scopeOf(conv, l.inbox, actor, l.now);
    await l.uow.emit({ ...scope, type: 'conversation.assigned', assigneeId: agentId, teamId });
    const wasAssigned = before.assignee_id !== null;
    if ((wasAssigned && before.assignee_id !== agentId) || (before.team_id !== null && before.team_id !== teamId && wasAssigned)) {
      await l.uow.emit({
        ...scope,
        type: 'conversation.transferred',
        fromAgentId: before.assignee_id,
        fromTeamId: before.team_id,
        toAgentId: agentId,
        toTeamId: teamId,
        note: target.note ?? null,
      });
    }
    return conv;
  }

  resolve(conversationId: number, actor: Actor, reason: string | null = null): Promise<ConversationRow> {
    return this.withConversation(conversationId, (l) => this.resolveLocked(l, actor, reason));
  }

  async resolveLocked(l: LockedConversation, actor: Actor, reason: string | null): Promise<ConversationRow> {
    const from = l.conv.status as ConversationStatus;
    const conv = await this.transition(l, 'resolve', actor, reason, { resolved_at: l.now, snoozed_until: null }, undefined, false);
    await l.uow.emit({ ...scopeOf(conv, l.inbox, actor, l.now), type: 'conversation.resolved', from, reason });
    return conv;
  }

  reopen(conversationId: number, actor: Actor): Promise<ConversationRow> {
    return this.withConversation(conversationId, async (l) => {
      const to = nextStatus(l.conv.status as ConversationStatus, 'reopen', { assigneeId: l.conv.assignee_id, botEnabled: l.inbox.bot_enabled });
      const conv = await updateConversation(l.uow.db, l.conv.id, {
        status: to,
        reopened_at: l.now,
        reopen_count: l.conv.reopen_count + 1,
        resolved_at: null,
        bot_state: '{}',
        updated_at: l.now,
      });
      await l.uow.emit({ ...scopeOf(conv, l.inbox, actor, l.now), type: 'conversation.reopened', to, reopenCount: conv.reopen_count });
      return conv;
    });
  }

  snooze(conversationId: number, until: Date, actor: Actor): Promise<ConversationRow> {
    return this.withConversation(conversationId, (l) => this.transition(l, 'snooze', actor, null, { snoozed_until: until }));
  }

  unsnooze(conversationId: number, actor: Actor, reason = 'snooze_ended'): Promise<ConversationRow> {
    return this.withConversation(conversationId, (l) => this.transition(l, 'unsnooze', actor, reason, { snoozed_until: null }));
  }

  /** Apply one state-machine action, store it, and emit `conversation.status_changed`. */
  private async transition(
    l: LockedConversation,
    action: TransitionAction,
    actor: Actor,
    reason: string | null,
    patch: ConversationUpdate = {},
    assigneeId?: number,
    emitStatusChange = true,
  ): Promise<ConversationRow> {
    const from = l.conv.status as ConversationStatus;
    const to = nextStatus(from, action, { assigneeId: assigneeId ?? l.conv.assignee_id, botEnabled: l.inbox.bot_enabled });
    const conv = await updateConversation(l.uow.db, l.conv.id, { ...patch, status: to, updated_at: l.now });
    l.conv = conv;
    if (emitStatusChange && from !== to) {
      await l.uow.emit({ ...scopeOf(conv, l.inbox, actor, l.now), type: 'conversation.status_changed', from, to, reason });
    }
    return conv;
  }
}
