import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { openStore, type Store, type StoreKind } from '../../src/store/database';
import { migrateToLatest } from '../../src/store/migrate';

/**
 * Every store test runs on both the embedded PGlite and a real PostgreSQL 15 (started
 * by the global setup). Each `open()` gives a fresh, migrated database.
 */
export interface TestDatabase {
  kind: StoreKind;
  /** A fresh migrated store; `dataDir` for embedded ones (reopen it to test restarts). */
  open(): Promise<{ store: Store; dataDir: string; databaseUrl: string | undefined }>;
}

const pgUrl = process.env.OMNIGATE_TEST_PG_URL;
const tmpRoot = fs.mkdtempSync(path.join(process.env.OMNIGATE_TEST_TMP ?? os.tmpdir(), 'omnigate-test-'));
let template: Promise<string> | null = null;

/** A migrated PGlite directory made once per worker and copied for each test (initdb is slow). */
function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = path.join(tmpRoot, 'template');
    const store = await openStore({ dataDir: dir });
    await migrateToLatest(store.db as never);
    await store.close();
    return dir;
  })();
  return template;
}

export async function freshDataDir(): Promise<string> {
  const dir = path.join(tmpRoot, randomUUID());
  fs.cpSync(await pgliteTemplate(), dir, { recursive: true });
  return dir;
}

export async function freshPostgresUrl(): Promise<string> {
  if (!pgUrl) throw new Error('PostgreSQL test server not running');
  const name = `og_${randomUUID().replace(/-/g, '')}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const embedded: TestDatabase = {
  kind: 'pglite',
  open: async () => {
    const dataDir = await freshDataDir();
    return { store: await openStore({ dataDir }), dataDir, databaseUrl: undefined };
  },
};

const postgres: TestDatabase = {
  kind: 'postgres',
  open: async () => {
    const databaseUrl = await freshPostgresUrl();
    const dataDir = path.join(tmpRoot, randomUUID());
    const store = await openStore({ databaseUrl, dataDir });
    await migrateToLatest(store.db as never);
    return { store, dataDir, databaseUrl };
  },
};

export const postgresAvailable = Boolean(pgUrl);

/** The databases to run store tests on: PGlite always, PostgreSQL when the harness started it. */
export function testDatabases(): TestDatabase[] {
  if (!postgresAvailable) {
    if (process.env.CI === 'true') throw new Error('CI=true but no PostgreSQL test server: refusing to skip');
    console.warn('[omnigate tests] PostgreSQL unavailable: running on PGlite only');
    return [embedded];
  }
  return [embedded, postgres];
}
