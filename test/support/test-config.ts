import { loadConfig, type GatewayConfig } from '../../src/config/config';
import { TEST_SECRET_KEY } from './test-secrets';

/**
 * A valid configuration for a gateway under test: any free port on loopback, the test
 * sealing key. Logs are quiet on the console; every logger still writes at debug level
 * into the run's capture, which is scanned for test secrets (test/support/log-capture.ts).
 */
export function testConfig(overrides: Record<string, string | undefined> = {}): GatewayConfig {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent', OMNIGATE_SECRET_KEY: TEST_SECRET_KEY, ...overrides });
}
