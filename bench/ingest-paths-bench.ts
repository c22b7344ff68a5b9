import type { StoreKind } from '../src/store/database';
import { onBothStores, p50p99, type BenchPipeline } from './pipeline-fixture';

export interface PathFigures {
  kind: StoreKind;
  messages: number;
  fast: { p50: number; p99: number };
  /** The reference, measured in the same run: the general path (one transaction of six round trips). */
  general: { p50: number; p99: number };
}

/**
 * One inbound message's time in the pipeline (validation to after-commit listeners), by
 * path: the fast path (migration 0012's one statement) beside the general path. 50
 * contacts with an open conversation each; messages one after another (no contention),
 * the two paths taking turns in blocks of 50 so a slow moment of the machine falls on
 * both. The general path is forced the way the pipeline decides it: a transactional
 * listener registered on the bus. Bounded: `blocks × 50` messages.
 */
export function benchIngestPaths(blocks = 30): Promise<{ figures: PathFigures[]; notice: string | null }> {
  return onBothStores('ingest paths', (p) => measure(p, blocks));
}

async function measure({ store, bus, taken, send }: BenchPipeline, blocks: number): Promise<PathFigures> {
  for (let contact = 0; contact < 50; contact++) await send(contact); // contacts and conversations made
  const times = { fast: [] as number[], general: [] as number[] };
  for (let block = 0; block < blocks; block++) {
    const which = block % 2 === 0 ? 'fast' : 'general';
    const off = which === 'general' ? bus.onTransaction(async () => undefined) : null;
    for (let contact = 0; contact < 50; contact++) {
      const start = process.hrtime.bigint();
      await send(contact);
      times[which].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    off?.();
  }
  // Each path must have stored exactly its own messages, or the figures mean nothing.
  if (taken.fast !== times.fast.length || taken.general !== times.general.length + 50) throw new Error(`paths taken ${JSON.stringify(taken)}, expected fast ${times.fast.length}, general ${times.general.length + 50}`);
  return { kind: store.kind, messages: times.fast.length + times.general.length, fast: p50p99(times.fast), general: p50p99(times.general) };
}
