import fs from 'node:fs';
import path from 'node:path';
import { makeDirectoryDurably } from '../core/durable-file';
import { GatewayError } from '../core/errors';

/**
 * One process per embedded database. PGlite has no lock of its own and two writers
 * would corrupt the files, so the first process writes `omnigate.lock` (O_EXCL) with
 * its pid; a second one finds a live pid there and stops with a clear error. A lock
 * left by a dead process (kill -9) is taken over.
 */
export interface DataDirLock {
  readonly file: string;
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  makeDirectoryDurably(dataDir);
  const file = path.join(dataDir, 'omnigate.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      fs.closeSync(fd);
      return { file, release: () => releaseIfOurs(file) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new GatewayError(
          'GW_ERR_DATA_DIR_LOCKED',
          `DATA_DIR ${path.resolve(dataDir)} is in use by another Omnigate process (pid ${holder.pid}, since ${holder.startedAt}). ` +
            'Stop that process, or give this one another DATA_DIR (or a DATABASE_URL).',
        );
      }
      fs.rmSync(file, { force: true }); // stale: its process is gone
    }
  }
  throw new GatewayError('GW_ERR_DATA_DIR_LOCKED', `could not lock ${file}`);
}

function readHolder(file: string): { pid: number; startedAt: string } | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { pid?: unknown; startedAt?: unknown };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt) } : null;
  } catch {
    return null; // unreadable or half-written: treat as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(file: string): void {
  const holder = readHolder(file);
  if (holder?.pid === process.pid) fs.rmSync(file, { force: true });
}
