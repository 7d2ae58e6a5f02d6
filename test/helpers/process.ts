import { spawn, type ChildProcess } from 'node:child_process';
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

/** Bots started and still running: killed after the test file, so a test that failed midway leaves none behind. */
const started = new Set<ChildProcess>();
(globalThis as { afterAll?: (fn: () => void) => void }).afterAll?.(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** Starts the bot and waits until a line of its output matches `ready`. */
export function startBotProcess(env: NodeJS.ProcessEnv, ready: RegExp, nodeArgs: string[] = []) {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], { cwd: ROOT, env, stdio: 'pipe' });
  started.add(child);
  child.on('exit', () => started.delete(child));
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
/**
 * A port free now, for a child process to listen on. Chosen at random below Linux's ephemeral range (32768-60999):
 * a port the kernel handed out for listen(0) could be handed out again (to another test's server or an outgoing
 * connection) before the child binds it, which made a replica test fail now and then with "port already in use".
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
