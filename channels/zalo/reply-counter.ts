/**
 * How many OA messages went to a user since the user's last message — the input of the
 * free-reply rule (window.ts). The counter belongs to one `lastInboundAt`: when the user
 * writes again (a new `lastInboundAt`) it starts from 0.
 *
 * The in-memory version suits one node and tests. The gateway can implement the same
 * interface by counting the conversation's outbound messages sent after `lastInboundAt`.
 */
export interface ReplyCounter {
  count(oaId: string, userId: string, lastInboundAt: Date | null): Promise<number>;
  record(oaId: string, userId: string, lastInboundAt: Date | null): Promise<void>;
}

export class InMemoryReplyCounter implements ReplyCounter {
  private readonly entries = new Map<string, { since: number; count: number }>();

  constructor(private readonly maxEntries = 50_000) {}

  async count(oaId: string, userId: string, lastInboundAt: Date | null): Promise<number> {
    const entry = this.entries.get(`${oaId}:${userId}`);
    return entry && entry.since === sinceOf(lastInboundAt) ? entry.count : 0;
  }

  async record(oaId: string, userId: string, lastInboundAt: Date | null): Promise<void> {
    const key = `${oaId}:${userId}`;
    const since = sinceOf(lastInboundAt);
    const entry = this.entries.get(key);
    const count = entry && entry.since === since ? entry.count + 1 : 1;
    this.entries.delete(key); // re-insert: Map order doubles as least-recently-used order
    this.entries.set(key, { since, count });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

function sinceOf(at: Date | null): number {
  return at ? at.getTime() : -1;
}
