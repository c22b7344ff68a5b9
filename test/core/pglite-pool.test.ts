import { sql } from 'kysely';
import { freshDataDir } from '../support/databases';
import { openStore, type Store } from '../../src/store/database';

/**
 * PGlite has one connection. Transactions queued for it run one at a time and must let
 * I/O in between them, or a burst of processing holds every socket (webhook acks) until
 * it ends.
 */
describe('embedded store connection hand-over', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ dataDir: await freshDataDir() });
  });
  afterEach(() => store.close());

  test('queued transactions run one at a time, and the event loop gets a turn between them', async () => {
    let finished = 0;
    let finishedWhenLoopRan: number | null = null;
    setImmediate(() => (finishedWhenLoopRan = finished));
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.db.transaction().execute(async (trx) => {
          maxInside = Math.max(maxInside, ++inside);
          for (let i = 0; i < 5; i++) await sql`select 1`.execute(trx);
          inside--;
          finished++;
        }),
      ),
    );
    expect(maxInside).toBe(1);
    expect(finishedWhenLoopRan).not.toBeNull();
    expect(finishedWhenLoopRan!).toBeLessThan(20);
  });
});
