import { SecretBox } from '../../src/secrets/secret-box';
import { parseSecretKey } from '../../src/secrets/secret-key';

/**
 * Every secret the test suite hands the gateway. None of them may ever appear in a log
 * line written during `npm run test:jest`: the summary reporter scans the captured logs
 * of the whole run for each one (test/support/log-scan.js reads this file's
 * `TEST_SECRETS` and `TEST_SECRET_PATTERNS` blocks as text — keep each value a plain
 * single-quoted string or regex literal on its own line).
 *
 * New tests take their secrets from here; the older tests' literal values are listed so
 * they are scanned for as well.
 */

/** OMNIGATE_SECRET_KEY of every in-process gateway and child process under test. */
export const TEST_SECRET_KEY = 'b21uaWdhdGUtdGVzdC1zZWFsaW5nLWtleS0wMDAwMDE=';

// TEST_SECRETS begin
export const TEST_SECRETS = {
  secretKey: 'b21uaWdhdGUtdGVzdC1zZWFsaW5nLWtleS0wMDAwMDE=',
  otherSecretKey: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  metaAppSecret: 'messenger-app-secret-0001',
  metaAppSecretCrash: 'crash-test-app-secret-0001',
  metaAppSecretTwoNodes: 'two-nodes-app-secret-0001',
  metaAppSecretUnit: 'e6af24be1d683c8c911949f897eea1f6',
  metaAppSecretIndex: 'test-app-secret-123',
  metaAppSecretProof: 'app-secret-for-proof',
  metaAppSecretSimulated: 'simulated-messenger-app-secret',
  pageToken: 'EAAGpagetoken0001',
  pageTokenOther: 'EAAGotherpagetoken0000002',
  pageTokenFresh: 'EAAGfreshpagetoken0000001',
  pageTokenNew: 'EAAGnewpagetoken00000003',
  pageTokenCrash: 'EAAGcrashpagetoken',
  pageTokenTwoNodes: 'EAAGtwonodespagetoken',
  pageTokenUnit: 'EAAB-page-token-111',
  pageTokenUnitA: 'EAABsecretPageTokenA',
  pageTokenUnitB: 'EAABsecretPageTokenB',
  pageTokenSimulated: 'SIMULATED-PAGE-TOKEN',
  pageTokenSecurity: 'EAAGsecuritypagetoken0000000001',
  verifyToken: 'verify-token-0001',
  verifyTokenCrash: 'verify-token-crash',
  verifyTokenTwoNodes: 'verify-token-two-nodes',
  zaloAppSecret: 'zalo-app-secret-0001',
  zaloAppSecretTwoNodes: 'zalo-app-secret-two-nodes',
  zaloAppSecretFake: 'fake-app-secret',
  zaloAppSecretSimulated: 'simulated-zalo-app-secret',
  zaloOaSecretKey: 'zalo-oa-secret-key-0001',
  zaloOaSecretKeyTwoNodes: 'zalo-oa-secret-key-two-nodes',
  zaloOaSecretKeyFake: 'fake-oa-secret-key',
  zaloOaSecretKeySimulated: 'simulated-oa-secret-key',
  zaloOaSecretKeyUnit: 'oa-secret-key-value-456',
  zaloRefreshTokenUnit: 'refresh-token-value-789',
  zaloRefreshTokenSecurity: 'zalo-refresh-token-security-0001',
  zaloAccessTokenSecurity: 'zalo-access-token-security-0001',
  identitySecret: 'identity-secret-0123456789',
  identitySecretDirectory: 'super-secret-value-123',
  identitySecretSecurity: 'identity-secret-security-0000001',
  botSecret: 'bot-secret-0123456789',
  botSecretSecurity: 'bot-secret-security-00000000001',
  password: 'password-123456',
  passwordOther: 'password-999999',
  passwordAuth: 'correct-password',
  passwordCli: 'a-long-password',
  passwordSecurity: 'password-security-0001',
  redisPassword: 's3cret-pass',
  metricsToken: 'metrics-token-0123456789abcdef',
} as const;
// TEST_SECRETS end

/**
 * Secrets the fakes make up at run time: the fake Zalo OAuth server's token pairs
 * (channels/zalo/simulator/fake-oauth.ts).
 */
// TEST_SECRET_PATTERNS begin
export const TEST_SECRET_PATTERNS: Record<string, RegExp> = {
  fakeZaloAccessToken: /fake-at-[A-Za-z0-9_-]{16}/,
  fakeZaloRefreshToken: /fake-rt-[A-Za-z0-9_-]{16}/,
};
// TEST_SECRET_PATTERNS end

/** The box a gateway under test seals with (its config has TEST_SECRET_KEY). */
export function testSecretBox(key: string = TEST_SECRET_KEY): SecretBox {
  return new SecretBox(parseSecretKey(key)!);
}
