import type { Clock } from '../../src/core/clock';
import type { ZaloConfig } from './config';
import type { ZaloApi } from './oa-api';
import { createZaloProfiles, type ZaloProfiles } from './profile';
import type { ReplyCounter } from './reply-counter';
import type { ZaloRateLimiter } from './rate-limit';
import { createZaloSender, type ZaloSender } from './send';
import type { TokenStore } from './token-store';
import { TokenManager } from './tokens';

/** One Official Account: its tokens, its sender, its profile cache. */
export interface ZaloAccount {
  readonly oaId: string;
  readonly tokens: TokenManager;
  readonly sender: ZaloSender;
  readonly profiles: ZaloProfiles;
}

export interface ZaloAccountsDeps {
  config: ZaloConfig;
  store: TokenStore;
  api: ZaloApi;
  clock: Clock;
  replies: ReplyCounter;
  /** Shared by every OA's sender (one bucket per OA inside). */
  rateLimiter?: ZaloRateLimiter;
  onProfileError?: (err: unknown, oaId: string, userId: string) => void;
}

/**
 * The OAs this gateway serves. One Zalo app may be linked to several OAs; they share the
 * app id, app secret and the webhook's OA secret key, and each has its own token pair.
 * `ZALO_OA_ID` (seeded from `ZALO_REFRESH_TOKEN`) is always one; the others are the OAs
 * whose pair an admin stored (OAuth consent or a refresh token, see admin-routes.ts).
 * ref: channels.md §2.1 (one app, one or more OAs), §2.2 (multi-OA: the OA comes from the event)
 */
export class ZaloAccounts {
  private readonly accounts = new Map<string, ZaloAccount>();

  constructor(private readonly deps: ZaloAccountsDeps) {}

  /** The account object for an OA (made on first use; it may still have no token pair). */
  get(oaId: string): ZaloAccount {
    let account = this.accounts.get(oaId);
    if (!account) {
      const { config, store, api, clock, replies } = this.deps;
      const isEnvOa = oaId === config.oaId;
      const tokens = new TokenManager({
        oaId,
        appId: config.appId,
        appSecret: config.appSecret,
        oauthUrl: config.oauthUrl,
        store,
        clock,
        ...(isEnvOa ? { seed: { accessToken: config.accessToken, refreshToken: config.refreshToken } } : {}),
      });
      const sender = createZaloSender({ api, tokens, config: { oaId }, clock, replies, rateLimiter: this.deps.rateLimiter });
      const profiles = createZaloProfiles({ api, tokens, clock, onError: (err, userId) => this.deps.onProfileError?.(err, oaId, userId) });
      account = { oaId, tokens, sender, profiles };
      this.accounts.set(oaId, account);
    }
    return account;
  }

  /** Every OA served: the configured one and those with a stored pair. */
  async list(): Promise<string[]> {
    return [...new Set([this.deps.config.oaId, ...(await this.deps.store.list())])].sort();
  }

  async serves(oaId: string): Promise<boolean> {
    return oaId === this.deps.config.oaId || (await this.deps.store.load(oaId)) !== null;
  }

  /** Store a new pair for an OA (first connection or reconnection); the old account object is dropped. */
  async connect(oaId: string, pair: Parameters<TokenStore['save']>[1]): Promise<void> {
    await this.deps.store.save(oaId, pair);
    // A fresh TokenManager forgets any refresh token it had seen refused.
    this.accounts.delete(oaId);
  }
}
