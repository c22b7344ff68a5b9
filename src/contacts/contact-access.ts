import { sql, type Expression, type SqlBool } from 'kysely';
import { GatewayError } from '../core/errors';
import type { AgentView } from '../api/auth-service';
import { seesAll } from '../api/access';
import type { Db } from '../store/unit-of-work';
import type { ContactRow } from '../store/schema';

/**
 * Who sees a contact: supervisors and admins every one; an agent the contacts with a
 * conversation in an inbox they are a member of. A merged contact (its conversations now
 * the survivor's) is seen by whoever sees its survivor. Anything else is "not found".
 */
export function contactVisibleSql(agent: AgentView, contactId: Expression<number>): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from conversations vc join inbox_members vm on vm.inbox_id = vc.inbox_id and vm.agent_id = ${agent.id} where vc.contact_id = ${contactId})`;
}

export async function loadVisibleContact(db: Db, agent: AgentView, id: number): Promise<ContactRow> {
  const contact = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!contact) throw new GatewayError('GW_ERR_NOT_FOUND', 'contact not found');
  if (seesAll(agent)) return contact;
  // Follow the merges to the contact that holds the conversations now (a chain is short; bounded anyway).
  let holder = contact;
  for (let hops = 0; holder.merged_into_id !== null && hops < 20; hops++) {
    const next = await db.selectFrom('contacts').selectAll().where('id', '=', holder.merged_into_id).executeTakeFirst();
    if (!next) break;
    holder = next;
  }
  const seen = await db
    .selectFrom('conversations as c')
    .innerJoin('inbox_members as m', 'm.inbox_id', 'c.inbox_id')
    .select('c.id')
    .where('c.contact_id', '=', holder.id)
    .where('m.agent_id', '=', agent.id)
    .limit(1)
    .executeTakeFirst();
  if (!seen) throw new GatewayError('GW_ERR_NOT_FOUND', 'contact not found');
  return contact;
}
