import { createHash } from 'node:crypto';
import { FAMILIAR_LOGIN_MS, type RateLimits } from '../core/rate-limits';

/**
 * What a password attempt costs, decided before the password is checked.
 *
 * The lock-out is per (e-mail, client address), not per account: an account-wide lock lets
 * anyone who knows an agent's e-mail keep that agent out with five wrong passwords. Per pair,
 * a stranger only locks out their own address (`login_pair`: 5 attempts that did not succeed
 * per 15 minutes). Guessing from many addresses is bounded per e-mail instead (`login_email`:
 * 20 attempts an hour), counting only addresses the e-mail never signed in from: the agent's
 * usual office or home address stays open while strangers are refused, so that ceiling is not
 * a lever against the agent either. A successful login makes its address familiar to that
 * e-mail for 30 days and clears the pair's failures.
 *
 * Attempts are counted when they start (before the slow password check), so parallel guesses
 * cannot slip past a check-then-count gap. Unknown e-mails are treated exactly like known
 * ones: the answers never tell which e-mails exist. E-mails are stored as hashes in the
 * counters (Redis keys are not secret).
 */
export class LoginGuard {
  constructor(private readonly limits: RateLimits) {}

  /** Counts the attempt; throws GW_ERR_RATE_LIMITED (with the wait) when it may not go on. */
  async admit(email: string, clientIp: string): Promise<LoginAttempt> {
    const account = createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
    const pair = `${account}:${clientIp}`;
    await this.limits.get('login_pair').enforce(pair, 'too many failed logins from this address; try again later');
    const familiar = (await this.limits.counter.peek(familiarKey(pair))).count > 0;
    if (!familiar) await this.limits.get('login_email').enforce(account, 'too many login attempts for this account from new addresses; try again later');
    return { pair };
  }

  /** The password was right: this address is familiar to the e-mail and starts afresh. */
  async succeeded(attempt: LoginAttempt): Promise<void> {
    await this.limits.get('login_pair').reset(attempt.pair);
    await this.limits.counter.hit(familiarKey(attempt.pair), FAMILIAR_LOGIN_MS);
  }
}

export interface LoginAttempt {
  readonly pair: string;
}

const familiarKey = (pair: string) => `login_familiar:${pair}`;
