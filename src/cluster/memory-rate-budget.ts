import { tokensForPause, waitForUnit, type RateBucket, type RateBudget, type RateGrant } from '../core/rate-budget';

interface Level {
  tokens: number;
  last: number;
}

const IDLE_MS = 60_000;

/** The rate budget of a single node: buckets in this process. */
export class MemoryRateBudget implements RateBudget {
  private readonly levels = new Map<string, Level>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(buckets: readonly RateBucket[], maxWaitMs: number): Promise<RateGrant> {
    const t = this.now();
    const levels = buckets.map((b) => this.refill(b, t));
    const waitMs = Math.max(0, ...levels.map((l, i) => waitForUnit(l.tokens, buckets[i]!.perSecond)));
    if (waitMs > maxWaitMs) return { granted: false, waitMs };
    for (const l of levels) l.tokens -= 1;
    return { granted: true, waitMs };
  }

  async pause(bucket: RateBucket, ms: number): Promise<void> {
    const level = this.refill(bucket, this.now());
    level.tokens = Math.min(level.tokens, tokensForPause(bucket.perSecond, ms));
  }

  private refill(bucket: RateBucket, t: number): Level {
    let level = this.levels.get(bucket.key);
    if (!level) {
      level = { tokens: bucket.perSecond, last: t };
      this.levels.set(bucket.key, level);
      if (this.levels.size > 10_000) this.sweep(t);
    }
    level.tokens = Math.min(bucket.perSecond, level.tokens + (Math.max(0, t - level.last) / 1000) * bucket.perSecond);
    level.last = t;
    return level;
  }

  private sweep(t: number): void {
    for (const [key, level] of this.levels) if (t - level.last > IDLE_MS && level.tokens >= 0) this.levels.delete(key);
  }
}
