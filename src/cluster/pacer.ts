import { GatewayError } from '../core/errors';
import type { RateBucket, RateBudget } from '../core/rate-budget';
import { MemoryRateBudget } from './memory-rate-budget';

export interface PacerOptions {
  /** A longer wait is refused (the outbox tries again later) rather than held. */
  maxWaitMs?: number;
  /** The gateway's budget (known once the channel is mounted); a private one until then. */
  budget?: () => RateBudget | null;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface Pacer {
  /** Waits for a turn in every bucket, or throws a retryable GW_ERR_CHANNEL_RATE_LIMITED saying `tooFast`. */
  turn(buckets: readonly RateBucket[], tooFast: string): Promise<void>;
  pause(bucket: RateBucket, ms: number): Promise<void>;
}

/** What every channel's send limiter does with the rate budget; the channel names the buckets. */
export function createPacer(opts: PacerOptions = {}): Pacer {
  const maxWaitMs = opts.maxWaitMs ?? 5_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const local = new MemoryRateBudget(opts.now);
  const budget = () => opts.budget?.() ?? local;
  return {
    async turn(buckets, tooFast) {
      const { granted, waitMs } = await budget().take(buckets, maxWaitMs);
      if (!granted) throw new GatewayError('GW_ERR_CHANNEL_RATE_LIMITED', tooFast, { waitMs: Math.ceil(waitMs) });
      if (waitMs > 0) await sleep(waitMs);
    },
    pause: (bucket, ms) => budget().pause(bucket, ms),
  };
}
