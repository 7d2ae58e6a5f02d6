import pino, { type Logger } from 'pino';
import { Logger as SlackLogger, LogLevel } from '@slack/bolt';
import { scrubSecrets } from './secrets';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

/** Paths that may hold a secret in anything we log; pino replaces their values. */
const REDACT = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'authorization',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.authorization',
  'headers.authorization',
  'headers["x-slack-signature"]',
  'req.headers.authorization',
];

export { scrubSecrets };

/**
 * The process logger: structured JSON (pino), secrets redacted. In console mode it writes to stderr so that
 * standard output carries only the bot's replies. Every finished line passes through scrubSecrets on its way out,
 * so a secret nested anywhere in a logged object (an error's response body, say) never reaches the output.
 */
export function createLogger(level: LogLevelName, destination: 1 | 2 = 1, human = false): Logger {
  const out = pino.destination({ fd: destination, sync: destination === 2 });
  const scrubbing = { write: (line: string) => out.write(scrubSecrets(human ? humanLine(line) : line)) };
  return pino(
    {
      level,
      base: { app: 'summit-bot' },
      redact: { paths: REDACT, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    scrubbing,
  );
}

/** Keys of a log line that a person reading the console does not need. */
const HIDDEN = new Set(['level', 'time', 'app', 'msg', 'pid', 'hostname', 'err']);

/**
 * A JSON log line as a short sentence for a person at the console: "summit-bot warning: feed poll failed:
 * getaddrinfo ENOTFOUND blogs.windows.com (feed windows-experience)". Secrets are scrubbed after, as for JSON.
 */
export function humanLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = String(entry.level ?? 'info');
  const label = level === 'warn' ? 'warning' : level === 'error' || level === 'fatal' ? 'error' : undefined;
  const details = Object.entries(entry)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined && (typeof v !== 'object' || v === null))
    .slice(0, 4)
    .map(([k, v]) => `${k} ${String(v).slice(0, 80)}`);
  const err = entry.err as { message?: unknown } | undefined;
  const why = typeof err?.message === 'string' ? `: ${err.message.split('\n')[0]?.slice(0, 200) ?? ''}` : '';
  return `summit-bot${label ? ` ${label}` : ''}: ${String(entry.msg ?? '')}${why}${details.length > 0 ? ` (${details.join(', ')})` : ''}\n`;
}

const BOLT_LEVELS: Record<LogLevelName, LogLevel> = {
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
  error: LogLevel.ERROR,
};

/** Bolt's logger interface backed by our pino logger, so Bolt's own lines are structured and scrubbed too. */
export function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'bolt' });
  let level = BOLT_LEVELS[(log.level as LogLevelName) in BOLT_LEVELS ? (log.level as LogLevelName) : 'info'];
  const fmt = (msg: unknown[]) => scrubSecrets(msg.map((m) => (typeof m === 'string' ? m : safeJson(m))).join(' '));
  // Bolt logs a debug line or two per request: format them only when they will be written.
  return {
    debug: (...m) => child.isLevelEnabled('debug') && child.debug(fmt(m)),
    info: (...m) => child.isLevelEnabled('info') && child.info(fmt(m)),
    warn: (...m) => child.isLevelEnabled('warn') && child.warn(fmt(m)),
    error: (...m) => child.error(fmt(m)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

function safeJson(v: unknown): string {
  if (v instanceof Error) return v.message;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
