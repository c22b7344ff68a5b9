import { sql, type SqlBool } from 'kysely';
import type { AgentView } from '../api/auth-service';
import { seesAll } from '../api/access';
import type { Db } from '../store/unit-of-work';
import { contactVisibleSql } from './contact-access';

export type MergeReason = 'phone' | 'email';

/**
 * Contacts that are probably one person: they share a *verified* phone (E.164) or a
 * *verified* e-mail (case-insensitive). Unverified values never suggest anything — a
 * visitor may type anyone's number into a form. Merged contacts are out of it.
 */
const samePhone = sql<SqlBool>`(a.phone_verified and b.phone_verified and a.phone_e164 = b.phone_e164)`;
const sameEmail = sql<SqlBool>`(a.email_verified and b.email_verified and lower(a.email) = lower(b.email))`;

function reasonsOf(row: { phone: SqlBool | null; email: SqlBool | null }): MergeReason[] {
  return [...(row.phone ? (['phone'] as const) : []), ...(row.email ? (['email'] as const) : [])];
}

/** The other contacts sharing a verified value with this one (those the agent may see), oldest first. */
export async function suggestionsFor(db: Db, contactId: number, agent: AgentView | null): Promise<{ contactId: number; reasons: MergeReason[] }[]> {
  let qb = db
    .selectFrom('contacts as a')
    .innerJoin('contacts as b', (j) => j.on(sql<SqlBool>`${samePhone} or ${sameEmail}`))
    .select(['b.id', samePhone.as('phone'), sameEmail.as('email')])
    .where('a.id', '=', contactId)
    .where('b.id', '<>', contactId)
    .where('b.merged_into_id', 'is', null)
    .orderBy('b.id');
  if (agent && !seesAll(agent)) qb = qb.where(contactVisibleSql(agent, sql.ref('b.id')));
  const rows = await qb.execute();
  return rows.map((r) => ({ contactId: r.id, reasons: reasonsOf(r) }));
}

/** Every pair (a.id < b.id) of contacts sharing a verified value, both visible to the agent. */
export async function suggestedPairs(db: Db, limit: number, agent: AgentView | null): Promise<{ a: number; b: number; reasons: MergeReason[] }[]> {
  let qb = db
    .selectFrom('contacts as a')
    .innerJoin('contacts as b', (j) => j.on(sql<SqlBool>`a.id < b.id and (${samePhone} or ${sameEmail})`))
    .select(['a.id as a', 'b.id as b', samePhone.as('phone'), sameEmail.as('email')])
    .where('a.merged_into_id', 'is', null)
    .where('b.merged_into_id', 'is', null)
    .orderBy('a.id')
    .orderBy('b.id')
    .limit(limit);
  if (agent && !seesAll(agent)) qb = qb.where(contactVisibleSql(agent, sql.ref('a.id'))).where(contactVisibleSql(agent, sql.ref('b.id')));
  const rows = await qb.execute();
  return rows.map((r) => ({ a: r.a, b: r.b, reasons: reasonsOf(r) }));
}
