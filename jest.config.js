/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // Octokit's packages are ES modules only. Node 20.19 require()s them (the built bot does), but Jest's own module
    // system does not before Node 24.9: they are compiled to CommonJS for the tests, and only they.
    '^.+/node_modules/(@octokit|universal-user-agent|before-after-hook|json-with-bigint|content-type)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022' }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@octokit|universal-user-agent|before-after-hook|json-with-bigint|content-type)/)',
  ],
  // Slack's Block Kit rules checked on every payload of every test (test/helpers/slack-rules.ts).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/slack-rules-setup.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.js',
  testTimeout: 20000,
};
