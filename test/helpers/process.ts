import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT } from './incident';

export const MAIN = path.join(ROOT, 'dist', 'main.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Environment with no Slack settings leaking in from the developer's shell, and an in-memory store so tests
 * never touch data/summit.db (a test that needs a file passes DATABASE_URL).
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    DATABASE_URL: 'sqlite::memory:',
  };
  return { ...env, ...extra };
}

/** Runs the built bot (dist/main.js, as `npm start` does) with piped input; resolves when it exits. */
export function runBot(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? cleanEnv(),
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`bot did not exit within ${options.timeoutMs ?? 15000} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 15000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** The Node flags `npm start` runs the bot with (package.json): tests that need its heap cap use the same. */
export const START_FLAGS = ['--max-semi-space-size=4', '--max-old-space-size=128'];

/** Starts the bot and waits until a line of its output matches `ready`. */
export function startBotProcess(env: NodeJS.ProcessEnv, ready: RegExp, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { cwd: ROOT, env, stdio: 'pipe' });
  let out = '';
  const readyPromise = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (ready.test(out)) resolve(out);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
  });
  const exited = new Promise<{ code: number | null; output: () => string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output: () => out })),
  );
  return { child, ready: readyPromise, exited, output: () => out };
}

/**
 * A port that was free a moment ago, for a child process to listen on: the OS picks it, so it cannot collide
 * with the ephemeral ports other servers and connections in the same test run are using.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
