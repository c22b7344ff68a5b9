import type { DomainEvent, DomainEventType } from './domain-events';

/**
 * Two kinds of listeners on domain events:
 * - transactional: run inside the transaction that caused the event, so what they
 *   write (the event log, rollups) commits or rolls back with it. A throw aborts it.
 * - after-commit: run once the change is durable (bot, realtime push, counters). A
 *   throw is reported to `onListenerError` and never undoes the change.
 */
export type TransactionalListener<Tx> = (event: DomainEvent, tx: Tx) => Promise<void>;
export type CommitListener = (event: DomainEvent) => void | Promise<void>;

export class DomainEventBus<Tx> {
  private readonly transactional: TransactionalListener<Tx>[] = [];
  private readonly committed: { types: ReadonlySet<DomainEventType> | null; listener: CommitListener }[] = [];

  constructor(private readonly onListenerError: (err: unknown, event: DomainEvent) => void) {}

  onTransaction(listener: TransactionalListener<Tx>): () => void {
    this.transactional.push(listener);
    return () => remove(this.transactional, listener);
  }

  /** Subscribe after commit; pass types to receive only those. */
  onCommit(listener: CommitListener, types?: readonly DomainEventType[]): () => void {
    const entry = { types: types ? new Set(types) : null, listener };
    this.committed.push(entry);
    return () => remove(this.committed, entry);
  }

  async runTransactional(event: DomainEvent, tx: Tx): Promise<void> {
    for (const listener of this.transactional) await listener(event, tx);
  }

  /** Deliver committed events in order; each listener sees them in emission order. */
  async publishCommitted(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      for (const { types, listener } of [...this.committed]) {
        if (types && !types.has(event.type)) continue;
        try {
          await listener(event);
        } catch (err) {
          this.onListenerError(err, event);
        }
      }
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
