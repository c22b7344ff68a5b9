import type { Logger } from 'pino';
import type { RateBucket, RateBudget, RateGrant } from '../core/rate-budget';
import { MemoryRateBudget } from './memory-rate-budget';
import { withTimeout } from './redis-client';

/** The one Redis call this needs (node-redis's `eval`), so a test or another client can stand in. */
export interface ScriptRunner {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

// The same arithmetic as MemoryRateBudget (waitForUnit / tokensForPause), run atomically in
// Redis on Redis's own clock, so every node draws from one bucket and node clocks don't matter.
// Levels are strings: Lua numbers returned to the client would be truncated to integers.
const LEVEL = `
local function level(key, rate, now)
  local s = redis.call('HMGET', key, 'tokens', 'last')
  local tokens = tonumber(s[1]) or rate
  local last = tonumber(s[2]) or now
  return math.min(rate, tokens + math.max(0, now - last) / 1000 * rate)
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
`;

const TAKE = `${LEVEL}
local maxWait = tonumber(ARGV[1])
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i + 1])
  levels[i] = level(key, rate, now)
  if levels[i] < 1 then wait = math.max(wait, (1 - levels[i]) / rate * 1000) end
end
if wait > maxWait then return {0, tostring(wait)} end
for i, key in ipairs(KEYS) do
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'last', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(wait) + 60000)
end
return {1, tostring(wait)}
`;

const PAUSE = `${LEVEL}
local rate = tonumber(ARGV[1])
local ms = tonumber(ARGV[2])
local tokens = math.min(level(KEYS[1], rate, now), 1 - ms / 1000 * rate)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'last', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(ms) + 60000)
return 1
`;

/**
 * The rate budget of several nodes: buckets in Redis, each take one Lua script (atomic).
 * Keys are prefixed `omnigate:rate:`; a bucket idle for a minute expires. When Redis does
 * not answer within a second (an outage: node-redis queues commands until it reconnects),
 * this node paces with its own buckets meanwhile rather than hold every send up.
 */
export class RedisRateBudget implements RateBudget {
  private readonly local = new MemoryRateBudget();
  private degraded = false;

  constructor(
    private readonly redis: ScriptRunner,
    private readonly logger?: Logger,
    private readonly answerWithinMs = 1_000,
  ) {}

  async take(buckets: readonly RateBucket[], maxWaitMs: number): Promise<RateGrant> {
    try {
      const reply = (await withTimeout(
        this.redis.eval(TAKE, {
          keys: buckets.map((b) => `omnigate:rate:${b.key}`),
          arguments: [String(maxWaitMs), ...buckets.map((b) => String(b.perSecond))],
        }),
        this.answerWithinMs,
      )) as [number, string];
      this.recovered();
      return { granted: Number(reply[0]) === 1, waitMs: Number(reply[1]) };
    } catch (err) {
      this.fellBack(err);
      return this.local.take(buckets, maxWaitMs);
    }
  }

  async pause(bucket: RateBucket, ms: number): Promise<void> {
    await this.local.pause(bucket, ms);
    try {
      await withTimeout(this.redis.eval(PAUSE, { keys: [`omnigate:rate:${bucket.key}`], arguments: [String(bucket.perSecond), String(ms)] }), this.answerWithinMs);
      this.recovered();
    } catch (err) {
      this.fellBack(err);
    }
  }

  private fellBack(err: unknown): void {
    if (!this.degraded) this.logger?.warn({ err: (err as Error)?.message }, 'rate budget: Redis not answering; pacing per node until it is back');
    this.degraded = true;
  }

  private recovered(): void {
    if (this.degraded) this.logger?.info('rate budget: shared through Redis again');
    this.degraded = false;
  }
}
