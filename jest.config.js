/**
 * Jest runs every test in the repository: pure machine tests, workflow tests on the
 * time-skipping server and integration tests against a real dev server. Type checking is a
 * separate step (`npm run typecheck`), so ts-jest only transpiles here, which keeps the suite fast.
 */
/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, plus stopping whatever a test file left running (servers, workers).
  testEnvironment: '<rootDir>/test/helpers/process-cleanup-environment.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  // Servers are started per test file; give start-up and time skipping room on a 2-core machine.
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  testTimeout: 120_000,
  // The longest tests first, the ones on the real Temporal server (waiting for its build) halfway (jest-sequencer.config.js).
  testSequencer: '<rootDir>/jest-sequencer.config.js',
  maxWorkers: 2,
};
