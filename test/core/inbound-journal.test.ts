import pino from 'pino';
import { ManualClock } from '../../src/core/clock';
import { GatewayError } from '../../src/core/errors';
import { allEvents, InboundJournal, type WebhookProcessor } from '../../src/pipeline/inbound-journal';
import type { Store } from '../../src/store/database';
import { testDatabases } from '../support/databases';

describe.each(testDatabases().map((d) => [d.kind, d] as const))('inbound journal on %s', (_kind, database) => {
  let store: Store;
  let clock: ManualClock;
  beforeEach(async () => {
    store = (await database.open()).store;
    clock = new ManualClock('2026-11-23T03:00:00Z');
  });
  afterEach(() => store.close());

  const journal = (processor: WebhookProcessor) =>
    new InboundJournal({ db: store.db, clock, logger: pino({ level: 'silent' }), processorOf: (c) => (c === 'test' ? processor : undefined), recoverAfterMs: 30_000, sweepEveryMs: 60_000, maxAttempts: 3, keepMs: 86_400_000 });
  const rows = () => store.db.selectFrom('inbound_events').selectAll().orderBy('id').execute();

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
