import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { rateLimitedError } from './errors';
import { DAY, HOUR, MINUTE } from './clock';

/** At most `limit` hits per key in a window of `windowMs` that starts at the key's first hit. */
export interface LimitRule {
  readonly limit: number;
  readonly windowMs: number;
}

/** A key's window: hits counted so far and the time until it ends (both 0 when the key has none). */
export interface WindowCount {
  readonly count: number;
  readonly resetInMs: number;
}

/**
 * Counters behind the request limits, shared by every node through Redis when REDIS_URL is
 * set (`cluster/redis-request-counter.ts`), in the process otherwise
 * (`cluster/memory-request-counter.ts`). A window is fixed: hits refused inside it still
 * count but never extend it, so `Retry-After` is exact.
 */
export interface RequestCounter {
  /** Counts one hit on `key`; a key without a running window starts one of `windowMs`. */
  hit(key: string, windowMs: number): Promise<WindowCount>;
  /** The key's window without counting. */
  peek(key: string): Promise<WindowCount>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
}

/**
 * Every request limit with its default. The webhook default is far above what platforms
 * send from one address (Meta and Zalo deliver from pools of addresses; a busy Page is tens
 * of POSTs a second in bursts), because a 429 makes Meta retry and, sustained, flags the
 * app's webhook: it only caps one junk source at 100 requests a second. The widget per-IP
 * limits stay well above one visitor's because mobile carriers put many visitors behind one
 * address (CGNAT). `null` = off.
 */
export const RATE_LIMIT_DEFAULTS = {
  /** Login attempts per client address. */
  login_ip: { limit: 20, windowMs: MINUTE },
  /** Login attempts per (e-mail, address) not followed by a success: the lock-out (a success clears it). */
  login_pair: { limit: 5, windowMs: 15 * MINUTE },
  /** Login attempts per e-mail from addresses that never signed in to it (see auth-service.ts). */
  login_email: { limit: 20, windowMs: HOUR },
  /** API calls per signed-in session (bearer token or cookie). */
  api_token: { limit: 1200, windowMs: MINUTE },
  /** API calls without a valid session, per client address. */
  api_ip: { limit: 120, windowMs: MINUTE },
  /** External bots' late decisions (POST /api/v1/bot/decisions), per address. */
  bot_decision_ip: { limit: 1200, windowMs: MINUTE },
  /** Webhook POSTs (Messenger, Zalo), per address. */
  webhook_ip: { limit: 6000, windowMs: MINUTE },
  /** New widget visitors (conversations) per address. */
  widget_session_ip: { limit: 30, windowMs: MINUTE },
  /** Widget messages per visitor. */
  widget_message_visitor: { limit: 60, windowMs: MINUTE },
  /** Widget messages and offline forms per address. */
  widget_message_ip: { limit: 300, windowMs: MINUTE },
  /** Widget offline-form submissions per visitor. */
  widget_offline_visitor: { limit: 5, windowMs: 15 * MINUTE },
  /** Widget uploads per visitor. */
  upload_visitor: { limit: 30, windowMs: 10 * MINUTE },
  /** Widget uploads per address. */
  upload_ip: { limit: 60, windowMs: 10 * MINUTE },
} as const satisfies Record<string, LimitRule | null>;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;
export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_DEFAULTS) as RateLimitName[];
/** The rules in force: the defaults with OMNIGATE_RATE_LIMITS applied (`null` = off). */
export type RateLimitRules = Readonly<Record<RateLimitName, LimitRule | null>>;

/** How long an address stays familiar to an e-mail after a successful login from it. */
export const FAMILIAR_LOGIN_MS = 30 * DAY;

/** One named limit over the shared counters. */
export class RateLimit {
  constructor(
    readonly name: RateLimitName,
    readonly rule: LimitRule | null,
    private readonly counter: RequestCounter,
  ) {}

  /** Counts one hit on `key`: 0 when within the limit, else the seconds until its window ends. */
  async hit(key: string): Promise<number> {
    if (!this.rule) return 0;
    const { count, resetInMs } = await this.counter.hit(`${this.name}:${key}`, this.rule.windowMs);
    return count > this.rule.limit ? Math.max(1, Math.ceil(resetInMs / 1000)) : 0;
  }

  /** Counts one hit; over the limit, throws GW_ERR_RATE_LIMITED (429) with the wait. */
  async enforce(key: string, message: string): Promise<void> {
    const wait = await this.hit(key);
    if (wait > 0) throw rateLimitedError(message, wait);
  }

  /** Starts the key afresh (a successful login clears its failures). */
  reset(key: string): Promise<void> {
    return this.rule ? this.counter.reset(`${this.name}:${key}`) : Promise.resolve();
  }
}

/** What the gateway gives routes and channels to limit requests with. */
export interface RateLimits {
  get(name: RateLimitName): RateLimit;
  /** Express middleware counting each request on `name` per client address (429 over it). */
  perIp(name: RateLimitName, message: string): RequestHandler;
  /**
   * The client's address as per-IP limits count it, for requests that did not go through
   * Express (Socket.IO handshakes): behind proxies trusted by TRUST_PROXY, the forwarded one.
   */
  clientIp(req: IncomingMessage): string;
  /** The counters themselves, for marks that are not limits (familiar login addresses). */
  readonly counter: RequestCounter;
}
