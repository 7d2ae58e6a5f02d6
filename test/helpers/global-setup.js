// Builds dist/ once per test run: the child-process tests run the real entry point, as `npm start` does.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  if (!process.env.TEST_DATABASE_URL) {
    process.stdout.write(
      '\nPostgreSQL suites skipped: TEST_DATABASE_URL is not set. To run them: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test\n',
    );
  }
  const root = path.join(__dirname, '..', '..');
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
};
