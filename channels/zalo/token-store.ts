/**
 * Where the OA's token pair lives, and the lock that serializes refreshes.
 *
 * Zalo refresh tokens are SINGLE-USE: every refresh returns a new one and the old one stops
 * working (−14014). So two workers must never spend the same refresh token, and the new pair
 * must be saved before anybody uses it. ref: channels.md §2.7, ChatbotX PR #1019 [I11]
 *
 * Implementations:
 * - `InMemoryTokenStore` (below): tests and a single node. It forgets the rotated pair on restart,
 *   after which the env seed is stale — use a persistent store in production.
 * - The gateway provides a PostgreSQL one: `save` is one UPDATE of both tokens + expiry, and
 *   `withRefreshLock` holds `pg_advisory_lock(hash(oaId))` on a dedicated connection for the
 *   whole `fn` — a lock with no TTL, so it always outlives the HTTP call (ChatbotX's 10 s lock
 *   TTL under a 30 s HTTP timeout let two workers refresh at once).
 */

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (Zalo: ~25 h after issue). */
  expiresAt: Date;
  /** When it was issued, if known: lets the refresh point scale with the real lifetime. */
  issuedAt?: Date;
}

export interface TokenStore {
  load(oaId: string): Promise<TokenPair | null>;
  /** Atomic: the access token, refresh token and expiry are replaced together or not at all. */
  save(oaId: string, pair: TokenPair): Promise<void>;
  /** Runs `fn` holding the OA's refresh lock across every node; held until `fn` settles. */
  withRefreshLock<T>(oaId: string, fn: () => Promise<T>): Promise<T>;
  /** Every OA with a stored pair (OAs connected through the admin API, and rotated env ones). */
  list(): Promise<string[]>;
}

export class InMemoryTokenStore implements TokenStore {
  private readonly pairs = new Map<string, TokenPair>();
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(initial?: Record<string, TokenPair>) {
    for (const [oaId, pair] of Object.entries(initial ?? {})) this.pairs.set(oaId, copy(pair));
  }

  async load(oaId: string): Promise<TokenPair | null> {
    const pair = this.pairs.get(oaId);
    return pair ? copy(pair) : null;
  }

  async save(oaId: string, pair: TokenPair): Promise<void> {
    this.pairs.set(oaId, copy(pair));
  }

  async list(): Promise<string[]> {
    return [...this.pairs.keys()];
  }

  /** A promise-chain mutex per OA: callers run one after another, in arrival order. */
  async withRefreshLock<T>(oaId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(oaId) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(oaId, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(oaId) === tail) this.locks.delete(oaId);
    }
  }
}

function copy(pair: TokenPair): TokenPair {
  return pair.issuedAt ? { ...pair, expiresAt: new Date(pair.expiresAt), issuedAt: new Date(pair.issuedAt) } : { ...pair, expiresAt: new Date(pair.expiresAt) };
}
