import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { openStore } from '../../src/store/database';
import { durablePGlite, syncTree } from '../../src/store/pglite-durable';
import { recordingSync } from '../support/flushes';

/**
 * The embedded database flushes what it commits (src/store/pglite-durable.ts, decision
 * 0017). A power loss cannot be staged in a test; what can be seen is every flush
 * PostgreSQL asks for: which file, and that a commit does not return before it.
 */
describe('PGlite commits reach the disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-pglite-durable-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


  test('each commit flushes the write-ahead log before it returns; a read flushes nothing; a checkpoint flushes the data files', async () => {
    const flushed: string[] = [];
    const pg = await PGlite.create(durablePGlite(path.join(dir, 'pglite'), recordingSync(flushed)).options);
    try {
      expect((await pg.query<{ fsync: string }>('show fsync')).rows[0]?.fsync).toBe('on');
      await pg.exec('create table notes (id serial primary key, body text not null)');

      for (const body of ['Đơn hàng #1024 giao chưa ạ?', 'Shop ơi còn size M không', 'cảm ơn shop']) {
        flushed.length = 0;
        await pg.query('insert into notes (body) values ($1)', [body]);
        expect(flushed.some((f) => f.includes(`${path.sep}pg_wal${path.sep}`))).toBe(true);
      }

      flushed.length = 0;
      expect((await pg.query('select body from notes order by id')).rows).toHaveLength(3);
      expect(flushed).toEqual([]);

      flushed.length = 0;
      await pg.exec('checkpoint');
      expect(flushed.some((f) => f.includes(`${path.sep}base${path.sep}`))).toBe(true);
    } finally {
      await pg.close();
    }
  });

  test('a failed flush fails the commit instead of reporting it stored, and is reported', async () => {
    let failing = false;
    const durable = durablePGlite(path.join(dir, 'pglite'), (fd) => {
      if (failing) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      fs.fdatasyncSync(fd);
    });
    const pg = await PGlite.create(durable.options);
    await pg.exec('create table notes (id serial primary key, body text not null)');
    expect(durable.failedFlush()).toBeNull();
    failing = true;
    await expect(pg.query('insert into notes (body) values ($1)', ['mất điện'])).rejects.toThrow(/could not fsync file .*I\/O error/);
    // PostgreSQL has stopped (a PANIC) and would leave any later query waiting: the
    // embedded store's thread ends on this (src/store/pglite-worker.ts).
    expect(durable.failedFlush()?.message).toMatch(/EIO/);
  });

  test('the gateway opens the embedded store this way', async () => {
    const store = await openStore({ dataDir: dir });
    try {
      const show = async (name: string) => Object.values((await sql.raw<Record<string, string>>(`show ${name}`).execute(store.db)).rows[0] ?? {})[0];
      expect(await show('fsync')).toBe('on');
      expect(await show('wal_sync_method')).toBe('fsync');
    } finally {
      await store.close();
    }
  });

  test('syncTree flushes every file and directory of a tree once, and the tree\'s entry in its parent', () => {
    fs.mkdirSync(path.join(dir, 'base', '5'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
    fs.writeFileSync(path.join(dir, 'base', '5', '1259'), 'x');
    const flushed: string[] = [];
    syncTree(dir, recordingSync(flushed));
    expect([...flushed].sort()).toEqual([path.dirname(dir), dir, path.join(dir, 'PG_VERSION'), path.join(dir, 'base'), path.join(dir, 'base', '5'), path.join(dir, 'base', '5', '1259')].sort());
  });
});
