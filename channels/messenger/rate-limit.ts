import { createPacer, type PacerOptions } from '../../src/cluster/pacer';

/**
 * Outbound pacing per Page, kept below Meta's Send API limits (300 calls/s per Page for
 * text, links, reactions, stickers; 10/s for audio and video) plus a small per-thread cap,
 * since Meta also throttles bursts into one conversation. A caller over the rate WAITS
 * (briefly) for its turn instead of failing; only a queue longer than `maxWaitMs` fails,
 * with a retryable GW_ERR_CHANNEL_RATE_LIMITED so the outbox tries again later.
 * The buckets live in the gateway's rate budget: with REDIS_URL every node draws from the
 * same ones, so N nodes together stay under the Page's limits. When Meta answers "too
 * fast" anyway (codes 4, 17, 32, 613), the Page's budget is paused for every node.
 * // ref: https://developers.facebook.com/documentation/business-messaging/messenger-platform/overview/rate-limiting
 */

export type SendClass = 'text' | 'media';

export interface RateLimitOptions extends PacerOptions {
  textPerSecond?: number;
  mediaPerSecond?: number;
  perThreadPerSecond?: number;
  /** How long a Page's sends pause, on every node, after Meta says "too fast". */
  backOffMs?: number;
}

export interface SendRateLimiter {
  /** Resolves when a call for this Page/thread may go out; throws if the wait would be too long. */
  acquire(pageId: string, threadId: string, kind: SendClass): Promise<void>;
  /** Meta answered with a rate-limit error for this Page: hold every sender back. */
  backOff(pageId: string): Promise<void>;
}

export function createSendRateLimiter(opts: RateLimitOptions = {}): SendRateLimiter {
  const rates: Record<SendClass, number> = { text: opts.textPerSecond ?? 200, media: opts.mediaPerSecond ?? 8 };
  const threadRate = opts.perThreadPerSecond ?? 5;
  const pacer = createPacer(opts);
  const pageBucket = (pageId: string, kind: SendClass) => ({ key: `messenger:${kind}:${pageId}`, perSecond: rates[kind] });

  return {
    acquire: (pageId, threadId, kind) =>
      pacer.turn([pageBucket(pageId, kind), { key: `messenger:thread:${pageId}:${threadId}`, perSecond: threadRate }], `Messenger: sending too fast to Page ${pageId}; queued for later`),
    async backOff(pageId) {
      const ms = opts.backOffMs ?? 10_000;
      await Promise.all((['text', 'media'] as const).map((kind) => pacer.pause(pageBucket(pageId, kind), ms)));
    },
  };
}
