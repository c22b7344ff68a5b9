import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock';
import { GatewayError } from '../core/errors';
import { hashPassword, verifyPassword } from '../auth/password';
import type { Db } from '../store/unit-of-work';
import type { AgentRow } from '../store/schema';
import type { RateLimits } from '../core/rate-limits';
import { LoginGuard } from './login-guard';

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
  /** The token's SHA-256: names the session (live sockets keep it to be checked again) without being a credential. */
  id: string;
  expiresAt: Date;
}

const SESSION_TTL_MS = 12 * 3_600_000;
// A hash to compare against when the e-mail is unknown, so timing does not reveal which e-mails exist.
const DUMMY_HASH = hashPassword('not-a-real-password');

/**
 * Agent login and sessions. Tokens are random (32 bytes) and stored only as SHA-256
 * hashes; failed logins lock out the (e-mail, address) pair, not the account (login-guard.ts).
 */
export class AuthService {
  private readonly guard: LoginGuard;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    limits: RateLimits,
  ) {
    this.guard = new LoginGuard(limits);
  }

  /** `clientIp`: the address the attempt came from (the lock-out is per e-mail and address); `local` for calls from inside the process. */
  async login(email: string, password: string, clientIp = 'local'): Promise<{ token: string; session: Session }> {
    const now = this.clock.now();
    const attempt = await this.guard.admit(email, clientIp);
    const agent = await this.db.selectFrom('agents').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    if (!agent) {
      await verifyPassword(password, await DUMMY_HASH);
      throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'wrong e-mail or password');
    }
    if (!(await verifyPassword(password, agent.password_hash))) throw new GatewayError('GW_ERR_UNAUTHENTICATED', 'wrong e-mail or password');
    await this.guard.succeeded(attempt);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const id = hashToken(token);
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await this.db.insertInto('agent_sessions').values({ token_hash: id, agent_id: agent.id, csrf_token: csrfToken, expires_at: expiresAt }).execute();
    return { token, session: { agent: view(agent), csrfToken, id, expiresAt } };
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
    return { agent: { id: row.id, email: row.email, name: row.name, role: row.role }, csrfToken: row.csrf_token, id: hashToken(token), expiresAt: row.expires_at };
  }

  /** Whether the session (by Session.id) still exists and has not expired. */
  async isLive(sessionId: string): Promise<boolean> {
    const row = await this.db.selectFrom('agent_sessions').select('expires_at').where('token_hash', '=', sessionId).executeTakeFirst();
    return row !== undefined && row.expires_at > this.clock.now();
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
