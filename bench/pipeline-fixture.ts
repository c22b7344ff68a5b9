import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { systemClock } from '../src/core/clock';
import { DomainEventBus } from '../src/core/event-bus';
import { IngestPipeline } from '../src/pipeline/ingest';
import { openStore, type Store, type StoreKind } from '../src/store/database';
import { migrateToLatest } from '../src/store/migrate';
import { createInbox } from '../src/store/repos/inboxes';
import type { Db } from '../src/store/unit-of-work';
import { percentile } from './socket-load';
import { startBenchPostgres } from './pg-cluster';

/** What the pipeline benches (paths, rollups) work with: a fresh store, one inbox, the ingest pipeline. */
export interface BenchPipeline {
  store: Store;
  bus: DomainEventBus<Db>;
  logger: Logger;
  /** Messages stored by each path so far. */
  taken: { fast: number; general: number };
  /** One text message from contact number `contact` (a contact and conversation the first time). */
  send(contact: number): ReturnType<IngestPipeline['ingest']>;
}

/**
 * Runs `measure` on a fresh embedded PGlite store, then on a throwaway PostgreSQL when one
 * can be started (a notice saying why not otherwise). Each store is removed afterwards.
 */
export async function onBothStores<T>(what: string, measure: (p: BenchPipeline) => Promise<T>): Promise<{ figures: T[]; notice: string | null }> {
  const figures = [await withPipeline(undefined, measure)];
  const pg = await startBenchPostgres();
  if (typeof pg === 'string') return { figures, notice: `${what} on PostgreSQL skipped: ${pg}` };
  try {
    figures.push(await withPipeline(pg.url, measure));
  } finally {
    pg.stop();
  }
  return { figures, notice: null };
}

async function withPipeline<T>(databaseUrl: string | undefined, measure: (p: BenchPipeline) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-bench-pipeline-'));
  const store = await openStore({ dataDir, databaseUrl });
  try {
    await migrateToLatest(store.db as never);
    await createInbox(store.db, { channel: 'bench', accountId: 'bench-page', name: 'Bench' });
    const bus = new DomainEventBus<Db>(() => undefined);
    const logger = pino({ level: 'silent' });
    const taken = { fast: 0, general: 0 };
    const pipeline = new IngestPipeline({ db: store.db, bus, clock: systemClock, logger, reopenWindowMs: 7 * 86_400_000, onStored: (p) => void taken[p]++ });
    let seq = 0;
    const send = (contact: number) =>
      pipeline.ingest({ kind: 'message', channel: 'bench', accountId: 'bench-page', externalUserId: `user-${contact}`, externalId: `mid-${++seq}`, sentAt: new Date(), content: { type: 'text', text: `Cho mình hỏi đơn hàng số ${seq}` } });
    return await measure({ store, bus, logger, taken, send });
  } finally {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Nearest-rank p50 and p99 of some timings (sorts them). */
export function p50p99(values: number[]): { p50: number; p99: number } {
  const sorted = values.sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** How a store is named in the figures. */
export function storeLabel(kind: StoreKind): string {
  return kind === 'postgres' ? 'PostgreSQL' : 'embedded PGlite';
}
