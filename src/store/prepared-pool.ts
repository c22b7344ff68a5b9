import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Pool, PoolClient, QueryResult } from 'pg';

const MARK = '/* prepared */';
const MAX_NAMES = 200;

/**
 * Appended to a statement (`.modifyEnd(keepPlan())`) that runs for every inbound message:
 * on PostgreSQL it is prepared once per connection and its plan kept, instead of parsed and
 * planned each time. For key lookups and inserts only — a kept (generic) plan can be a poor
 * one for range predicates, like the reports'. Measured in README, Benchmark figures.
 */
export function keepPlan(): RawBuilder<unknown> {
  return sql.raw(MARK);
}

/**
 * A `pg.Pool` for Kysely's PostgresDialect that gives statements marked with keepPlan() a
 * name, so node-postgres prepares each once per connection and afterwards only binds and
 * executes it (https://node-postgres.com/features/queries#prepared-statements). Unmarked
 * statements run as before.
 */
export class PreparedStatementPool {
  private readonly names = new Map<string, string>();
  private generation = 0;

  constructor(private readonly pool: Pool) {}

  async connect(): Promise<PreparingClient> {
    return new PreparingClient(await this.pool.connect(), this);
  }

  end(): Promise<void> {
    return this.pool.end();
  }

  nameOf(text: string): string | undefined {
    if (!text.endsWith(MARK)) return undefined;
    let name = this.names.get(text);
    // A marked statement built differently call by call would prepare without end: beyond a bound, run unnamed.
    if (name === undefined && this.names.size >= MAX_NAMES) return undefined;
    if (name === undefined) {
      name = `og_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}_${this.generation}`;
      this.names.set(text, name);
    }
    return name;
  }

  /**
   * A column was added to (or changed in) a table a kept statement reads with `*`, by a
   * newer node's migration: PostgreSQL refuses to run the old plan ("cached plan must not
   * change result type"). The failed statement's transaction is lost (its caller retries,
   * as after any database error); from now on every statement is prepared afresh under a
   * new name. https://www.postgresql.org/docs/15/sql-prepare.html
   */
  forgetPlans(): void {
    this.generation++;
    this.names.clear();
  }
}

class PreparingClient {
  constructor(
    private readonly client: PoolClient,
    private readonly pool: PreparedStatementPool,
  ) {}

  async query(text: string | object, values?: unknown[]): Promise<QueryResult> {
    // Kysely passes a text and its values; anything else (a cursor) goes through as is.
    if (typeof text !== 'string') return this.client.query(text as never);
    const name = this.pool.nameOf(text);
    if (!name) return this.client.query(text, values);
    try {
      return await this.client.query({ name, text, values });
    } catch (err) {
      if (isStalePlan(err)) this.pool.forgetPlans();
      throw err;
    }
  }

  release(err?: Error | boolean): void {
    this.client.release(err);
  }
}

function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}
