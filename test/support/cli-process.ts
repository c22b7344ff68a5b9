import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureChildOutput } from './log-capture';

const ROOT = path.resolve(__dirname, '..', '..');
/** tsx's loader by absolute path: the CLI may run in another working directory. */
const TSX_LOADER = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

export interface RunningCli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/**
 * Run the CLI from source with only the given environment (plus PATH/HOME). Node itself
 * runs it with tsx's loader — not the `tsx` wrapper, which would put a second process in
 * between, so a signal (SIGKILL above all) reaches the gateway itself.
 */
export function runCli(args: string[], env: Record<string, string>, cwd = ROOT): RunningCli {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(ROOT, 'app', 'cli.ts'), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  // Its logs join the run's capture, scanned for test secrets (test/support/log-scan.js); 'close' comes once its output is all read.
  child.on('close', () => captureChildOutput(child.pid, out, err));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function waitForOutput(run: RunningCli, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = run.stdout().match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`CLI exited early (${run.child.exitCode}): ${run.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stdout: ${run.stdout()} stderr: ${run.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
