/** A token bucket: `perSecond` units refill continuously, at most one second's worth is banked. */
export interface RateBucket {
  readonly key: string;
  readonly perSecond: number;
}

export interface RateGrant {
  /** False: the wait would have exceeded the caller's limit, and nothing was taken. */
  readonly granted: boolean;
  /** How long the caller must wait before acting (granted), or would have had to (not granted). */
  readonly waitMs: number;
}

/**
 * Pacing budgets for calls to a platform's per-account limits (a Page's Send API, an OA's
 * API), shared by every node of the gateway: in Redis when REDIS_URL is set, in the
 * process otherwise. Channels take from it; the core provides it.
 */
export interface RateBudget {
  /**
   * One unit from every bucket at once. When the caller would wait at most `maxWaitMs`,
   * the units are reserved (later callers queue behind) and the caller waits `waitMs`.
   */
  take(buckets: readonly RateBucket[], maxWaitMs: number): Promise<RateGrant>;
  /** The platform said "too fast": nobody, on any node, takes from this bucket for `ms`. */
  pause(bucket: RateBucket, ms: number): Promise<void>;
}

/** Time until one more unit, for a bucket holding `tokens` (may be negative: callers queued). */
export const waitForUnit = (tokens: number, perSecond: number): number => (tokens >= 1 ? 0 : ((1 - tokens) / perSecond) * 1000);

/** The level that makes the next caller wait `ms`. */
export const tokensForPause = (perSecond: number, ms: number): number => 1 - (ms / 1000) * perSecond;
