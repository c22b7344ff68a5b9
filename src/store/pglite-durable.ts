import fs from 'node:fs';
import path from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { fdatasync, syncPath, type SyncFile } from '../core/durable-file';

/** PGlite's options for a durable data directory, and what became of its flushes. */
export interface DurablePGlite {
  options: PGliteOptions;
  /**
   * The first flush that failed, if any. PostgreSQL fails that commit, then stops (a PANIC:
   * it does not go on with data it cannot vouch for, `data_sync_retry = off`) and answers
   * no later query; the caller must stop using this instance.
   */
  failedFlush(): Error | null;
}

/**
 * PGlite for a data directory whose commits survive a power loss, as on a PostgreSQL
 * server (decision 0017). PGlite as it ships flushes nothing:
 * - it starts PostgreSQL with `-F` (`fsync = off`; `PGlite.defaultStartParams`);
 * - even with `fsync = on`, Emscripten's Node filesystem (NODEFS) has no `fsync` stream
 *   operation, so PostgreSQL's `fsync()` reaches nothing, and its `fdatasync()` syscall is
 *   a no-op that only checks the descriptor.
 * So PostgreSQL runs with fsync on and `wal_sync_method = fsync` (the call that reaches the
 * filesystem), and NODEFS gets an `fsync` that flushes the real file. A commit then waits
 * for its write-ahead log on disk, and a checkpoint for the data files it wrote.
 */
export function durablePGlite(dir: string, sync: SyncFile = fdatasync): DurablePGlite {
  let failure: Error | null = null;
  const watched: SyncFile = (fd) => {
    try {
      sync(fd);
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
      throw err;
    }
  };
  return {
    options: {
      fs: new DurableNodeFS(dir, watched),
      startParams: [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'],
    },
    failedFlush: () => failure,
  };
}

/** What of Emscripten's NODEFS this needs (its stream operations are shared by every file node). */
interface NodeFsInternals {
  stream_ops: { fsync?: (stream: { nfd?: number }) => number };
  tryFSOperation<T>(f: () => T): T;
}

class DurableNodeFS extends NodeFS {
  constructor(
    dir: string,
    private readonly sync: SyncFile,
  ) {
    super(dir);
  }

  override async init(...args: Parameters<NodeFS['init']>): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(...args);
    const addFsync = (mod: { NODEFS: unknown }): void => {
      const nodefs = mod.NODEFS as NodeFsInternals;
      // A failed flush becomes the errno PostgreSQL checks.
      nodefs.stream_ops.fsync = (stream) => {
        if (typeof stream.nfd === 'number') nodefs.tryFSOperation(() => this.sync(stream.nfd!));
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [addFsync, ...(emscriptenOpts.preRun ?? [])] } };
  }
}

/** Whether `dir` holds a PostgreSQL data directory already (PGlite runs initdb into it otherwise). */
export function isDataDirectory(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'PG_VERSION'));
}

/**
 * Flushes every file and directory under `dir`, and `dir`'s own entry in its parent:
 * once, after PGlite created a data directory, whose initdb wrote its files without
 * flushing them (what `initdb` on a server does at its end, unless told `--no-sync`).
 */
export function syncTree(dir: string, sync: SyncFile = fdatasync): void {
  syncEntries(dir, sync);
  syncPath(path.dirname(path.resolve(dir)), sync);
}

function syncEntries(dir: string, sync: SyncFile): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) syncEntries(p, sync);
    else if (entry.isFile()) syncPath(p, sync);
  }
  syncPath(dir, sync);
}
