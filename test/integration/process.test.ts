import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { ROOT } from '../helpers/incident';
import { cleanEnv, freePort, runBot, startBotProcess } from '../helpers/process';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';

describe('the console front end (no Slack credentials)', () => {
  test('reads commands from standard input, prints replies, exits 0 at end of input', async () => {
    const r = await runBot([], { input: '/summit when\nquestions\n\nfacts summit\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Date: Tuesday, September 10, 2024 (all day, America/Los_Angeles)');
    expect(r.stdout).toContain('Questions not fully answered');
    expect(r.stdout).toContain('Microsoft headquarters in Redmond');
    expect(r.stderr).toContain('summit-bot console (no Slack credentials set)');
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    // Logs never go to standard output in console mode: stdout is the replies alone.
    expect(r.stdout).not.toContain('"level"');
  });

  test('--at shows what the bot would have said then', async () => {
    const r = await runBot(['--at', '2024-09-03'], { input: 'status\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('in 7 days');
    expect(r.stdout).toContain('Next expected update');
  });

  test('SUMMIT_NOW does the same', async () => {
    const r = await runBot([], { input: 'questions\n', env: cleanEnv({ SUMMIT_NOW: '2024-08-01T12:00:00Z' }) });
    expect(r.stdout).toMatch(/Q1 \(open\)/);
  });

  test('hostile and huge input gets replies and never crashes', async () => {
    const input = ['<!channel>', 'x'.repeat(4000), '\u0000\u0001', '🎉', 'help'].join('\n');
    const r = await runBot([], { input });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('I don’t know <!channel>');
    expect(r.stdout).toContain('I don’t know 🎉');
    expect(r.stdout).toContain('summit-bot commands');
  });

  test('"quit" ends the session', async () => {
    const r = await runBot([], { input: 'when\nquit\nstatus\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Countdown:');
    expect(r.stdout).not.toContain('Questions: ');
  });
});

describe('the console keeps what was recorded', () => {
  test('answer a question, exit, start again: the answer is still there', async () => {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'summit-')), 'console.db');
    const env = cleanEnv({ DATABASE_URL: `sqlite:${db}` });
    const first = await runBot([], { env, input: 'answer Q3 No total was ever published https://example.com/total\n' });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Recorded: Q3 marked answered.');
    const second = await runBot([], { env, input: 'questions answered\nhistory Q3\n' });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /Q3 \(answered\) Exactly how many devices were affected\?\n\s+↳ No total was ever published — example.com <https:\/\/example.com\/total>/,
    );
    expect(second.stdout).toMatch(/marked answered|answered: No total was ever published/);
  });
});

describe('start-up errors', () => {
  test('a store that is not a database: exit code 2, file untouched', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'summit-')), 'notes.txt');
    writeFileSync(file, 'not a database');
    const r = await runBot([], { env: cleanEnv({ DATABASE_URL: `sqlite:${file}` }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/notes.txt is not a SQLite database/);
    expect(readFileSync(file, 'utf8')).toBe('not a database');
  });

  test('a bad DATABASE_URL: exit code 2', async () => {
    const r = await runBot([], { env: cleanEnv({ DATABASE_URL: 'mysql://x' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL: must be sqlite:<path>, sqlite::memory: or postgres:/);
  });

  test('a partial Slack set stops with exit code 2 naming every bad variable', async () => {
    const r = await runBot([], {
      env: cleanEnv({ SLACK_BOT_TOKEN: 'xoxb-1-secretvalue', SUMMIT_NOW: 'whenever', SLACK_API_URL: 'nope' }),
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SLACK_SIGNING_SECRET: is required/);
    expect(r.stderr).toMatch(/SUMMIT_NOW: must be/);
    expect(r.stderr).toMatch(/SLACK_API_URL: must be/);
    expect(r.stderr).not.toContain('secretvalue');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('an app token without a bot token: exit code 2', async () => {
    const r = await runBot([], { env: cleanEnv({ SLACK_APP_TOKEN: 'xapp-1-A-1-abc' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/SLACK_BOT_TOKEN: is required with SLACK_APP_TOKEN/);
  });

  test('a bad --at: exit code 2', async () => {
    const r = await runBot(['--at', 'yesterday']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--at: must be an ISO-8601 date/);
  });

  test('a missing data set: exit code 2 naming the file', async () => {
    const r = await runBot([], { env: cleanEnv({ SUMMIT_CONFIG: 'config/nope.yaml' }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Data set config\/nope.yaml: not found/);
  });

  test('an invalid data set: exit code 2 with file, field path and line', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-'));
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'incident:\n  title: T\n  summary: S\n  sources: []\nevent:\n  name: E\n  date: 2024-13-01\n');
    const r = await runBot([], { env: cleanEnv({ SUMMIT_CONFIG: file }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Data set ${file} is invalid`);
    expect(r.stderr).toMatch(/event\.date \(line 7\): is not a real calendar date/);
    expect(r.stderr).toMatch(/id \(line 1\): is required/);
  });

  test('invalid_auth from Slack at start: a clear message, exit code 1, no stack trace', async () => {
    const fake = new FakeSlack().on('auth.test', () => ({ ok: false, error: 'invalid_auth' }));
    const url = await fake.start();
    try {
      const r = await runBot([], {
        env: cleanEnv({
          SLACK_BOT_TOKEN: 'xoxb-1-2-verysecret',
          SLACK_SIGNING_SECRET: 's',
          SLACK_API_URL: url,
          PORT: '3999',
        }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)/);
      expect(r.stderr).not.toMatch(/\n\s+at |UnhandledPromiseRejection/);
      expect(r.stderr + r.stdout).not.toContain('verysecret');
      expect(fake.callsTo('auth.test')).toHaveLength(1);
      expect(fake.callsTo('auth.test')[0]?.authorization).toBe('Bearer xoxb-1-2-verysecret');
    } finally {
      await fake.stop();
    }
  });
});

describe('Slack over HTTP as a process', () => {
  test('serves /summit and /healthz, logs no secrets, and stops cleanly on SIGTERM (exit 0)', async () => {
    const fake = new FakeSlack();
    const url = await fake.start();
    const port = await freePort();
    const secret = 'process-test-signing-secret';
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-9-9-topsecret',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'debug',
      }),
      /summit-bot is running/,
    );
    try {
      await bot.ready;
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const res = await postSigned(`http://127.0.0.1:${port}/slack/events`, slashCommandBody('when'), { secret });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { text: string }).text).toContain('Windows Endpoint Security Ecosystem Summit');
      bot.child.kill('SIGTERM');
      const { code } = await bot.exited;
      expect(code).toBe(0);
      expect(bot.output()).toContain('"msg":"stopped"');
      expect(bot.output()).not.toContain('topsecret');
      expect(bot.output()).not.toContain(secret);
    } finally {
      bot.child.kill('SIGKILL');
      await fake.stop();
    }
  });
});

/** A real pseudo-terminal for the bot, from util-linux's `script` (on every Debian machine). */
const hasScript = existsSync('/usr/bin/script');

(hasScript ? describe : describe.skip)('the console at a real terminal', () => {
  test('shows the prompt and replies, and no log line below warn even with LOG_LEVEL=info; piped, the same bot logs them', async () => {
    const run = (command: string, input: string) =>
      new Promise<string>((resolve) => {
        const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], {
          cwd: ROOT,
          env: cleanEnv({ LOG_LEVEL: 'info' }),
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('exit', () => resolve(out));
        child.stdin.write(input);
        setTimeout(() => child.stdin.end('\u0004'), 1500);
      });
    const tty = await run(`${process.execPath} dist/main.js`, 'when\n');
    expect(tty).toContain('summit> ');
    expect(tty).toContain('Countdown: took place');
    expect(tty).not.toContain('"level":"info"');
    expect(tty).not.toContain('summit-bot: migration');
    const piped = await runBot([], { env: cleanEnv({ LOG_LEVEL: 'info' }), input: 'when\n' });
    // As short sentences on standard error (never JSON in the console).
    expect(piped.stderr).toContain('summit-bot: migration (migration 0001_follow_up_state, status Success)');
  });

  test('a form at a terminal is asked with the prompt library, field after field, and the console carries on after it', async () => {
    const child = spawn('/usr/bin/script', ['-qfec', `${process.execPath} dist/main.js`, '/dev/null'], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // One answer at a time, each once its prompt has been drawn (a prompt reads keys as they come).
    const answers = [
      'new\r',
      'Payments outage\r',
      '\r',
      'Europe/London\r',
      'Card payments failed.\r',
      '\r',
      'status\r',
    ];
    const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await wait(1500);
    for (const a of answers) {
      child.stdin.write(a);
      await wait(400);
    }
    await wait(800);
    child.stdin.end('\u0004');
    await exited;
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequences, removed to read the screen
    const screen = out.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g, '');
    expect(screen).toContain('? Title');
    expect(screen).toContain('✔ Summary');
    expect(screen).toContain('Started Payments outage (payments-outage).');
    // Back at the console's own prompt, about the incident just started.
    expect(screen).toContain('summit payments-outage> status');
    expect(screen).toContain('This incident has no event');
  }, 20_000);
});
