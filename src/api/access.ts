import type { SelectQueryBuilder } from 'kysely';
import { GatewayError } from '../core/errors';
import type { Database } from '../store/schema';
import type { Db } from '../store/unit-of-work';
import type { AgentView } from './auth-service';

/**
 * Who sees what: admins and supervisors see every inbox; agents only the inboxes they
 * belong to. Anything outside that is "not found" (404), never "forbidden", so ids
 * cannot be probed.
 */
export function seesAll(agent: Pick<AgentView, 'role'>): boolean {
  return agent.role === 'admin' || agent.role === 'supervisor';
}

/** Restrict a query on `conversations as c` to what the agent may see. */
export function visibleConversations<O>(qb: SelectQueryBuilder<Database & { c: Database['conversations'] }, 'c', O>, agent: AgentView) {
  if (seesAll(agent)) return qb;
  return qb.where('c.inbox_id', 'in', (eb) => eb.selectFrom('inbox_members').select('inbox_id').where('agent_id', '=', agent.id));
}

export async function assertInboxVisible(db: Db, agent: AgentView, inboxId: number): Promise<void> {
  if (seesAll(agent)) return;
  const member = await db.selectFrom('inbox_members').select('inbox_id').where('inbox_id', '=', inboxId).where('agent_id', '=', agent.id).executeTakeFirst();
  if (!member) throw new GatewayError('GW_ERR_NOT_FOUND', 'conversation not found');
}

export async function loadVisibleConversation(db: Db, agent: AgentView, id: number) {
  const conv = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!conv) throw new GatewayError('GW_ERR_NOT_FOUND', 'conversation not found');
  await assertInboxVisible(db, agent, conv.inbox_id);
  return conv;
}
