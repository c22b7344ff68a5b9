import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './schema';
import type { DomainEvent } from '../core/domain-events';
import type { DomainEventBus } from '../core/event-bus';
import { appendToEventLog } from './event-log';

export type Db = Kysely<Database>;

/**
 * One transaction plus the domain events it produced. `emit` appends the event to the
 * event log and runs the transactional listeners inside the transaction at once; the
 * events reach the after-commit listeners only when the transaction has committed.
 */
export class UnitOfWork {
  readonly events: DomainEvent[] = [];
  constructor(
    readonly db: Db,
    private readonly bus: DomainEventBus<Db>,
  ) {}

  async emit(event: DomainEvent): Promise<void> {
    await appendToEventLog(this.db, event);
    await this.bus.runTransactional(event, this.db);
    this.events.push(event);
  }

  /**
   * Serialize work on one key across transactions and nodes (PostgreSQL advisory lock,
   * released at commit). Used so two nodes never open two conversations for one contact.
   */
  async lockKey(key: string): Promise<void> {
    await sql`select ${keyLock(key)}`.execute(this.db);
  }
}

/** The expression that takes UnitOfWork.lockKey's lock, for statements that take it alongside a read. */
export function keyLock(key: string): RawBuilder<unknown> {
  return sql`pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

export async function inTransaction<T>(db: Db, bus: DomainEventBus<Db>, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  const { result, events } = await db.transaction().execute(async (trx) => {
    const uow = new UnitOfWork(trx, bus);
    const result = await work(uow);
    return { result, events: uow.events };
  });
  await bus.publishCommitted(events);
  return result;
}
