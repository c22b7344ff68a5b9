import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/database';
import { migrateToLatest } from '../../src/store/migrate';
import { PGliteThread } from '../../src/store/pglite-thread';

/** The embedded database on its own thread (src/store/pglite-thread.ts, pglite-worker.ts). */
describe('PGlite on its own thread', () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-pglite-thread-'));
    store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db as never);
  });
  afterAll(async () => {
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the gateway thread keeps running while a query runs', async () => {
    let answered = false;
    const slow = sql`select pg_sleep(1)`.execute(store.db).then(() => (answered = true));
    // A timer of the gateway's thread fires while the database is still busy: on the same
    // thread, the query would have finished first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    await slow;
    expect(answered).toBe(true);
  });

  test('a database error arrives with its SQLSTATE and constraint, and the next query works', async () => {
    const insert = () => sql`insert into agents (email, name, role, password_hash) values ('lan@anphat.vn', 'Lan', 'agent', 'x')`.execute(store.db);
    await insert();
    const err = await insert().then(() => null, (e: unknown) => e as Error & { code?: string; constraint?: string });
    expect(err).toBeInstanceOf(Error);
    expect(err?.code).toBe('23505');
    expect(err?.constraint).toBe('agents_email_key');
    expect(err?.message).toMatch(/duplicate key/);
    expect((await sql<{ n: number }>`select count(*) as n from agents`.execute(store.db)).rows[0]?.n).toBe(1);
  });

  test('values cross the threads as the drivers give them: int8 and numeric as numbers, dates, jsonb, arrays, bytea', async () => {
    const row = (await sql<{ n: number; d: number; t: Date; j: unknown; a: number[]; b: Uint8Array }>`
      select ${2 ** 40}::int8 as n, 1.5::numeric as d, ${new Date('2026-04-06T01:02:03.004Z')}::timestamptz as t,
             '{"text":"Chào bạn"}'::jsonb as j, ${[3, 1, 2]}::int[] as a, '\\x0102'::bytea as b`.execute(store.db)).rows[0]!;
    expect(row.n).toBe(2 ** 40);
    expect(row.d).toBe(1.5);
    expect(row.t).toEqual(new Date('2026-04-06T01:02:03.004Z'));
    expect(row.j).toEqual({ text: 'Chào bạn' });
    expect(row.a).toEqual([3, 1, 2]);
    expect([...row.b]).toEqual([1, 2]);
  });

  test('a directory PGlite cannot open fails the open with its error', async () => {
    const file = path.join(dir, 'not-a-directory');
    fs.writeFileSync(file, 'x');
    await expect(PGliteThread.open(path.join(file, 'pglite'))).rejects.toThrow();
  });

  test('after close, a query fails with a clear error instead of waiting forever', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-pglite-thread-'));
    const thread = await PGliteThread.open(path.join(other, 'pglite'));
    expect((await thread.query('select 1 as one', [])).rows).toEqual([{ one: 1 }]);
    await thread.close();
    await expect(thread.query('select 1', [])).rejects.toThrow(/embedded database's thread stopped/);
    fs.rmSync(other, { recursive: true, force: true });
  });
});
