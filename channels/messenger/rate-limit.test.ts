import { createSendRateLimiter } from './rate-limit';

/** A manual clock: `sleep` records the wait it was asked for and moves time forward by it. */
function clock() {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(Math.round(ms));
      t += ms;
    },
    advance: (ms: number) => void (t += ms),
  };
}

describe('createSendRateLimiter', () => {
  it('lets a burst of one second through, then queues callers behind each other', async () => {
    const c = clock();
    const limiter = createSendRateLimiter({ textPerSecond: 4, perThreadPerSecond: 100, now: c.now, sleep: c.sleep });
    for (let i = 0; i < 4; i++) await limiter.acquire('p1', `u${i}`, 'text');
    expect(c.waits).toEqual([]);
    await limiter.acquire('p1', 'u9', 'text');
    expect(c.waits).toEqual([250]);
  });

  it('keeps separate budgets per Page and per class (audio/video much lower)', async () => {
    const c = clock();
    const limiter = createSendRateLimiter({ textPerSecond: 100, mediaPerSecond: 1, perThreadPerSecond: 100, now: c.now, sleep: c.sleep });
    await limiter.acquire('p1', 'u1', 'media');
    await limiter.acquire('p2', 'u1', 'media');
    await limiter.acquire('p1', 'u1', 'text');
    expect(c.waits).toEqual([]);
    await limiter.acquire('p1', 'u2', 'media');
    expect(c.waits).toEqual([1000]);
  });

  it('caps bursts into one thread', async () => {
    const c = clock();
    const limiter = createSendRateLimiter({ textPerSecond: 1000, perThreadPerSecond: 2, now: c.now, sleep: c.sleep });
    await limiter.acquire('p1', 'u1', 'text');
    await limiter.acquire('p1', 'u1', 'text');
    await limiter.acquire('p1', 'u2', 'text');
    expect(c.waits).toEqual([]);
    await limiter.acquire('p1', 'u1', 'text');
    expect(c.waits).toEqual([500]);
  });

  it('refills over time', async () => {
    const c = clock();
    const limiter = createSendRateLimiter({ textPerSecond: 2, perThreadPerSecond: 100, now: c.now, sleep: c.sleep });
    await limiter.acquire('p1', 'u1', 'text');
    await limiter.acquire('p1', 'u2', 'text');
    c.advance(1000);
    await limiter.acquire('p1', 'u3', 'text');
    await limiter.acquire('p1', 'u4', 'text');
    expect(c.waits).toEqual([]);
  });

  it('fails with a retryable rate-limit error instead of queueing too long', async () => {
    const c = clock();
    // A sleep that never resolves: callers stay queued, as under real load.
    const limiter = createSendRateLimiter({ mediaPerSecond: 1, perThreadPerSecond: 100, maxWaitMs: 2_000, now: c.now, sleep: () => new Promise(() => {}) });
    await limiter.acquire('p1', 'u1', 'media');
    void limiter.acquire('p1', 'u2', 'media'); // waits 1 s
    void limiter.acquire('p1', 'u3', 'media'); // waits 2 s
    await expect(limiter.acquire('p1', 'u4', 'media')).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true, details: { waitMs: 3000 } });
  });

  it("after Meta's own rate-limit answer the Page's sends wait out the back-off (both classes), other Pages don't", async () => {
    const c = clock();
    const limiter = createSendRateLimiter({ textPerSecond: 100, perThreadPerSecond: 100, backOffMs: 10_000, maxWaitMs: 5_000, now: c.now, sleep: c.sleep });
    await limiter.backOff('p1');
    await expect(limiter.acquire('p1', 'u1', 'text')).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED', retryable: true });
    await expect(limiter.acquire('p1', 'u1', 'media')).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_RATE_LIMITED' });
    await limiter.acquire('p2', 'u1', 'text');
    expect(c.waits).toEqual([]);
    c.advance(6_000);
    await limiter.acquire('p1', 'u1', 'text'); // 4 s left: within maxWait, so it waits its turn
    expect(c.waits).toEqual([4_000]);
  });
});
