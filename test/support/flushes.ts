import fs from 'node:fs';

/**
 * A flush (src/core/durable-file.ts `SyncFile`) that really flushes and records the path
 * of each descriptor, as the kernel names it (`/proc/self/fd`), in `flushed`.
 */
export function recordingSync(flushed: string[]): (fd: number) => void {
  return (fd) => {
    flushed.push(fs.readlinkSync(`/proc/self/fd/${fd}`));
    fs.fdatasyncSync(fd);
  };
}
