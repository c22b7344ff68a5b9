/**
 * Jest setup file (jest.config.js `setupFiles`): every pino logger a test creates — the
 * gateways' (src/server/logger.ts, with its real redaction), the fakes' — also writes at
 * trace level into this worker's capture file, whatever level the test chose for its
 * console ('silent' in testConfig). The summary reporter scans the capture for every test
 * secret when the run ends (test/support/log-scan.js). Test-only: it lives in test/ and
 * only runs under jest.
 */
import type pinoModule from 'pino';
import { captureDir, captureFile } from './log-capture';

const CAPTURE_LEVEL = 'trace';

if (captureDir()) {
  jest.mock('pino', () => capturingPino(jest.requireActual<typeof pinoModule>('pino')));
}

function capturingPino(real: typeof pinoModule): typeof pinoModule {
  const capture = captureFile(`worker-${process.pid}`)!;
  const levelValue = (level: string) => (level === 'silent' ? Infinity : (real.levels.values[level] ?? real.levels.values.info!));
  const wrapped = function pino(...args: unknown[]) {
    const [first, second] = args;
    const isStream = (v: unknown) => typeof v === 'object' && v !== null && typeof (v as { write?: unknown }).write === 'function';
    const options = (isStream(first) ? {} : (first ?? {})) as pinoModule.LoggerOptions;
    const destination = (isStream(first) ? first : second) as pinoModule.DestinationStream | undefined;
    const level = options.level ?? 'info';
    const streams: pinoModule.StreamEntry[] = [{ level: CAPTURE_LEVEL, stream: { write: (line: string) => capture.write(line) } }];
    if (level !== 'silent') streams.push({ level: level as pinoModule.Level, stream: destination ?? real.destination(1) });
    const lowest = levelValue(level) < levelValue(CAPTURE_LEVEL) ? level : CAPTURE_LEVEL;
    return real({ ...options, level: lowest }, real.multistream(streams));
  };
  return Object.assign(wrapped, real, { default: wrapped, pino: wrapped }) as unknown as typeof pinoModule;
}
