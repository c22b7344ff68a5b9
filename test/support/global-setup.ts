import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findPgBin, startCluster } from './postgres-cluster';

/**
 * Starts one throwaway PostgreSQL cluster for the whole run; each test file creates its
 * own database in it. Where PostgreSQL is missing, tests that need it skip with a
 * notice — except in CI (CI=true), where a missing service is a failure.
 */
export default async function globalSetup(): Promise<void> {
  const stateFile = path.join(os.tmpdir(), `omnigate-jest-${process.pid}.json`);
  process.env.OMNIGATE_TEST_STATE = stateFile;
  // Every data directory the run's tests make lives under one root, removed by the teardown
  // (each test file's PGlite copies take hundreds of MB: a run must not fill the disk).
  process.env.OMNIGATE_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-run-'));
  if (process.env.OMNIGATE_TEST_PG === '0') return;
  if (!findPgBin()) {
    if (process.env.CI === 'true') throw new Error('CI: PostgreSQL 15 is required for the test suite but was not found');
    console.warn('\n[omnigate tests] PostgreSQL server not found: PostgreSQL variants will be skipped.\n');
    return;
  }
  const cluster = await startCluster();
  process.env.OMNIGATE_TEST_PG_URL = cluster.url;
  fs.writeFileSync(stateFile, JSON.stringify({ pgDir: cluster.dir, url: cluster.url }));
  (globalThis as { __omnigateCluster?: { stop(): void } }).__omnigateCluster = cluster;
}
