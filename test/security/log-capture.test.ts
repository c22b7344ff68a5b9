import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/server/logger';
import { testConfig } from '../support/test-config';
import { captureDir } from '../support/log-capture';
import { TEST_SECRETS } from '../support/test-secrets';
import { loadRegistry, scanLogs } from '../support/log-scan'; // plain JS, shared with the summary reporter

/**
 * The run-wide log scan is only worth something if the gateways' logs really reach it and
 * the scanner really finds a secret there. These check both halves.
 */
describe('log capture for the secret scan', () => {
  test('a logger the tests keep silent still writes every level into the run capture', () => {
    const dir = captureDir();
    expect(dir).toBeDefined(); // set by test/support/summary-reporter.js for the whole run
    const marker = `capture-probe-${randomUUID()}`;
    const logger = createLogger(testConfig().logLevel); // 'silent', as every gateway under test
    logger.trace({ marker }, 'trace probe');
    logger.debug({ marker, nested: { deeper: { password: TEST_SECRETS.passwordSecurity } } }, 'debug probe');
    const captured = fs
      .readdirSync(dir!)
      .map((f) => fs.readFileSync(path.join(dir!, f), 'utf8'))
      .join('\n')
      .split('\n')
      .filter((l) => l.includes(marker))
      .map((l) => JSON.parse(l) as { msg: string; nested?: unknown });
    expect(captured.map((l) => l.msg)).toEqual(['trace probe', 'debug probe']);
    // what reaches the capture is what the gateway's logger writes: redacted
    expect(captured[1]!.nested).toEqual({ deeper: { password: '[redacted]' } });
  });

  test('the scanner finds every registered secret, literal or pattern, and names file and line', () => {
    const registry = loadRegistry();
    expect(registry.literals.map((l) => l.value)).toEqual(expect.arrayContaining(Object.values(TEST_SECRETS)));
    expect(registry.literals).toHaveLength(Object.keys(TEST_SECRETS).length);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omnigate-scan-test-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.log'), `{"msg":"fine"}\n{"msg":"token ${TEST_SECRETS.pageTokenSecurity} here"}\n`);
      fs.writeFileSync(path.join(dir, 'b.log'), `one\ntwo\n{"rt":"fake-rt-AAAABBBBCCCCDDDD1234"}\n`);
      fs.writeFileSync(path.join(dir, 'c.log'), '{"msg":"nothing secret","token":"[redacted]"}\n');
      const result = scanLogs(dir, registry);
      expect(result.files).toBe(3);
      expect(result.leaks).toEqual([
        { secret: 'pageTokenSecurity', hint: '…0001', file: path.join(dir, 'a.log'), line: 2 },
        { secret: 'fakeZaloRefreshToken', hint: expect.stringContaining('fake-rt-'), file: path.join(dir, 'b.log'), line: 3 },
      ]);
      // the report never repeats the secret itself
      expect(JSON.stringify(result)).not.toContain(TEST_SECRETS.pageTokenSecurity);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
