import { sleep, type BenchChild, type VisitorsReport } from './socket-load';
import type { MemorySample, Started } from './socket-server';

/**
 * Memory per idle widget connection (issue #9), gateway vs bare Socket.IO: the server's
 * process (its own, started with --expose-gc) is sampled after full collections with
 * `baseline` idle widget sockets connected, then again with `measured` more; the growth
 * divided by `measured` is the cost of one more idle visitor. The baseline sockets take
 * the one-time costs out (code compiled on first use, pools and caches filled), so the
 * figure is the slope, not the first connection's price. An idle visitor is what most of
 * a shop's open widgets are: a session, a socket, no conversation yet.
 */

export interface MemoryFigures {
  connections: number;
  /** Heap used after GC, per connection (bytes). */
  heapPerConnection: number;
  /** Resident set size, per connection (bytes): the heap plus buffers, sockets and allocator slack. */
  rssPerConnection: number;
  /** Memory outside the JS heap held by JS objects (Buffers, ws/zlib state), per connection (bytes). */
  externalPerConnection: number;
  /** Seconds to open the measured connections (sessions included for the gateway). */
  connectSeconds: number;
}

export async function memoryPhase(server: BenchChild, load: BenchChild, started: Started, opts: { baseline: number; measured: number }): Promise<MemoryFigures> {
  const connect = async (count: number) => {
    const r = await load.call<VisitorsReport>('visitors', { url: started.url, inbox: started.inbox, count, sessions: started.sessions, concurrency: 16, timeLimitMs: 60_000 }, 70_000);
    if (r.connected < count) throw new Error(`${started.label}: only ${r.connected} of ${count} widget sockets connected (${r.firstError ?? 'time limit'})`);
    await sleep(1500); // the connections' own follow-up work (room joins, a database read) settles
    return r;
  };
  await connect(opts.baseline);
  const before = await server.call<MemorySample>('memory');
  const measured = await connect(opts.measured);
  const after = await server.call<MemorySample>('memory');
  const per = (f: (m: MemorySample) => number) => (f(after) - f(before)) / opts.measured;
  return {
    connections: opts.measured,
    heapPerConnection: per((m) => m.heapUsed),
    rssPerConnection: per((m) => m.rss),
    externalPerConnection: per((m) => m.external),
    connectSeconds: measured.seconds,
  };
}
