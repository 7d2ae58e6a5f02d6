/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Slack's Block Kit rules checked on every payload of every test (test/helpers/slack-rules.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/slack-rules-setup.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  testTimeout: 20000,
};
