import ipaddr from 'ipaddr.js';
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
  /** Slack user ids who are admins of every incident (SUMMIT_ADMINS), besides workspace admins and owners. */
  admins: string[];
  /**
   * The incident that records from before incidents belong to (SUMMIT_UPGRADE_INCIDENT): needed only when a store
   * written by an earlier release is opened with several data sets.
   */
  upgradeIncident?: string;
  /** Pages and calendars (PUBLIC_URL, WEB_LINK_SECRET): the address people open, and what signs their links. */
  web?: { publicUrl: string; secret: string; trustedProxies?: string[] };
  /** SUMMIT_NOW as given: resolved against the data set's time zone once the data set is loaded. */
  summitNow?: string;
  /**
   * What a run at another moment (SUMMIT_NOW) writes to: `copy`, a private in-memory copy of the store taken at
   * start (nothing is written back); `store`, the store itself (for a store kept for such runs, never the default).
   */
  summitNowStore: 'copy' | 'store';
  logLevel: LogLevelName;
  database: DatabaseSettings;
  /** How long a stop (SIGTERM, SIGINT) waits for work in flight before abandoning it. */
  shutdownGraceMs: number;
  /** How long start-up keeps retrying a database that does not answer. */
  databaseConnectMs: number;
  /** How often the data set files are checked for edits (0: never; they are read at start only). */
  reloadMs?: number;
  /** Questions as GitHub issues (GITHUB_TOKEN), and how GitHub's changes come back. */
  github?: GitHubSettings;
}

/**
 * GitHub: the token and API address; changes come back by webhooks (`webhookSecret`, POST /github/events) or, without
 * a secret, by polling every `pollMs`.
 */
export interface GitHubSettings {
  token: string;
  /** No trailing slash. */
  apiUrl: string;
  webhookSecret?: string;
  pollMs: number;
}

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

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
export const DEFAULT_CONFIG_PATH = 'config/incidents';
export const DEFAULT_SQLITE_PATH = 'data/summit.db';

/** Treat an empty variable (`FOO=` copied from .env.example) as unset. */
const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = z.preprocess(blankIsUnset, z.string().trim().optional());

/** A variable that, when set, must pass `check`, which returns the value to keep or a sentence saying what is wrong. */
const checked = <T>(check: (value: string) => T | { problem: string }) =>
  optional.transform((value, ctx): T | undefined => {
    if (value === undefined) return undefined;
    const result = check(value);
    if (typeof result === 'object' && result !== null && 'problem' in result) {
      ctx.addIssue({ code: 'custom', message: result.problem });
      return z.NEVER;
    }
    return result as T;
  });

/** A whole number within bounds. */
const whole = (min: number, max: number, unit: string) =>
  checked((v) => {
    const n = Number(v);
    return /^\d+$/.test(v) && n >= min && n <= max
      ? n
      : { problem: `must be a whole number${unit} from ${min} to ${max}, not "${v}"` };
  });

const LOG_LEVELS: readonly LogLevelName[] = ['debug', 'info', 'warn', 'error'];

/** Every variable on its own; rules that tie several together are in readSettings. */
const envSchema = z.object({
  SLACK_BOT_TOKEN: checked((v) =>
    v.startsWith('xoxb-')
      ? v
      : { problem: 'must be a bot token starting with xoxb- (OAuth & Permissions > Bot User OAuth Token)' },
  ),
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: checked((v) =>
    v.startsWith('xapp-')
      ? v
      : {
          problem:
            'must be an app-level token starting with xapp- (Basic Information > App-Level Tokens, scope connections:write)',
        },
  ),
  PORT: whole(1, 65535, ''),
  HOST: optional,
  SLACK_API_URL: checked((v) => {
    if (!isHttpUrl(v)) return { problem: `must be an http(s) URL such as ${DEFAULT_SLACK_API_URL}, not "${v}"` };
    const href = new URL(v).href;
    return href.endsWith('/') ? href : `${href}/`;
  }),
  SUMMIT_CONFIG: optional,
  SUMMIT_ADMINS: checked((v) => {
    const ids = v.split(/[\s,]+/).filter((id) => id !== '');
    const wrong = ids.filter((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
    return wrong.length === 0
      ? ids.join(',')
      : {
          problem: `must be Slack user ids such as U0123ABCD, separated by commas; not ${wrong.map((w) => `"${w}"`).join(', ')}`,
        };
  }),
  PUBLIC_URL: checked((v) => {
    if (!isHttpUrl(v))
      return { problem: `must be the http(s) address people open, such as https://summit.example.com, not "${v}"` };
    const u = new URL(v);
    if (u.search !== '' || u.hash !== '')
      return { problem: 'must be an address without ? or #, such as https://summit.example.com' };
    return u.href.replace(/\/+$/, '');
  }),
  TRUSTED_PROXIES: checked((v) => {
    const list = v.split(/[\s,]+/).filter((a) => a !== '');
    const wrong = list.filter((a) => !ipaddr.isValid(a));
    return wrong.length === 0
      ? list.join(',')
      : {
          problem: `must be the IP addresses of the proxies in front of the bot, separated by commas; not ${wrong.map((w) => `"${w.slice(0, 40)}"`).join(', ')}`,
        };
  }),
  WEB_LINK_SECRET: checked((v) =>
    v.length >= 32 ? v : { problem: 'must be at least 32 characters (for example: openssl rand -hex 32)' },
  ),
  SUMMIT_UPGRADE_INCIDENT: checked((v) =>
    /^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$/.test(v) ? v : { problem: `must be the id of one of the data sets, not "${v}"` },
  ),
  SUMMIT_NOW: checked((v) =>
    parseInstant(v) === undefined
      ? { problem: `must be an ISO-8601 date or instant such as 2024-09-03 or 2024-09-10T16:00:00Z, not "${v}"` }
      : v,
  ),
  SUMMIT_NOW_STORE: checked((v) =>
    v === 'copy' || v === 'store'
      ? v
      : {
          problem: `must be copy (the default: a run at another moment works on a copy of the store) or store, not "${v}"`,
        },
  ),
  LOG_LEVEL: checked((v) => {
    const level = v.toLowerCase() as LogLevelName;
    return LOG_LEVELS.includes(level) ? level : { problem: `must be one of ${LOG_LEVELS.join(', ')}, not "${v}"` };
  }),
  DATABASE_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .trim()
      .optional()
      .transform((v, ctx): DatabaseSettings => {
        const database = parseDatabaseUrl(v);
        if (typeof database !== 'string') return database;
        ctx.addIssue({ code: 'custom', message: database });
        return z.NEVER;
      }),
  ),
  SHUTDOWN_GRACE_SECONDS: whole(1, 300, ' of seconds'),
  DATABASE_CONNECT_SECONDS: whole(1, 3600, ' of seconds'),
  SUMMIT_RELOAD_SECONDS: whole(0, 30, ' of seconds'),
  GITHUB_TOKEN: checked((v) =>
    /^[A-Za-z0-9_]{20,255}$/.test(v)
      ? v
      : {
          problem:
            'must be a GitHub token (a fine-grained token starts with github_pat_) with Issues: read and write on the repositories the data sets name',
        },
  ),
  GITHUB_API_URL: checked((v) => {
    if (!isHttpUrl(v))
      return {
        problem: `must be an http(s) URL such as ${DEFAULT_GITHUB_API_URL} (GitHub Enterprise Server: https://<host>/api/v3), not "${v.slice(0, 80)}"`,
      };
    return new URL(v).href.replace(/\/+$/, '');
  }),
  GITHUB_WEBHOOK_SECRET: checked((v) =>
    v.length >= 16 ? v : { problem: "must be at least 16 characters, the same as the webhook's Secret on GitHub" },
  ),
  GITHUB_POLL_SECONDS: whole(10, 3600, ' of seconds'),
});

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
  // Before anything could quote them (a settings error echoing a value pasted into the wrong variable).
  for (const name of [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'WEB_LINK_SECRET',
    'GITHUB_TOKEN',
    'GITHUB_WEBHOOK_SECRET',
  ])
    registerSecret(env[name]?.trim());
  registerUrlPassword(env.DATABASE_URL?.trim());
  const problems: string[] = [];
  const bad = (name: string, why: string) => problems.push(`${name}: ${why}`);

  const parsed = envSchema.safeParse(env);
  if (!parsed.success) for (const issue of parsed.error.issues) bad(String(issue.path[0]), issue.message);
  // What did parse, for the rules that tie variables together (a bad value counts as set).
  const set = (name: string) => blankIsUnset(env[name]) !== undefined;
  const bot = set('SLACK_BOT_TOKEN');
  const secret = set('SLACK_SIGNING_SECRET');
  const appToken = set('SLACK_APP_TOKEN');
  if (appToken && !bot)
    bad('SLACK_BOT_TOKEN', 'is required with SLACK_APP_TOKEN: Socket Mode needs the bot token (xoxb-...) too');
  if (!appToken && bot && !secret)
    bad(
      'SLACK_SIGNING_SECRET',
      'is required with SLACK_BOT_TOKEN for HTTP mode (Basic Information > Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
    );
  if (!appToken && !bot && secret)
    bad(
      'SLACK_BOT_TOKEN',
      'is required with SLACK_SIGNING_SECRET (a bot token starting with xoxb-); unset both for console mode',
    );

  if (set('PUBLIC_URL') && !set('WEB_LINK_SECRET'))
    bad(
      'WEB_LINK_SECRET',
      'is required with PUBLIC_URL: at least 32 characters that sign the links to pages and calendars (for example: openssl rand -hex 32)',
    );
  if (env.SUMMIT_NOW_STORE?.trim() === 'store' && !set('DATABASE_URL'))
    bad(
      'SUMMIT_NOW_STORE',
      'store is refused with the default store: a run at another moment would write its pretend times where a run at the real time reads them. Set DATABASE_URL to a store kept for such runs, or unset SUMMIT_NOW_STORE',
    );

  if (!set('GITHUB_TOKEN'))
    for (const name of ['GITHUB_API_URL', 'GITHUB_WEBHOOK_SECRET', 'GITHUB_POLL_SECONDS'])
      if (set(name))
        bad(
          name,
          'is set without GITHUB_TOKEN: set GITHUB_TOKEN too (questions become issues only with a token), or unset it',
        );
  if (set('GITHUB_WEBHOOK_SECRET') && set('GITHUB_POLL_SECONDS'))
    bad(
      'GITHUB_POLL_SECONDS',
      'is not used with GITHUB_WEBHOOK_SECRET (GitHub sends its changes to /github/events): unset one of them',
    );

  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(
      'settings_invalid',
      `Invalid settings (environment or .env):\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`,
    );
  }
  const raw = parsed.data;

  const common: CommonSettings = {
    port: raw.PORT ?? 3000,
    host: raw.HOST,
    slackApiUrl: raw.SLACK_API_URL ?? DEFAULT_SLACK_API_URL,
    configPath: raw.SUMMIT_CONFIG ?? DEFAULT_CONFIG_PATH,
    admins: raw.SUMMIT_ADMINS === undefined ? [] : raw.SUMMIT_ADMINS.split(','),
    upgradeIncident: raw.SUMMIT_UPGRADE_INCIDENT,
    web:
      raw.PUBLIC_URL !== undefined && raw.WEB_LINK_SECRET !== undefined
        ? {
            publicUrl: raw.PUBLIC_URL,
            secret: raw.WEB_LINK_SECRET,
            ...(raw.TRUSTED_PROXIES !== undefined && { trustedProxies: raw.TRUSTED_PROXIES.split(',') }),
          }
        : undefined,
    summitNow: raw.SUMMIT_NOW,
    summitNowStore: (raw.SUMMIT_NOW_STORE as 'copy' | 'store' | undefined) ?? 'copy',
    logLevel: raw.LOG_LEVEL ?? 'info',
    database: raw.DATABASE_URL,
    shutdownGraceMs: (raw.SHUTDOWN_GRACE_SECONDS ?? 10) * 1000,
    databaseConnectMs: (raw.DATABASE_CONNECT_SECONDS ?? 60) * 1000,
    reloadMs: (raw.SUMMIT_RELOAD_SECONDS ?? 10) * 1000,
    github:
      raw.GITHUB_TOKEN === undefined
        ? undefined
        : {
            token: raw.GITHUB_TOKEN,
            apiUrl: raw.GITHUB_API_URL ?? DEFAULT_GITHUB_API_URL,
            ...(raw.GITHUB_WEBHOOK_SECRET !== undefined && { webhookSecret: raw.GITHUB_WEBHOOK_SECRET }),
            pollMs: (raw.GITHUB_POLL_SECONDS ?? 60) * 1000,
          },
  };
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: app } = raw;
  if (botToken === undefined) return { ...common, mode: 'console' };
  if (app !== undefined)
    return {
      ...common,
      mode: 'socket',
      slack: { botToken, appToken: app },
      signingSecretIgnored: signingSecret !== undefined,
    };
  return { ...common, mode: 'http', slack: { botToken, signingSecret: signingSecret as string } };
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
