import pino from 'pino';
import type { KyselyPlugin } from 'kysely';
import { ManualClock } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import { allEvents, InboundJournal, type WebhookProcessor } from '../../src/pipeline/inbound-journal';
import type { Store } from '../../src/store/database';
import { testDatabases } from '../support/databases';
import { waitFor } from '../support/wait';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('inbound journal on %s', (_kind, database) => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(async () => {
    store = (await database.open()).store;
    clock = new ManualClock('2026-11-23T03:00:00Z');
  });
  afterEach(() => store.close());

  const journal = (processor: WebhookProcessor, more: Partial<ConstructorParameters<typeof InboundJournal>[0]> = {}) =>
    new InboundJournal({ db: store.db, clock, logger: pino({ level: 'silent' }), processorOf: (c) => (c === 'test' ? processor : undefined), recoverAfterMs: 30_000, sweepEveryMs: 60_000, maxAttempts: 3, keepMs: 86_400_000, ...more });
  const rows = () => store.db.selectFrom('inbound_events').selectAll().orderBy('id').execute();
  /** The store's db, counting the INSERT statements sent through it. */
  const countingInserts = () => {
    const counter = { inserts: 0 };
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === 'InsertQueryNode') counter.inserts++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    return { db: store.db.withPlugin(plugin), counter };
  };

  test('bodies arriving together share one INSERT (group commit); each accept resolves only once its row is committed; processing follows arrival order', async () => {
    const seen: string[] = [];
    const intake = countingInserts();
    const j = journal(async (body) => void seen.push(body), { intakeDb: intake.db });
    const bodies = Array.from({ length: 20 }, (_, i) => `{"n":${i}}`);
    // Seen from the main db (another connection on PostgreSQL): the row is there when its accept resolves.
    const stored = await Promise.all(bodies.map((b) => j.accept('test', b, clock.now()).then(() => store.db.selectFrom('inbound_events').select('body').where('body', '=', b).executeTakeFirst())));
    expect(stored.map((r) => r?.body)).toEqual(bodies);
    // The first body went alone; the 19 that came while it was committing went together.
    expect(intake.counter.inserts).toBe(2);
    await j.stop();
    expect(seen).toEqual(bodies);
    const all = await rows();
    expect(all.map((r) => r.body)).toEqual(bodies); // ids in arrival order
    expect(all.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });

  test('a batch that cannot be stored fails every request in it (no 200 for any), and nothing of it is processed', async () => {
    const seen: string[] = [];
    const j = journal(async (body) => void seen.push(body));
    // The first body goes alone; the next two share an INSERT that PostgreSQL refuses (text cannot hold NUL).
    const results = await Promise.allSettled([j.accept('test', '{"a":1}', clock.now()), j.accept('test', 'b\u0000', clock.now()), j.accept('test', '{"c":3}', clock.now())]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    await j.stop();
    expect(seen).toEqual(['{"a":1}']);
    expect((await rows()).map((r) => r.body)).toEqual(['{"a":1}']);
  });

  test('at most maxProcessing bodies are processed at once; the others wait in order with their lease renewed by the sweep, which leaves them alone', async () => {
    const started: string[] = [];
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const j = journal(
      async (body) => {
        started.push(body);
        await gate;
      },
      { maxProcessing: 2 },
    );
    const bodies = Array.from({ length: 5 }, (_, i) => `{"n":${i}}`);
    await Promise.all(bodies.map((b) => j.accept('test', b, clock.now())));
    await waitFor(() => started.length === 2 || undefined);
    clock.advance(31_000); // past the lease given at the INSERT
    await j.sweep();
    expect(started).toEqual(bodies.slice(0, 2)); // nothing taken over
    expect((await rows()).every((r) => r.status === 'pending' && r.attempts === 1 && r.lease_until!.getTime() > clock.now().getTime())).toBe(true);
    open();
    await j.stop();
    expect(started).toEqual(bodies);
    expect((await rows()).map((r) => r.status)).toEqual(bodies.map(() => 'done'));
  });

  test('stores the body before processing it, and marks it done', async () => {
    const seen: string[] = [];
    const j = journal(async (body) => void seen.push(body));
    await j.accept('test', '{"a":"b\\u00e4"}', clock.now());
    await j.stop();
    expect(seen).toEqual(['{"a":"b\\u00e4"}']);
    expect(await rows()).toEqual([expect.objectContaining({ body: '{"a":"b\\u00e4"}', status: 'done', attempts: 1, last_error: null })]);
  });

  test('a retryable failure is retried by the sweep once its lease lapses, up to the limit, then kept as failed with the reason', async () => {
    let calls = 0;
    const j = journal(async () => {
      calls++;
      throw new GatewayError('GW_ERR_INTERNAL', 'database hiccup');
    });
    await j.accept('test', '{}', clock.now());
    await j.sweep(); // lease still held: nothing taken over
    expect(calls).toBe(1);
    clock.advance(31_000);
    await j.sweep();
    expect(calls).toBe(2);
    expect((await rows())[0]).toMatchObject({ status: 'pending', attempts: 2, last_error: 'GW_ERR_INTERNAL: database hiccup' });
    clock.advance(31_000);
    await j.sweep();
    clock.advance(31_000);
    await j.sweep();
    expect(calls).toBe(3);
    expect((await rows())[0]).toMatchObject({ status: 'failed', attempts: 3 });
    await j.stop();
  });

  test('a permanent error fails at once; processed rows are purged after the retention time', async () => {
    const j = journal(async () => {
      throw new GatewayError('GW_ERR_UNKNOWN_INBOX', 'no inbox for this account');
    });
    await j.accept('test', '{}', clock.now());
    await j.stop();
    expect((await rows())[0]).toMatchObject({ status: 'failed', attempts: 1 });
    clock.advance(86_400_000 + 1);
    await journal(async () => undefined).sweep();
    expect(await rows()).toEqual([]);
  });

  test('a channel without a processor cannot accept bodies (nothing stored)', async () => {
    await expect(journal(async () => undefined).accept('other', '{}', clock.now())).rejects.toThrow(/cannot process/);
    expect(await rows()).toEqual([]);
  });
});

describe('allEvents', () => {
  test('waits for every event and prefers a retryable failure', async () => {
    const order: string[] = [];
    const slow = new Promise<void>((r) => setTimeout(() => (order.push('slow'), r()), 30));
    const permanent = Promise.reject(new GatewayError('GW_ERR_VALIDATION', 'bad'));
    const transient = Promise.reject(new GatewayError('GW_ERR_CHANNEL_TRANSIENT', 'later'));
    await expect(allEvents([permanent, slow, transient])).rejects.toMatchObject({ code: 'GW_ERR_CHANNEL_TRANSIENT' });
    expect(order).toEqual(['slow']);
    await expect(allEvents([Promise.resolve()])).resolves.toBeUndefined();
  });
});
