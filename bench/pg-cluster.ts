import { findPgBin, startCluster } from '../test/support/postgres-cluster';

/**
 * A throwaway PostgreSQL for the benches: the tests' cluster (test/support/postgres-cluster.ts)
 * with the server's default durability, stopped on Ctrl-C too. A notice instead of a
 * cluster when none can be started.
 */
export async function startBenchPostgres(): Promise<{ url: string; stop(): void } | string> {
  if (!findPgBin()) return 'PostgreSQL server not found under /usr/lib/postgresql/{15,16,17}/bin';
  try {
    const cluster = await startCluster({ durable: true });
    const onSignal = () => {
      stop();
      process.exit(130);
    };
    const stop = () => {
      process.off('SIGINT', onSignal);
      cluster.stop();
    };
    process.once('SIGINT', onSignal);
    return { url: cluster.url, stop };
  } catch (err) {
    return `PostgreSQL could not be started (${err instanceof Error ? err.message : String(err)})`;
  }
}
