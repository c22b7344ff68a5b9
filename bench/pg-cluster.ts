import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway PostgreSQL cluster for the benches, made as test/support/postgres-cluster.ts
 * makes one (the machine's initdb/pg_ctl; as root, run as `postgres` in a directory it
 * owns; 127.0.0.1 only) but with the server's default durability. Returns a notice
 * instead when no server can be started.
 */
export async function startBenchPostgres(): Promise<{ url: string; stop(): void } | string> {
  const bin = ['15', '16', '17'].map((v) => `/usr/lib/postgresql/${v}/bin`).find((d) => fs.existsSync(path.join(d, 'pg_ctl')));
  if (!bin) return 'PostgreSQL server not found under /usr/lib/postgresql/{15,16,17}/bin';
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-bench-pg-'));
  const dataDir = path.join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const full = path.join(bin, cmd);
    const r = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', full, ...args], { encoding: 'utf8', timeout: 90_000 }) : spawnSync(full, args, { encoding: 'utf8', timeout: 90_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
  };
  try {
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
    const port = await freePort();
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    run('pg_ctl', ['-D', dataDir, '-o', `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir}`, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    // Ctrl-C during the run must not leave a server behind.
    const onSignal = () => {
      stop();
      process.exit(130);
    };
    const stop = () => {
      process.off('SIGINT', onSignal);
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    };
    process.once('SIGINT', onSignal);
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    return `PostgreSQL could not be started (${err instanceof Error ? err.message : String(err)})`;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
