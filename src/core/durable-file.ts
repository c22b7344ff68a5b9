import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * Flushes an open file to the disk; by default `fdatasync(2)` (the data and the size
 * needed to read it back — PostgreSQL's own choice for its write-ahead log on Linux).
 */
export type SyncFile = (fd: number) => void;

export const fdatasync: SyncFile = (fd) => fs.fdatasyncSync(fd);

/** Flushes the file or directory at `p`. */
export function syncPath(p: string, sync: SyncFile = fdatasync): void {
  const fd = fs.openSync(p, 'r');
  try {
    sync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Creates `dir` and any missing parent, then flushes each new directory's entry in its
 * parent, so that the tree survives a power cut. An existing directory costs one stat.
 */
export function makeDirectoryDurably(dir: string, sync: SyncFile = fdatasync): void {
  const first = fs.mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let created = path.resolve(dir); ; created = path.dirname(created)) {
    syncPath(path.dirname(created), sync);
    if (created === path.resolve(first)) return;
  }
}

export interface DurableWrite {
  mode?: number;
  /** An existing file is an `EEXIST` error and stays as it was (otherwise it is replaced). */
  exclusive?: boolean;
}

/**
 * Writes `file` so that it survives a power cut once the promise resolves: the data goes
 * to a temporary name and is flushed, is linked (exclusive) or renamed into place, and the
 * directory holding the new name is flushed. The name never points at a half-written file.
 * The flushes run on libuv's threads: the event loop goes on meanwhile.
 */
export async function writeFileDurably(file: string, data: string | Buffer, options: DurableWrite = {}): Promise<void> {
  const temporary = temporaryName(file);
  try {
    const handle = await fsp.open(temporary, 'wx', options.mode ?? 0o666);
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await (options.exclusive ? fsp.link(temporary, file) : fsp.rename(temporary, file));
  } finally {
    await fsp.rm(temporary, { force: true });
  }
  const dir = await fsp.open(path.dirname(file), 'r');
  try {
    await dir.datasync();
  } finally {
    await dir.close();
  }
}

/** `writeFileDurably` for start-up code that runs before the event loop matters; `sync` is what flushes (tests record it). */
export function writeFileDurablySync(file: string, data: string | Buffer, options: DurableWrite = {}, sync: SyncFile = fdatasync): void {
  const temporary = temporaryName(file);
  try {
    const fd = fs.openSync(temporary, 'wx', options.mode ?? 0o666);
    try {
      fs.writeFileSync(fd, data);
      sync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (options.exclusive) fs.linkSync(temporary, file);
    else fs.renameSync(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  syncPath(path.dirname(file), sync);
}

function temporaryName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
}
