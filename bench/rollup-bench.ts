import { RollupWriter, rollupBatchFor } from '../src/reports/rollup-writer';
import type { StoreKind } from '../src/store/database';
import { onBothStores, p50p99, type BenchPipeline } from './pipeline-fixture';

export interface RollupFigures {
  kind: StoreKind;
  /** Messages per conversation when measured (on average: the measured ones add to it). */
  history: number;
  /** One rewrite of BATCH conversations, each with one new message, by the gateway's running writer. */
  warm: { p50: number; p99: number };
  /** The reference, same run, same conversations: a writer that has read none of them before (whole logs read). */
  cold: { p50: number; p99: number };
}

const CONTACTS = 200;
/** Conversations per rewrite: the delivery bench's second of traffic (20 messages over 200 conversations). */
export const BATCH = 19;
const ROUNDS = 40;

/**
 * What the report rollups cost the database once a second (issue #9: on PGlite they hold
 * the one connection inbound messages need): a rewrite of 19 conversations that each got
 * one message, as the delivery bench's traffic makes them, after 7 and after 30 messages
 * per conversation — a rewrite costs what changed, not the conversation's length
 * (conversation-log-cache.ts, planActivity). Beside it, in the same run, the same
 * rewrite by a writer meeting the conversations for the first time (a restarted node,
 * another node): whole logs read. Rounds alternate the two. Bounded: 200 contacts ×
 * 30 messages, 2 × 40 rewrites per history.
 */
export function benchRollups(): Promise<{ figures: RollupFigures[][]; notice: string | null }> {
  return onBothStores('rollups', measure);
}

async function measure({ store, logger, send: ingest }: BenchPipeline): Promise<RollupFigures[]> {
  // Timers never fire: each rewrite is one flush(), timed. Batched as the gateway batches on this store.
  const newWriter = () => new RollupWriter({ db: store.db, logger, delayMs: 2 ** 30, batchSize: rollupBatchFor(store.kind) });
  const writer = newWriter();
  const conversationOf = new Map<number, number>();
  let sent = 0;
  const send = async (contact: number) => {
    const r = await ingest(contact);
    sent++;
    if (!r.conversationId) throw new Error('bench message not stored');
    conversationOf.set(contact, r.conversationId);
  };
  const out: RollupFigures[] = [];
  let next = 0;
  for (const target of [7, 30]) {
    while (sent < target * CONTACTS) await send(next++ % CONTACTS);
    await writer.rebuild();
    const times = { warm: [] as number[], cold: [] as number[] };
    for (let round = 0; round < 2 * ROUNDS; round++) {
      const which = round % 2 === 0 ? 'warm' : 'cold';
      const contacts = Array.from({ length: BATCH }, () => next++ % CONTACTS);
      for (const c of contacts) await send(c);
      const w = which === 'warm' ? writer : newWriter();
      for (const c of contacts) w.schedule(conversationOf.get(c)!);
      const start = process.hrtime.bigint();
      await w.flush();
      times[which].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    out.push({ kind: store.kind, history: target, warm: p50p99(times.warm), cold: p50p99(times.cold) });
  }
  await writer.stop();
  return out;
}
