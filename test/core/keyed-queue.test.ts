import { KeyedSerialQueue } from '../../src/core/keyed-queue';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedSerialQueue', () => {
  test('runs one key in submission order even when later tasks are faster', async () => {
    const q = new KeyedSerialQueue();
    const order: number[] = [];
    await Promise.all([30, 1, 15, 0].map((delay, i) => q.run('k', async () => { await tick(delay); order.push(i); })));
    expect(order).toEqual([0, 1, 2, 3]);
  });

  test('runs different keys concurrently', async () => {
    const q = new KeyedSerialQueue();
    let running = 0;
    let peak = 0;
    await Promise.all(['a', 'b', 'c'].map((k) => q.run(k, async () => { running++; peak = Math.max(peak, running); await tick(20); running--; })));
    expect(peak).toBe(3);
  });

  test('a failing task rejects its caller but does not block the key', async () => {
    const q = new KeyedSerialQueue();
    const failed = q.run('k', async () => { throw new Error('boom'); });
    const next = q.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
    await q.drain();
    expect(q.activeKeys).toBe(0);
  });
});
