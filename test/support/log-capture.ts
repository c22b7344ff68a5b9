import fs from 'node:fs';
import path from 'node:path';
import { TEST_SECRET_PATTERNS, TEST_SECRETS } from './test-secrets';

/**
 * Where the logs of a test run go to be scanned for secrets (summary-reporter.js makes the
 * directory, names it in OMNIGATE_TEST_LOG_DIR, and scans it when the run ends).
 *
 * Disk stays bounded: each file takes up to CAPTURE_LIMIT_BYTES; past that only lines that
 * hold a test secret are still written (checked here, line by line), so the scan at the
 * end misses nothing and a runaway logger cannot fill the disk.
 */
export const CAPTURE_LIMIT_BYTES = 48 * 1024 * 1024;

export function captureDir(): string | undefined {
  return process.env.OMNIGATE_TEST_LOG_DIR || undefined;
}

interface CaptureFile {
  write(text: string): void;
}

const open = new Map<string, CaptureFile>();

/** An append-only, size-capped capture file (one per name and process; writes are synchronous, so nothing is lost when a worker ends). */
export function captureFile(name: string): CaptureFile | null {
  const dir = captureDir();
  if (!dir) return null;
  const file = path.join(dir, `${name}.log`);
  let capture = open.get(file);
  if (!capture) {
    fs.mkdirSync(dir, { recursive: true });
    const fd = fs.openSync(file, 'a');
    let written = 0;
    capture = {
      write(text) {
        if (written + Buffer.byteLength(text) <= CAPTURE_LIMIT_BYTES) {
          written += Buffer.byteLength(text);
          fs.writeSync(fd, text);
          return;
        }
        const leaking = text.split('\n').filter(holdsTestSecret);
        if (leaking.length > 0) fs.writeSync(fd, `${leaking.join('\n')}\n`);
      },
    };
    open.set(file, capture);
  }
  return capture;
}

/** The output of a child process the tests ran (its logs are its stdout and stderr). */
export function captureChildOutput(pid: number | undefined, stdout: string, stderr: string): void {
  const capture = captureFile(`child-${process.pid}`);
  if (!capture) return;
  const tag = `--- child ${pid ?? '?'} ---\n`;
  capture.write(`${tag}${stdout}${stdout.endsWith('\n') || stdout === '' ? '' : '\n'}`);
  if (stderr) capture.write(`${tag}${stderr}${stderr.endsWith('\n') ? '' : '\n'}`);
}

const literals = Object.values(TEST_SECRETS) as string[];
const patterns = Object.values(TEST_SECRET_PATTERNS);

function holdsTestSecret(line: string): boolean {
  return literals.some((s) => line.includes(s)) || patterns.some((p) => p.test(line));
}
