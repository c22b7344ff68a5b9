import type { DomainEvent, DomainEventType } from './domain-events';

/**
 * Two kinds of listeners on domain events:
 * - transactional: run inside the transaction that caused the event, so what they
 *   write commits or rolls back with it. A throw aborts it. (The event log itself is
 *   written by the store's UnitOfWork, not by a listener.)
 * - after-commit: run once the change is durable (bot, realtime push, counters). A
 *   throw is reported to `onListenerError` and never undoes the change.
 */
export type TransactionalListener<Tx> = (event: DomainEvent, tx: Tx) => Promise<void>;
export type CommitListener = (event: DomainEvent) => void | Promise<void>;

export class DomainEventBus<Tx> {
  private readonly transactional: TransactionalListener<Tx>[] = [];
  private readonly committed: { types: ReadonlySet<DomainEventType> | null; listener: CommitListener; first: boolean; tail: Promise<void> }[] = [];

  constructor(private readonly onListenerError: (err: unknown, event: DomainEvent) => void) {}

  onTransaction(listener: TransactionalListener<Tx>): () => void {
    this.transactional.push(listener);
    return () => remove(this.transactional, listener);
  }

  /**
   * Subscribe after commit; pass types to receive only those. `first`: handed each event
   * before every listener that is not — the agents' realtime push, so that no other
   * listener's work (a lookup it starts, a counter it updates) comes between the commit
   * and the people waiting for the message (issue #9's delivery latency).
   */
  onCommit(listener: CommitListener, types?: readonly DomainEventType[], opts: { first?: boolean } = {}): () => void {
    const entry = { types: types ? new Set(types) : null, listener, first: opts.first === true, tail: Promise.resolve() };
    const firstOfTheRest = this.committed.findIndex((e) => !e.first);
    if (entry.first && firstOfTheRest >= 0) this.committed.splice(firstOfTheRest, 0, entry);
    else this.committed.push(entry);
    return () => remove(this.committed, entry);
  }

  /** The inbound fast path (src/pipeline/ingest.ts) runs no transactional listener: it is taken only when there is none. */
  get hasTransactionalListeners(): boolean {
    return this.transactional.length > 0;
  }

  async runTransactional(event: DomainEvent, tx: Tx): Promise<void> {
    for (const listener of this.transactional) await listener(event, tx);
  }

  /**
   * Deliver committed events. Each listener sees them one at a time, in emission order
   * (across calls too); listeners do not wait for one another, so one that looks something
   * up in the database never holds back another (the agents' realtime push). Resolves once
   * every listener has handled them.
   */
  async publishCommitted(events: readonly DomainEvent[]): Promise<void> {
    const handled: Promise<void>[] = [];
    for (const entry of [...this.committed]) {
      const mine = entry.types ? events.filter((e) => entry.types!.has(e.type)) : events;
      if (mine.length === 0) continue;
      entry.tail = entry.tail.then(async () => {
        for (const event of mine) {
          try {
            await entry.listener(event);
          } catch (err) {
            this.onListenerError(err, event);
          }
        }
      });
      handled.push(entry.tail);
    }
    await Promise.all(handled);
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
