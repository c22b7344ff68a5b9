import type { Logger } from 'pino';
import type { RequestCounter, WindowCount } from '../core/rate-limits';
import { MemoryRequestCounter } from './memory-request-counter';
import type { ScriptRunner } from './redis-rate-budget';
import { withTimeout } from './redis-client';

/** The Redis calls this needs; node-redis's client is one. `isReady` false = reconnecting. */
export interface CounterRedis extends ScriptRunner {
  readonly isReady?: boolean;
}

// INCR and the window's expiry in one script, so the window lives on Redis's clock and two
// nodes never both start one. A key left without expiry (it should not happen) gets one.
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

const PEEK = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return {0, 0} end
return {n, ttl}
`;

const RESET = `return redis.call('DEL', KEYS[1])`;

/**
 * Request counters shared by every node: one key per counter (`omnigate:limit:<name>:<key>`),
 * expiring with its window. When Redis is reconnecting, or does not answer within a second,
 * this node counts on its own meanwhile (limits then apply per node) rather than hold
 * requests up or let them all through; the switch is logged once each way.
 */
export class RedisRequestCounter implements RequestCounter {
  private readonly local: MemoryRequestCounter;
  private degraded = false;

  constructor(
    private readonly redis: CounterRedis,
    private readonly logger?: Logger,
    private readonly answerWithinMs = 1_000,
    now: () => number = Date.now,
  ) {
    this.local = new MemoryRequestCounter(now);
  }

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const reply = await this.run(HIT, key, [String(Math.max(1, Math.round(windowMs)))]);
    return reply ? toCount(reply) : this.local.hit(key, windowMs);
  }

  async peek(key: string): Promise<WindowCount> {
    const reply = await this.run(PEEK, key, []);
    return reply ? toCount(reply) : this.local.peek(key);
  }

  async reset(key: string): Promise<void> {
    await this.local.reset(key);
    await this.run(RESET, key, []);
  }

  /** The script's reply, or null when Redis is not there (then the caller counts locally). */
  private async run(script: string, key: string, args: string[]): Promise<unknown> {
    if (this.redis.isReady === false) {
      this.fellBack(new Error('reconnecting'));
      return null;
    }
    try {
      const reply = await withTimeout(this.redis.eval(script, { keys: [`omnigate:limit:${key}`], arguments: args }), this.answerWithinMs);
      this.recovered();
      return reply;
    } catch (err) {
      this.fellBack(err);
      return null;
    }
  }

  private fellBack(err: unknown): void {
    if (!this.degraded) this.logger?.warn({ err: (err as Error)?.message }, 'rate limits: Redis not answering; counting per node until it is back');
    this.degraded = true;
  }

  private recovered(): void {
    if (this.degraded) this.logger?.info('rate limits: counted across nodes through Redis again');
    this.degraded = false;
  }
}

function toCount(reply: unknown): WindowCount {
  const [count, ttl] = reply as [number, number];
  return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
}
