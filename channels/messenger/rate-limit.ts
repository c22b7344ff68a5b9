import { GatewayError } from '../../src/core/errors';

/**
 * Outbound pacing per Page, kept below Meta's Send API limits (300 calls/s per Page for
 * text, links, reactions, stickers; 10/s for audio and video) plus a small per-thread cap,
 * since Meta also throttles bursts into one conversation. A caller over the rate WAITS
 * (briefly) for its turn instead of failing; only a queue longer than `maxWaitMs` fails,
 * with a retryable GW_ERR_CHANNEL_RATE_LIMITED so the outbox tries again later.
 * In-process: with several nodes each keeps its own budget (divide the rates).
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/overview/rate-limiting
 */

export type SendClass = 'text' | 'media';

export interface RateLimitOptions {
  textPerSecond?: number;
  mediaPerSecond?: number;
  perThreadPerSecond?: number;
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface SendRateLimiter {
  /** Resolves when a call for this Page/thread may go out; throws if the wait would be too long. */
  acquire(pageId: string, threadId: string, kind: SendClass): Promise<void>;
}

interface Bucket {
  /** May go negative: each unit below zero is a caller already queued. */
  tokens: number;
  last: number;
}

export function createSendRateLimiter(opts: RateLimitOptions = {}): SendRateLimiter {
  const rates: Record<SendClass, number> = { text: opts.textPerSecond ?? 200, media: opts.mediaPerSecond ?? 8 };
  const threadRate = opts.perThreadPerSecond ?? 5;
  const maxWaitMs = opts.maxWaitMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const buckets = new Map<string, Bucket>();

  /** Refill `key` at `rate`/s (burst = one second's worth) and return the wait for one more call. */
  const waitFor = (key: string, rate: number, t: number): { bucket: Bucket; wait: number } => {
    let b = buckets.get(key);
    if (!b) {
      b = { tokens: rate, last: t };
      buckets.set(key, b);
      if (buckets.size > 10_000) sweep(t);
    }
    b.tokens = Math.min(rate, b.tokens + ((t - b.last) / 1000) * rate);
    b.last = t;
    return { bucket: b, wait: b.tokens >= 1 ? 0 : ((1 - b.tokens) / rate) * 1000 };
  };

  const sweep = (t: number) => {
    for (const [key, b] of buckets) if (t - b.last > 60_000) buckets.delete(key);
  };

  return {
    async acquire(pageId, threadId, kind) {
      const t = now();
      const page = waitFor(`${kind}:${pageId}`, rates[kind], t);
      const thread = waitFor(`thread:${pageId}:${threadId}`, threadRate, t);
      const wait = Math.max(page.wait, thread.wait);
      if (wait > maxWaitMs) {
        throw new GatewayError('GW_ERR_CHANNEL_RATE_LIMITED', `Messenger: sending too fast to Page ${pageId}; queued for later`, { waitMs: Math.ceil(wait) });
      }
      // Reserve now (tokens may go below zero) so later callers queue behind this one.
      page.bucket.tokens -= 1;
      thread.bucket.tokens -= 1;
      if (wait > 0) await sleep(wait);
    },
  };
}
