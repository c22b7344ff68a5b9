import type { DomainEvent } from '../../src/core/domain-events';
import { DomainEventBus } from '../../src/core/event-bus';

const scope = { inboxId: 1, channel: 'widget', contactId: 1, teamId: null, agentId: null, at: new Date('2026-11-23T03:00:00Z'), actor: { type: 'contact' as const, id: null } };
const created = (conversationId: number): DomainEvent => ({ ...scope, conversationId, type: 'conversation.created', status: 'bot' });
const resolved = (conversationId: number): DomainEvent => ({ ...scope, conversationId, type: 'conversation.resolved', resolution: 'bot' } as unknown as DomainEvent);

describe('DomainEventBus after commit', () => {
  test('a slow listener (a database lookup) does not hold back another; each still sees events in order, across publishes', async () => {
    const errors: unknown[] = [];
    const bus = new DomainEventBus<never>((err) => errors.push(err));
    const slowSeen: number[] = [];
    const fastSeen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    bus.onCommit(async (e) => {
      if (e.conversationId === 1) await gate;
      slowSeen.push(e.conversationId);
    });
    bus.onCommit((e) => void fastSeen.push(e.conversationId));

    const first = bus.publishCommitted([created(1), created(2)]);
    const second = bus.publishCommitted([created(3)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(fastSeen).toEqual([1, 2, 3]); // pushed while the slow one still waits
    expect(slowSeen).toEqual([]);
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(firstDone).toBe(false); // resolves only once every listener has handled its events
    release();
    await Promise.all([first, second]);
    expect(slowSeen).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
  });

  test('types filter what a listener gets; a throwing listener is reported and the next event still reaches it', async () => {
    const errors: string[] = [];
    const bus = new DomainEventBus<never>((err, e) => errors.push(`${(err as Error).message}@${e.conversationId}`));
    const seen: string[] = [];
    bus.onCommit((e) => {
      if (e.conversationId === 5) throw new Error('boom');
      seen.push(`${e.type}:${e.conversationId}`);
    }, ['conversation.resolved']);
    await bus.publishCommitted([created(4), resolved(5), resolved(6)]);
    expect(seen).toEqual(['conversation.resolved:6']);
    expect(errors).toEqual(['boom@5']);
  });

  test('a listener subscribed `first` gets each event before the others, whenever it subscribed; the others keep their order', async () => {
    const bus = new DomainEventBus<never>(() => undefined);
    const seen: string[] = [];
    bus.onCommit(async (e) => {
      seen.push(`lookup:${e.conversationId}`);
      await Promise.resolve();
    });
    bus.onCommit((e) => void seen.push(`counter:${e.conversationId}`));
    bus.onCommit((e) => void seen.push(`push:${e.conversationId}`), undefined, { first: true });
    const unsubscribe = bus.onCommit((e) => void seen.push(`screen:${e.conversationId}`), undefined, { first: true });
    await bus.publishCommitted([created(7)]);
    expect(seen).toEqual(['push:7', 'screen:7', 'lookup:7', 'counter:7']);
    unsubscribe();
    seen.length = 0;
    await bus.publishCommitted([created(8)]);
    expect(seen).toEqual(['push:8', 'lookup:8', 'counter:8']);
  });
});
