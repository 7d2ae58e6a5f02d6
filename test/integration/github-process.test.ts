import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeGitHub } from '../helpers/fake-github';
import { REPO, PEOPLE } from '../helpers/github';
import { datasetWith } from '../helpers/incident';
import { cleanEnv, freePort, runBot, startBotProcess } from '../helpers/process';
import { signature } from '../../src/tracker/webhook';
import { eventually } from '../helpers/wait';

/**
 * The built bot as a child process, in the console (no Slack, no public address), with GITHUB_TOKEN pointed at a
 * fake GitHub: the issue made from the console, killed with SIGKILL between GitHub's answer and the bot's record
 * and started again (one issue), and GitHub's changes coming back by polling.
 */

let fake: FakeGitHub;
let api: string;
let dir: string;

beforeEach(async () => {
  fake = new FakeGitHub();
  fake.repo(REPO, ['incident']);
  api = await fake.start();
  dir = mkdtempSync(path.join(tmpdir(), 'summit-github-'));
  const data = path.join(dir, 'incidents');
  mkdirSync(data);
  writeFileSync(
    path.join(data, 'crowdstrike-2024.yaml'),
    datasetWith((d) => d.setIn(['github'], { repo: REPO, labels: ['incident'], people: PEOPLE })),
  );
});
const children: ReturnType<typeof startBotProcess>[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.child.kill('SIGKILL');
  await fake.stop();
});
function bot() {
  const b = startBotProcess(env(), /summit-bot console/);
  children.push(b);
  return b;
}

const env = () =>
  cleanEnv({
    SUMMIT_CONFIG: path.join(dir, 'incidents'),
    DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`,
    GITHUB_TOKEN: fake.token,
    GITHUB_API_URL: api,
    GITHUB_POLL_SECONDS: '10',
    SUMMIT_NOW: '2024-09-12T12:00:00Z',
    SUMMIT_NOW_STORE: 'store',
    LOG_LEVEL: 'info',
  });

test('SIGKILL between GitHub’s answer and the bot’s record: started again, the bot finds the issue it made', async () => {
  const first = bot();
  await first.ready;
  // GitHub makes the issue; the bot dies before it reads the answer.
  fake.onCreate = () => first.child.kill('SIGKILL');
  first.child.stdin.write('issue Q3\n');
  const gone = await first.exited;
  expect(gone.code).toBeNull();
  expect(fake.repos.get(REPO)!.issues).toHaveLength(1);
  fake.onCreate = undefined;

  const second = bot();
  await second.ready;
  // The sender takes the request up once the dead process's lease has run out (15 s): it looks for the issue by its
  // marker before making one.
  await eventually(() => (/issue created/.test(second.output()) ? true : undefined), 30_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${second.output()}`);
  });
  second.child.stdin.write('issue Q3\n');
  await eventually(() => (/Q3 is example-org\/follow-ups #1/.test(second.output()) ? true : undefined), 5_000);
  expect(fake.repos.get(REPO)!.issues).toHaveLength(1);
  // The token is never in what the bot writes.
  expect(`${first.output()}${second.output()}`).not.toContain(fake.token);
  second.child.stdin.end();
  expect((await second.exited).code).toBe(0);
}, 60_000);

test('polling in the console: an issue closed on GitHub answers the question, said on the screen', async () => {
  const b = bot();
  await b.ready;
  b.child.stdin.write('issue Q3\n');
  await eventually(() => (/Q3 is now/.test(b.output()) ? true : undefined), 10_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${b.output()}`);
  });
  fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'Microsoft: about 8.5 million.');
  await eventually(
    () => (/crowdstrike-2024 Q3 answered by octo-ada on GitHub/.test(b.output()) ? true : undefined),
    20_000,
  );
  b.child.stdin.write('history Q3\n');
  await eventually(() => (/octo-ada via GitHub/.test(b.output()) ? true : undefined), 5_000);
  expect(b.output()).toContain('Microsoft: about 8.5 million.');
  b.child.stdin.end();
  expect((await b.exited).code).toBe(0);
}, 40_000);

test('webhooks without HTTP mode: with GITHUB_WEBHOOK_SECRET the console serves POST /github/events on PORT', async () => {
  const port = await freePort();
  const secret = 'webhook-secret-0123456789abcdef';
  const b = startBotProcess(
    { ...env(), GITHUB_POLL_SECONDS: '', GITHUB_WEBHOOK_SECRET: secret, PORT: String(port), HOST: '127.0.0.1' },
    /summit-bot console/,
  );
  children.push(b);
  await b.ready;
  await eventually(() =>
    b.output().includes(`GitHub's webhooks on http://127.0.0.1:${port}/github/events.`) ? true : undefined,
  );
  b.child.stdin.write('issue Q3\n');
  await eventually(() => (/Q3 is now/.test(b.output()) ? true : undefined), 10_000);
  const body = JSON.stringify(fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'Closed on GitHub.'));
  const post = (sig: string) =>
    fetch(`http://127.0.0.1:${port}/github/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '5a1b2c3d-0000-11ef-8000-000000000001',
        'x-hub-signature-256': sig,
      },
      body,
    });
  expect((await post(`sha256=${'0'.repeat(64)}`)).status).toBe(401);
  const ok = await post(signature(secret, body));
  expect(ok.status).toBe(200);
  await eventually(() => (/Q3 answered by octo-ada on GitHub/.test(b.output()) ? true : undefined), 5_000);
  // No polling with a webhook secret: the bot never asked for the repository's events.
  expect(fake.requests.some((r) => r.path.endsWith('/issues/events'))).toBe(false);
  b.child.stdin.end();
  expect((await b.exited).code).toBe(0);
}, 30_000);

test('a run at another moment on a copy of the store leaves GitHub alone', async () => {
  const r = await runBot([], {
    env: { ...env(), SUMMIT_NOW_STORE: 'copy', LOG_LEVEL: 'warn' },
    input: 'issue Q3\n',
    timeoutMs: 20_000,
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('This run is at another moment, on a copy of the store: GitHub’s issues are real');
  expect(fake.requests).toEqual([]);
}, 30_000);
