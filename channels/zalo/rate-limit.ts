import { GatewayError } from '../../src/core/errors';
import type { RateBudget } from '../../src/core/rate-budget';
import { MemoryRateBudget } from '../../src/cluster/memory-rate-budget';

/**
 * Outbound pacing per OA. Zalo publishes no per-second figure — only error −32 "reached
 * limit call api" for the app or the OA (channels.md §2.9, and §3 rule 6: "back off globally per OA on −32") — so sends are paced
 * at a modest default and, on −32, the OA pauses on every node (the bucket lives in the
 * gateway's rate budget: Redis when several nodes run). A caller that would wait longer
 * than `maxWaitMs` fails with a retryable GW_ERR_CHANNEL_RATE_LIMITED; the outbox retries.
 */
export interface ZaloRateLimitOptions {
  perSecond?: number;
  maxWaitMs?: number;
  backOffMs?: number;
  budget?: () => RateBudget | null;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ZaloRateLimiter {
  acquire(oaId: string): Promise<void>;
  /** Zalo answered −32 for this OA: hold every sender back. */
  backOff(oaId: string): Promise<void>;
}

export function createZaloRateLimiter(opts: ZaloRateLimitOptions = {}): ZaloRateLimiter {
  const perSecond = opts.perSecond ?? 20;
  const maxWaitMs = opts.maxWaitMs ?? 5_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const local = new MemoryRateBudget(opts.now);
  const budget = () => opts.budget?.() ?? local;
  const bucket = (oaId: string) => ({ key: `zalo:oa:${oaId}`, perSecond });
  return {
    async acquire(oaId) {
      const { granted, waitMs } = await budget().take([bucket(oaId)], maxWaitMs);
      if (!granted) throw new GatewayError('GW_ERR_CHANNEL_RATE_LIMITED', `Zalo: sending too fast for OA ${oaId}; queued for later`, { waitMs: Math.ceil(waitMs) });
      if (waitMs > 0) await sleep(waitMs);
    },
    backOff: (oaId) => budget().pause(bucket(oaId), opts.backOffMs ?? 10_000),
  };
}
