import express from 'express';
import pino from 'pino';
import type { ChannelAdapter, ChannelHost, IngestResult } from '../../src/core/channel';
import type { InboundEvent, ParsedEvent } from '../../src/core/message';
import { MemoryRateBudget } from '../../src/cluster/memory-rate-budget';
import { MemoryRequestCounter } from '../../src/cluster/memory-request-counter';
import { RATE_LIMIT_DEFAULTS } from '../../src/core/rate-limits';
import { createRateLimits } from '../../src/server/rate-limiter';

export interface RecordingHost {
  host: ChannelHost;
  router: express.Router;
  /** An Express app with the channel's routes, for supertest. */
  app: express.Express;
  ingested: InboundEvent[];
  platformEvents: ParsedEvent[];
  /** Bodies the channel stored through `accept`. */
  accepted: string[];
  connectionProblems: { accountId: string; problem: string | null }[];
  /** Wait until every accepted body was processed (background profile lookups may still run). */
  settle(): Promise<void>;
}

/**
 * A ChannelHost for a channel's own tests, without the core: `accept` keeps the body and
 * hands it to the channel's `processWebhook` like the core's inbound journal does,
 * `ingest`/`platformEvent` record what they get.
 */
export function recordingHost(channel: () => ChannelAdapter, extra: Partial<ChannelHost> = {}): RecordingHost {
  const router = express.Router();
  const app = express();
  app.use(router);
  const ingested: InboundEvent[] = [];
  const platformEvents: ParsedEvent[] = [];
  const accepted: string[] = [];
  const connectionProblems: RecordingHost['connectionProblems'] = [];
  const work: Promise<unknown>[] = [];
  const host = {
    router,
    logger: pino({ level: 'silent' }),
    accept: async (body: string, receivedAt: Date) => {
      accepted.push(body);
      work.push(channel().processWebhook!(body, receivedAt));
    },
    ingest: async (event: InboundEvent): Promise<IngestResult> => {
      ingested.push(event);
      return { stored: true, messageId: ingested.length, conversationId: 1, message: null };
    },
    platformEvent: async (event: ParsedEvent) => {
      platformEvents.push(event);
      return 'applied' as const;
    },
    connectionProblem: async (accountId: string, problem: string | null) => void connectionProblems.push({ accountId, problem }),
    uploads: { signedUrl: (base: string, id: string) => `${base}/uploads/${id}?sig=x` },
    publicUrl: () => 'https://gw.example.com',
    rateBudget: new MemoryRateBudget(),
    rateLimits: createRateLimits({ rules: RATE_LIMIT_DEFAULTS, counter: new MemoryRequestCounter(), trust: () => false }),
    ...extra,
  } as unknown as ChannelHost;
  return {
    host,
    router,
    app,
    ingested,
    platformEvents,
    accepted,
    connectionProblems,
    async settle() {
      await Promise.allSettled(work);
      await channel().close?.();
    },
  };
}
