import { DateTime } from 'luxon';
import { z } from 'zod';
import { ConfigError } from './lib/errors';
import { registerSecret, registerUrlPassword } from './lib/secrets';
import { isHttpUrl } from './lib/urls';
import type { LogLevelName } from './lib/logger';

export type Mode = 'http' | 'socket' | 'console';

/** Where follow-up state is kept: an embedded SQLite file (default) or PostgreSQL (several replicas). */
export type DatabaseSettings =
  { kind: 'sqlite'; path: string; isDefault?: boolean } | { kind: 'postgres'; url: string };

/** What every mode has. */
interface CommonSettings {
  port: number;
  /** Interface the HTTP server binds to; all interfaces by default. */
  host?: string;
  /** Base URL of the Slack Web API, always ending in a slash. */
  slackApiUrl: string;
  configPath: string;
  /** SUMMIT_NOW as given: resolved against the data set's time zone once the data set is loaded. */
  summitNow?: string;
  logLevel: LogLevelName;
  database: DatabaseSettings;
  /** How long a stop (SIGTERM, SIGINT) waits for work in flight before abandoning it. */
  shutdownGraceMs: number;
  /** How long start-up keeps retrying a database that does not answer. */
  databaseConnectMs: number;
}

export interface ConsoleSettings extends CommonSettings {
  mode: 'console';
}

export interface HttpSettings extends CommonSettings {
  mode: 'http';
  slack: { botToken: string; signingSecret: string };
}

export interface SocketSettings extends CommonSettings {
  mode: 'socket';
  slack: { botToken: string; appToken: string };
  /** SLACK_SIGNING_SECRET was set too: Socket Mode does not use it (said once in the log at start). */
  signingSecretIgnored: boolean;
}

/** The bot's settings, read once at start from the environment (and .env); the mode says which Slack settings exist. */
export type Settings = ConsoleSettings | HttpSettings | SocketSettings;
export type SlackSettings = HttpSettings | SocketSettings;

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const DEFAULT_CONFIG_PATH = 'config/summit.yaml';
export const DEFAULT_SQLITE_PATH = 'data/summit.db';

/** Treat an empty variable (`FOO=` copied from .env.example) as unset. */
const optional = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z.string().trim().optional(),
);

const envSchema = z.object({
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  PORT: optional,
  HOST: optional,
  SLACK_API_URL: optional,
  SUMMIT_CONFIG: optional,
  SUMMIT_NOW: optional,
  LOG_LEVEL: optional,
  DATABASE_URL: optional,
  SHUTDOWN_GRACE_SECONDS: optional,
  DATABASE_CONNECT_SECONDS: optional,
});

/** A whole number of seconds within bounds, or a sentence saying what is wrong. */
function seconds(value: string | undefined, fallback: number, max: number): number | string {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max)
    return `must be a whole number of seconds from 1 to ${max}, not "${value}"`;
  return n;
}

/** Parses an instant or a date (ISO-8601). A string with no offset is read in `zone`. */
export function parseInstant(text: string, zone = 'UTC'): Date | undefined {
  const dt = DateTime.fromISO(text.trim(), { zone, setZone: true });
  return dt.isValid ? dt.toJSDate() : undefined;
}

/**
 * Reads the settings from an environment (process.env by default). Every problem is collected and reported in
 * one ConfigError that names each bad variable and what to set, so the operator fixes them all in one go.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const raw = envSchema.parse(env);
  // Before anything could quote them (a settings error echoing a value pasted into the wrong variable).
  for (const secret of [raw.SLACK_BOT_TOKEN, raw.SLACK_SIGNING_SECRET, raw.SLACK_APP_TOKEN]) registerSecret(secret);
  registerUrlPassword(raw.DATABASE_URL);
  const problems: string[] = [];
  const bad = (name: string, why: string) => problems.push(`${name}: ${why}`);

  const { SLACK_BOT_TOKEN: bot, SLACK_SIGNING_SECRET: secret, SLACK_APP_TOKEN: appToken } = raw;
  if (bot !== undefined && !bot.startsWith('xoxb-'))
    bad('SLACK_BOT_TOKEN', 'must be a bot token starting with xoxb- (OAuth & Permissions > Bot User OAuth Token)');
  if (appToken !== undefined && !appToken.startsWith('xapp-'))
    bad(
      'SLACK_APP_TOKEN',
      'must be an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)',
    );
  if (appToken !== undefined && bot === undefined)
    bad('SLACK_BOT_TOKEN', 'is required with SLACK_APP_TOKEN: Socket Mode needs the bot token (xoxb-...) too');
  if (appToken === undefined && bot !== undefined && secret === undefined)
    bad(
      'SLACK_SIGNING_SECRET',
      'is required with SLACK_BOT_TOKEN for HTTP mode (Basic Information > Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  if (appToken === undefined && bot === undefined && secret !== undefined)
    bad(
      'SLACK_BOT_TOKEN',
      'is required with SLACK_SIGNING_SECRET (a bot token starting with xoxb-); unset both for console mode',
    );

  let port = 3000;
  if (raw.PORT !== undefined) {
    port = Number(raw.PORT);
    if (!/^\d+$/.test(raw.PORT) || port < 1 || port > 65535)
      bad('PORT', `must be a whole number from 1 to 65535, not "${raw.PORT}"`);
  }

  let slackApiUrl = DEFAULT_SLACK_API_URL;
  if (raw.SLACK_API_URL !== undefined) {
    if (!isHttpUrl(raw.SLACK_API_URL))
      bad('SLACK_API_URL', `must be an http(s) URL such as ${DEFAULT_SLACK_API_URL}, not "${raw.SLACK_API_URL}"`);
    else {
      const href = new URL(raw.SLACK_API_URL).href;
      slackApiUrl = href.endsWith('/') ? href : `${href}/`;
    }
  }

  if (raw.SUMMIT_NOW !== undefined && parseInstant(raw.SUMMIT_NOW) === undefined)
    bad(
      'SUMMIT_NOW',
      `must be an ISO-8601 date or instant such as 2024-09-03 or 2024-09-10T16:00:00Z, not "${raw.SUMMIT_NOW}"`,
    );

  const levels: LogLevelName[] = ['debug', 'info', 'warn', 'error'];
  const logLevel = (raw.LOG_LEVEL ?? 'info').toLowerCase() as LogLevelName;
  if (!levels.includes(logLevel)) bad('LOG_LEVEL', `must be one of ${levels.join(', ')}, not "${raw.LOG_LEVEL}"`);

  const database = parseDatabaseUrl(raw.DATABASE_URL);
  if (typeof database === 'string') bad('DATABASE_URL', database);
  const grace = seconds(raw.SHUTDOWN_GRACE_SECONDS, 10, 300);
  if (typeof grace === 'string') bad('SHUTDOWN_GRACE_SECONDS', grace);
  const connect = seconds(raw.DATABASE_CONNECT_SECONDS, 60, 3600);
  if (typeof connect === 'string') bad('DATABASE_CONNECT_SECONDS', connect);

  if (problems.length > 0) {
    throw new ConfigError(
      'settings_invalid',
      `Invalid settings (environment or .env):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`,
    );
  }

  const common: CommonSettings = {
    port,
    host: raw.HOST,
    slackApiUrl,
    configPath: raw.SUMMIT_CONFIG ?? DEFAULT_CONFIG_PATH,
    summitNow: raw.SUMMIT_NOW,
    logLevel,
    database: database as DatabaseSettings,
    shutdownGraceMs: (grace as number) * 1000,
    databaseConnectMs: (connect as number) * 1000,
  };
  if (bot === undefined) return { ...common, mode: 'console' };
  if (appToken !== undefined)
    return {
      ...common,
      mode: 'socket',
      slack: { botToken: bot, appToken },
      signingSecretIgnored: secret !== undefined,
    };
  return { ...common, mode: 'http', slack: { botToken: bot, signingSecret: secret as string } };
}

/** DATABASE_URL -> where to keep state, or a sentence saying what is wrong with it. */
export function parseDatabaseUrl(url: string | undefined): DatabaseSettings | string {
  if (url === undefined) return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH, isDefault: true };
  if (url === 'sqlite::memory:') return { kind: 'sqlite', path: ':memory:' };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path === ''
      ? 'sqlite: needs a file path, as in sqlite:data/summit.db (or sqlite::memory:)'
      : { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return URL.canParse(url)
      ? { kind: 'postgres', url }
      : 'is not a valid postgres:// URL (postgres://user@host:5432/database)';
  }
  return 'must be sqlite:<path>, sqlite::memory: or postgres://user@host:5432/database (unset: sqlite at data/summit.db)';
}
