import { createPacer, type PacerOptions } from '../../src/cluster/pacer';

/**
 * Outbound pacing per OA. Zalo publishes no per-second figure — only error −32 "reached
 * limit call api" for the app or the OA (channels.md §2.9, and §3 rule 6: "back off globally per OA on −32") — so sends are paced
 * at a modest default and, on −32, the OA pauses on every node (the bucket lives in the
 * gateway's rate budget: Redis when several nodes run). A caller that would wait longer
 * than `maxWaitMs` fails with a retryable GW_ERR_CHANNEL_RATE_LIMITED; the outbox retries.
 */
export interface ZaloRateLimitOptions extends PacerOptions {
  perSecond?: number;
  backOffMs?: number;
}

export interface ZaloRateLimiter {
  acquire(oaId: string): Promise<void>;
  /** Zalo answered −32 for this OA: hold every sender back. */
  backOff(oaId: string): Promise<void>;
}

export function createZaloRateLimiter(opts: ZaloRateLimitOptions = {}): ZaloRateLimiter {
  const perSecond = opts.perSecond ?? 20;
  const pacer = createPacer(opts);
  const bucket = (oaId: string) => ({ key: `zalo:oa:${oaId}`, perSecond });
  return {
    acquire: (oaId) => pacer.turn([bucket(oaId)], `Zalo: sending too fast for OA ${oaId}; queued for later`),
    backOff: (oaId) => pacer.pause(bucket(oaId), opts.backOffMs ?? 10_000),
  };
}
