import { sql } from 'kysely';
import type { Store } from '../store/database';

/**
 * Runs a periodic job's pass on one node at a time: on PostgreSQL the pass holds a
 * transaction-level advisory lock named after the job (`pg_try_advisory_xact_lock`);
 * a node that cannot take it skips this pass (another node is doing it). The embedded
 * database belongs to one process by construction (src/store/data-dir-lock.ts): there
 * the pass just runs. Used where a pass has effects outside the database that would
 * otherwise repeat per node (wait alerts broadcast through Redis) or where every node
 * doing the same scan is waste (auto-resolve).
 */
export type JobLock = <T>(job: string, pass: () => Promise<T>) => Promise<T | undefined>;

const JOB_LOCK_CLASS = 80_011;

export function createJobLock(store: Pick<Store, 'db' | 'kind'>): JobLock {
  return async (job, pass) => {
    if (store.kind !== 'postgres') return pass();
    // The lock lives as long as this transaction; the pass itself uses other connections.
    return store.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ got: boolean }>`select pg_try_advisory_xact_lock(${JOB_LOCK_CLASS}, hashtext(${job})) as got`.execute(trx);
      return rows[0]?.got ? pass() : undefined;
    });
  };
}
