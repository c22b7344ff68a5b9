/** Jest runs TypeScript through SWC (no type-check here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Every logger also writes into the run's capture, scanned for test secrets by the summary reporter.
  setupFiles: ['<rootDir>/test/support/jest-setup-log-capture.ts'],
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  // A guard against hangs, not a speed target: a loaded 2-core CI machine runs long hooks (scripted scenarios) slowly.
  testTimeout: 90000,
};
