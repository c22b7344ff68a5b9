/** The embedded database as the pool uses it (pglite-thread.ts). */
export interface Queryable {
  query(sqlText: string, params: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
}

/**
 * A `pg.Pool`-shaped wrapper over one PGlite instance (on its own thread: pglite-thread.ts), so Kysely's own PostgresDialect
 * (the one used on a PostgreSQL server) drives the embedded database too: one
 * compiler, one set of queries. PGlite is a single connection, so `connect()` hands out
 * the one client at a time and queues the rest — a transaction keeps it until release.
 */
export class PGlitePool {
  private busy = false;
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly pg: Queryable) {}

  async connect(): Promise<PGliteClient> {
    if (this.busy) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.busy = true;
    return new PGliteClient(this.pg, () => this.release());
  }

  private release(): void {
    const next = this.waiters.shift();
    // Handing the connection straight on would let back-to-back transactions keep sockets
    // (incoming webhooks, their acknowledgements) waiting. Let I/O in between.
    if (next) setImmediate(next);
    else this.busy = false;
  }

  async end(): Promise<void> {
    // The owner closes PGlite itself (after a checkpoint); nothing to do per pool.
  }
}

class PGliteClient {
  private released = false;
  constructor(
    private readonly pg: Queryable,
    private readonly onRelease: () => void,
  ) {}

  async query(sqlText: string, params: readonly unknown[] = []): Promise<{ command: string; rowCount: number; rows: unknown[] }> {
    const result = await this.pg.query(sqlText, params as unknown[]);
    return { command: commandOf(sqlText), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease();
  }
}

/** The statement's verb, as pg reports it in `result.command` (Kysely reads it for affected-row counts). */
function commandOf(sqlText: string): string {
  const verb = /^\s*(\w+)/.exec(sqlText)?.[1]?.toUpperCase() ?? '';
  if (verb !== 'WITH') return verb;
  const last = /\)\s*(insert|update|delete|select|merge)\b[^)]*$/i.exec(sqlText)?.[1];
  return last ? last.toUpperCase() : 'SELECT';
}
