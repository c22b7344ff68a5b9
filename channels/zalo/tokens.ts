import type { AxiosInstance } from 'axios';
import { HOUR, systemClock, type Clock } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import { needsReconnect } from './errors';
import { refreshTokenPair, type OAuthClientOptions } from './oauth-client';
import type { TokenPair, TokenStore } from './token-store';

/**
 * Keeps the OA access token fresh without ever losing the single-use refresh token.
 *
 * 1. Refresh AHEAD of expiry: when less than min(13 h, half the token's life) is left — about 12 h
 *    into a 25 h token — so one missed cycle never lets it lapse (ChatbotX's 24 h cron vs 25 h token
 *    did). Half the life keeps short-lived tokens from being refreshed on every call. ref: [I11]
 * 2. Single-flight: concurrent callers in this process share one refresh; across nodes the store's
 *    lock serializes, and inside it the pair is RE-READ — if somebody already rotated it, no HTTP call.
 * 3. The new pair is saved BEFORE it is handed to anybody.
 * 4. −14014 / −14020 (refresh token spent or expired) → GW_ERR_CHANNEL_AUTH_EXPIRED with
 *    `details.needsReconnect: true`; that refresh token is then not tried again (no HTTP storm).
 * 5. The env tokens only seed an empty store (they go stale after the first rotation).
 * ref: channels.md §2.7 and §3.8
 */

/** What send.ts and profile.ts need; TokenManager implements it, tests may stub it. */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  /** Zalo refused `rejected` (−216/−220): refresh unless someone already has, and return the new token. */
  refreshAfterRejection(rejected: string): Promise<string>;
}

export const DEFAULT_REFRESH_AHEAD_MS = 13 * HOUR;

export interface TokenManagerOptions extends OAuthClientOptions {
  oaId: string;
  store: TokenStore;
  clock?: Clock;
  /** Env tokens, used only when the store has no pair for this OA. */
  seed?: { accessToken?: string; refreshToken: string };
  refreshAheadMs?: number;
  http?: AxiosInstance;
}

/** Pure: does this pair need a refresh now? */
export function needsRefresh(pair: TokenPair | null, now: Date, refreshAheadMs = DEFAULT_REFRESH_AHEAD_MS): boolean {
  if (!pair || !pair.accessToken) return true;
  const expiresAt = pair.expiresAt.getTime();
  const lifetime = pair.issuedAt ? expiresAt - pair.issuedAt.getTime() : Infinity;
  return now.getTime() >= expiresAt - Math.min(refreshAheadMs, lifetime / 2);
}

export class TokenManager implements AccessTokenSource {
  private inflight: Promise<TokenPair> | null = null;
  private deadRefreshToken: string | null = null;
  private readonly clock: Clock;
  private readonly refreshAheadMs: number;
  /** HTTP refreshes this instance performed (observability and tests). */
  refreshCount = 0;

  constructor(private readonly opts: TokenManagerOptions) {
    this.clock = opts.clock ?? systemClock;
    this.refreshAheadMs = opts.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;
  }

  async accessToken(): Promise<string> {
    const pair = await this.loadOrSeed();
    if (pair && !this.needsRefresh(pair)) return pair.accessToken;
    return (await this.refresh((current) => this.needsRefresh(current))).accessToken;
  }

  async refreshAfterRejection(rejected: string): Promise<string> {
    return (await this.refresh((current) => current.accessToken === rejected || this.needsRefresh(current))).accessToken;
  }

  /** Proactive refresh for a scheduler (e.g. every hour): a no-op while the token is fresh. */
  async refreshIfDue(): Promise<void> {
    await this.accessToken();
  }

  needsRefresh(pair: TokenPair | null, now: Date = this.clock.now()): boolean {
    return needsRefresh(pair, now, this.refreshAheadMs);
  }

  private refresh(stillNeeded: (current: TokenPair) => boolean): Promise<TokenPair> {
    if (this.inflight) return this.inflight;
    const run = this.opts.store.withRefreshLock(this.opts.oaId, () => this.refreshLocked(stillNeeded));
    this.inflight = run;
    const clear = () => {
      if (this.inflight === run) this.inflight = null;
    };
    run.then(clear, clear);
    return run;
  }

  private async refreshLocked(stillNeeded: (current: TokenPair) => boolean): Promise<TokenPair> {
    const current = await this.loadOrSeed();
    if (!current) throw reconnect('no Zalo token pair is stored and ZALO_REFRESH_TOKEN is not set');
    if (!stillNeeded(current)) return current; // rotated meanwhile by another caller or node
    if (current.refreshToken === this.deadRefreshToken) throw reconnect('the stored refresh token was already refused');
    let fresh: TokenPair;
    try {
      fresh = await refreshTokenPair(this.opts, current.refreshToken, this.clock.now());
    } catch (err) {
      if (needsReconnect(err)) this.deadRefreshToken = current.refreshToken;
      throw err;
    }
    await this.opts.store.save(this.opts.oaId, fresh);
    this.refreshCount += 1;
    return fresh;
  }

  private async loadOrSeed(): Promise<TokenPair | null> {
    const stored = await this.opts.store.load(this.opts.oaId);
    if (stored) return stored;
    const seed = this.opts.seed;
    if (!seed?.refreshToken) return null;
    // The seed's access token has an unknown age: expiresAt = epoch makes the first use refresh (and persist) at once.
    return { accessToken: seed.accessToken ?? '', refreshToken: seed.refreshToken, expiresAt: new Date(0) };
  }
}

function reconnect(reason: string): GatewayError {
  return new GatewayError('GW_ERR_CHANNEL_AUTH_EXPIRED', `Zalo: ${reason}; reconnect the OA`, { channel: 'zalo', needsReconnect: true });
}
