import type { Db } from '../unit-of-work';
import type { AgentRow } from '../schema';
import { hashPassword } from '../../auth/password';

export interface AgentInput {
  email: string;
  name: string;
  role: AgentRow['role'];
  password: string;
}

/** Create the agent, or update name/role/password of the one with that e-mail. */
export async function upsertAgent(db: Db, input: AgentInput): Promise<AgentRow> {
  const password_hash = await hashPassword(input.password);
  return db
    .insertInto('agents')
    .values({ email: input.email.toLowerCase(), name: input.name, role: input.role, password_hash })
    .onConflict((oc) => oc.column('email').doUpdateSet({ name: input.name, role: input.role, password_hash }))
    .returningAll()
    .executeTakeFirstOrThrow();
}
