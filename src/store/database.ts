import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types as pgTypes } from 'pg';
import type { Database } from './schema';
import { PGlitePool } from './pglite-pool';
import { PGliteThread } from './pglite-thread';
import { INT8_OID, NUMERIC_OID } from './pglite-wire';
import { PreparedStatementPool } from './prepared-pool';
import { lockDataDir, type DataDirLock } from './data-dir-lock';

export type StoreKind = 'pglite' | 'postgres';

/** An open database: the query builder plus how to check and close it. */
export interface Store {
  readonly db: Kysely<Database>;
  /**
   * For the inbound journal's INSERTs (a webhook's acknowledgement waits for them): on
   * PostgreSQL a connection of its own, so they never queue for a connection behind
   * processing transactions; on PGlite (one connection) the same as `db`.
   */
  readonly intake: Kysely<Database>;
  readonly kind: StoreKind;
  /** Throws when the database does not answer. */
  ping(): Promise<void>;
  /** Checkpoint (embedded) and close; idempotent. */
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Unset: embedded PGlite under dataDir. */
  databaseUrl?: string | undefined;
  dataDir: string;
  /** Pool size on PostgreSQL. */
  poolSize?: number;
  /**
   * On PostgreSQL, keep the plans of the statements marked with keepPlan() (prepared once per
   * connection; default true). Off behind a pooler that spreads one client's statements over
   * several server connections (PgBouncer in transaction mode before 1.21).
   */
  preparedStatements?: boolean;
}

// int8 (ids of big tables, count(*)) and numeric as JS numbers on both drivers, so
// results look the same whichever database runs (PGlite's parsers: pglite-worker.ts).
// Values stay far below 2^53.

export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.preparedStatements ?? true) : openEmbedded(options.dataDir);
}

async function openPostgres(url: string, max: number, prepared: boolean): Promise<Store> {
  const open = (size: number) => {
    const pool = new Pool({
      connectionString: url,
      max: size,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID || oid === NUMERIC_OID ? Number : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
      },
    });
    // An idle client losing its server connection must not crash the process.
    pool.on('error', () => undefined);
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: prepared ? (new PreparedStatementPool(pool) as never) : pool }) });
  };
  const db = open(max);
  // The journal stores one batch of bodies at a time (group commit): one connection is enough.
  const intake = open(1);
  let closed = false;
  return {
    db,
    intake,
    kind: 'postgres',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([db.destroy(), intake.destroy()]);
    },
  };
}

async function openEmbedded(dataDir: string): Promise<Store> {
  const lock: DataDirLock = lockDataDir(dataDir);
  let pg: PGliteThread;
  try {
    pg = await PGliteThread.open(path.join(dataDir, 'pglite'));
  } catch (err) {
    lock.release();
    throw err;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new PGlitePool(pg) as never }) });
  let closed = false;
  return {
    db,
    intake: db,
    kind: 'pglite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await db.destroy();
        await pg.close(); // checkpoints first
      } finally {
        lock.release();
      }
    },
  };
}
