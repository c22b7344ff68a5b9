import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { DomainEventBus } from '../core/event-bus';
import type { Clock } from '../core/clock';
import type { ConversationActions } from '../pipeline/conversation-actions';
import type { PresenceRegistry } from '../server/presence';
import type { Db } from '../store/unit-of-work';
import { pickAgent, type Candidate, type RoutingMode } from './assignment-policy';

export interface AutoRouterDeps {
  db: Db;
  bus: DomainEventBus<Db>;
  clock: Clock;
  actions: ConversationActions;
  presence: PresenceRegistry;
  logger: Logger;
}

/**
 * Assigns waiting conversations (status `pending`, no agent) to online agents with room,
 * per the inbox's routing mode (`settings.routing`: round_robin by default, least_busy,
 * manual). Runs when a conversation starts waiting, when one is resolved (an agent frees
 * up) and when an agent comes online; passes are serialized, oldest waiting first.
 */
export class AutoRouter {
  private pass: Promise<void> = Promise.resolve();
  private readonly lastAssigned = new Map<number, number>();

  constructor(private readonly deps: AutoRouterDeps) {
    deps.bus.onCommit(
      (e) => {
        if (e.type === 'conversation.assigned' && e.assigneeId) this.lastAssigned.set(e.assigneeId, e.at.getTime());
        if (e.type === 'conversation.assigned' && e.actor.type === 'system') return;
        this.schedule();
      },
      ['bot.handoff', 'conversation.created', 'conversation.status_changed', 'conversation.resolved', 'conversation.assigned', 'conversation.reopened'],
    );
    deps.presence.on('change', (_id: number, status: string) => status === 'online' && this.schedule());
  }

  /** Queue a routing pass; resolves when it has run. */
  schedule(): Promise<void> {
    this.pass = this.pass.then(() => this.drain()).catch((err: unknown) => this.deps.logger.error({ err }, 'routing pass failed'));
    return this.pass;
  }

  /** Resolves when the passes queued so far have run. */
  idle(): Promise<void> {
    return this.pass;
  }

  private async drain(): Promise<void> {
    const { db } = this.deps;
    const waiting = await db
      .selectFrom('conversations as c')
      .innerJoin('inboxes as i', 'i.id', 'c.inbox_id')
      .select(['c.id', 'c.inbox_id', 'c.team_id', 'i.settings'])
      .where('c.status', '=', 'pending')
      .where('c.assignee_id', 'is', null)
      .orderBy(sql`coalesce(c.handed_off_at, c.created_at)`)
      .orderBy('c.id')
      .limit(200)
      .execute();
    for (const conv of waiting) {
      const mode = routingMode(conv.settings);
      if (mode === 'manual') continue;
      const agentId = pickAgent(await this.candidates(conv.inbox_id, conv.team_id), mode);
      if (agentId === null) continue;
      try {
        await this.deps.actions.withConversation(conv.id, async (l) => {
          if (l.conv.status !== 'pending' || l.conv.assignee_id !== null) return;
          await this.deps.actions.assignLocked(l, { agentId }, { type: 'system', id: null });
        });
        this.lastAssigned.set(agentId, this.deps.clock.now().getTime());
      } catch (err) {
        this.deps.logger.warn({ err, conversationId: conv.id }, 'auto-assignment failed');
      }
    }
  }

  /** Online members of the inbox (and of the team, when the conversation has one) with their load. */
  private async candidates(inboxId: number, teamId: number | null): Promise<Candidate[]> {
    const online = [...this.deps.presence.onlineAgentIds()];
    if (online.length === 0) return [];
    let qb = this.deps.db
      .selectFrom('agents as a')
      .innerJoin('inbox_members as im', (j) => j.onRef('im.agent_id', '=', 'a.id').on('im.inbox_id', '=', inboxId))
      .select(['a.id', 'a.max_conversations'])
      .select((eb) =>
        eb
          .selectFrom('conversations as c')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('c.assignee_id', '=', 'a.id')
          .where('c.status', 'in', ['open', 'snoozed'])
          .as('open'),
      )
      .where('a.id', 'in', online);
    if (teamId !== null) qb = qb.where('a.id', 'in', (eb) => eb.selectFrom('team_members').select('agent_id').where('team_id', '=', teamId));
    const rows = await qb.execute();
    return rows.map((r) => ({ agentId: r.id, open: Number(r.open ?? 0), cap: r.max_conversations, lastAssignedAt: this.lastAssigned.get(r.id) ?? 0 }));
  }
}

function routingMode(settings: Record<string, unknown>): RoutingMode {
  const mode = settings.routing;
  return mode === 'least_busy' || mode === 'manual' ? mode : 'round_robin';
}
