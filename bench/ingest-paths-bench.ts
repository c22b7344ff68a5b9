import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../src/core/clock';
import { DomainEventBus } from '../src/core/event-bus';
import { IngestPipeline } from '../src/pipeline/ingest';
import { openStore, type StoreKind } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { createInbox } from '../src/store/repos/inboxes';
import type { Db } from '../src/store/unit-of-work';
import { percentile } from './socket-load';
import { startBenchPostgres } from './pg-cluster';

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
export async function benchIngestPaths(blocks = 30): Promise<{ figures: PathFigures[]; notice: string | null }> {
  const figures = [await measure(undefined, blocks)];
  const pg = await startBenchPostgres();
  if (typeof pg === 'string') return { figures, notice: `ingest paths on PostgreSQL skipped: ${pg}` };
  try {
    figures.push(await measure(pg.url, blocks));
  } finally {
    pg.stop();
  }
  return { figures, notice: null };
}

async function measure(databaseUrl: string | undefined, blocks: number): Promise<PathFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-bench-paths-'));
  const store = await openStore({ dataDir, databaseUrl });
  try {
    await migrateToLatest(store.db as never);
    await createInbox(store.db, { channel: 'bench', accountId: 'bench-page', name: 'Bench' });
    const bus = new DomainEventBus<Db>(() => undefined);
    const taken = { fast: 0, general: 0 };
    const pipeline = new IngestPipeline({ db: store.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), reopenWindowMs: 7 * 86_400_000, onStored: (p) => void taken[p]++ });
    let seq = 0;
    const send = (contact: number) =>
      pipeline.ingest({ kind: 'message', channel: 'bench', accountId: 'bench-page', externalUserId: `user-${contact}`, externalId: `mid-${++seq}`, sentAt: new Date(), content: { type: 'text', text: `Cho mình hỏi đơn hàng số ${seq}` } });
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
    const figure = (values: number[]) => {
      const sorted = values.sort((a, b) => a - b);
      return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
    };
    return { kind: store.kind, messages: times.fast.length + times.general.length, fast: figure(times.fast), general: figure(times.general) };
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
