import { loadConfig, type GatewayConfig } from '../../src/config/config';

/** A valid configuration for a gateway under test: any free port on loopback, quiet logs. */
export function testConfig(overrides: Record<string, string | undefined> = {}): GatewayConfig {
  return loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: '/nonexistent', ...overrides });
}
