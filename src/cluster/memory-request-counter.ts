import type { RequestCounter, WindowCount } from '../core/rate-limits';

interface Window {
  count: number;
  endsAt: number;
}

const NONE: WindowCount = { count: 0, resetInMs: 0 };

/** The request counters of a single node (and of any node while Redis is unreachable). */
export class MemoryRequestCounter implements RequestCounter {
  private readonly windows = new Map<string, Window>();
  // Ended windows are dropped when the map doubles, so a flood of distinct keys costs a sweep
  // per doubling rather than one per new key.
  private sweepAt = 10_000;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowMs: number): Promise<WindowCount> {
    const now = this.now();
    let w = this.windows.get(key);
    if (!w || now >= w.endsAt) {
      w = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, w);
      if (this.windows.size >= this.sweepAt) this.sweep(now);
    }
    w.count++;
    return { count: w.count, resetInMs: w.endsAt - now };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const w = this.windows.get(key);
    return w && now < w.endsAt ? { count: w.count, resetInMs: w.endsAt - now } : NONE;
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (now >= w.endsAt) this.windows.delete(key);
    this.sweepAt = Math.max(10_000, this.windows.size * 2);
  }
}
