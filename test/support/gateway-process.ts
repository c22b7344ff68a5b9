import { runCli, waitForOutput, type RunningCli } from './cli-process';
import { TEST_SECRET_KEY } from './test-secrets';

export interface GatewayProcess {
  /** Where it listens, from its own start-up line. */
  readonly url: string;
  readonly run: RunningCli;
  /** SIGKILL: no shutdown hook runs, as in a power cut or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the clean exit. */
  stop(): Promise<void>;
}

/**
 * `omnigate start` in a child process (from source, as `npm start` runs it), configured
 * only by `env`; resolves once it prints that it is running. It logs at debug level (its
 * output is scanned for test secrets) and seals with the test key unless `env` says otherwise.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const run = runCli(['start'], { HOST: '127.0.0.1', LOG_LEVEL: 'debug', OMNIGATE_SECRET_KEY: TEST_SECRET_KEY, ...env });
  const [, url] = await waitForOutput(run, /Omnigate is running on (http:\/\/\S+)/);
  const ended = async (signal: NodeJS.Signals) => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(signal);
    await run.exited;
  };
  return { url: url!, run, kill: () => ended('SIGKILL'), stop: () => ended('SIGTERM') };
}
