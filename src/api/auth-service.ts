import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import { hashPassword, verifyPassword } from '../auth/password';
import type { Db } from '../store/unit-of-work';
import type { AgentRow } from '../store/schema';

export type Role = AgentRow['role'];

export interface AgentView {
  id: number;
  email: string;
  name: string;
  role: Role;
}

export interface Session {
  agent: AgentView;
  csrfToken: string;
}

const SESSION_TTL_MS = 12 * 3_600_000;
const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MS = 15 * 60_000;
// A hash to compare against when the e-mail is unknown, so timing does not reveal which e-mails exist.
const DUMMY_HASH = hashPassword('not-a-real-password');

/**
 * Agent login and sessions. Tokens are random (32 bytes) and stored only as SHA-256
 * hashes; after 5 wrong passwords an account is locked for 15 minutes.
 */
export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async login(email: string, password: string): Promise<{ token: string; session: Session }> {
    const now = this.clock.now();
    const agent = await this.db.selectFrom('agents').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    if (!agent) {
      await verifyPassword(password, await DUMMY_HASH);
      throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'wrong e-mail or password');
    }
    if (agent.locked_until && agent.locked_until > now) {
      throw new GatewayError('GW_ERR_RATE_LIMITED', 'too many failed logins; this account is locked for a few minutes', {
        retryAfterSeconds: Math.ceil((agent.locked_until.getTime() - now.getTime()) / 1000),
      });
    }
    if (!(await verifyPassword(password, agent.password_hash))) {
      const failed = agent.failed_logins + 1;
      await this.db
        .updateTable('agents')
        .set({ failed_logins: failed >= MAX_FAILED_LOGINS ? 0 : failed, locked_until: failed >= MAX_FAILED_LOGINS ? new Date(now.getTime() + LOCKOUT_MS) : agent.locked_until })
        .where('id', '=', agent.id)
        .execute();
      throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'wrong e-mail or password');
    }
    await this.db.updateTable('agents').set({ failed_logins: 0, locked_until: null }).where('id', '=', agent.id).execute();
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    await this.db
      .insertInto('agent_sessions')
      .values({ token_hash: hashToken(token), agent_id: agent.id, csrf_token: csrfToken, expires_at: new Date(now.getTime() + SESSION_TTL_MS) })
      .execute();
    return { token, session: { agent: view(agent), csrfToken } };
  }

  async authenticate(token: string): Promise<Session | null> {
    if (!token || token.length > 200) return null;
    const row = await this.db
      .selectFrom('agent_sessions as s')
      .innerJoin('agents as a', 'a.id', 's.agent_id')
      .select(['a.id', 'a.email', 'a.name', 'a.role', 's.csrf_token', 's.expires_at'])
      .where('s.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock.now()) return null;
    return { agent: { id: row.id, email: row.email, name: row.name, role: row.role }, csrfToken: row.csrf_token };
  }

  async logout(token: string): Promise<void> {
    await this.db.deleteFrom('agent_sessions').where('token_hash', '=', hashToken(token)).execute();
  }
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function view(agent: Pick<AgentRow, 'id' | 'email' | 'name' | 'role'>): AgentView {
  return { id: agent.id, email: agent.email, name: agent.name, role: agent.role };
}
