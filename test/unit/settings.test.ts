import { scrubSecrets } from '../../src/lib/secrets';
import { ConfigError } from '../../src/lib/errors';
import { DEFAULT_SLACK_API_URL, readSettings } from '../../src/settings';

const BOT = 'xoxb-1-2-abc';
const SECRET = 'signing-secret-123';
const APP = 'xapp-1-A1-2-def';

function settingsError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readSettings(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('readSettings', () => {
  test('no Slack variables: console mode with defaults', () => {
    const s = readSettings({});
    expect(s.mode).toBe('console');
    expect('slack' in s).toBe(false);
    expect(s.port).toBe(3000);
    expect(s.slackApiUrl).toBe(DEFAULT_SLACK_API_URL);
    expect(s.configPath).toBe('config/incidents');
    expect(s.logLevel).toBe('info');
    expect(s.summitNow).toBeUndefined();
    expect(s.admins).toEqual([]);
    expect(s.upgradeIncident).toBeUndefined();
  });

  test('PUBLIC_URL turns the pages on; it needs WEB_LINK_SECRET of at least 32 characters, which is never echoed', () => {
    const secret = 'x'.repeat(40);
    expect(readSettings({}).web).toBeUndefined();
    expect(readSettings({ PUBLIC_URL: 'https://summit.example.com/', WEB_LINK_SECRET: secret }).web).toEqual({
      publicUrl: 'https://summit.example.com',
      secret,
    });
    expect(settingsError({ PUBLIC_URL: 'https://summit.example.com' }).message).toContain(
      'WEB_LINK_SECRET: is required with PUBLIC_URL',
    );
    const short = settingsError({ PUBLIC_URL: 'https://summit.example.com', WEB_LINK_SECRET: 'short-secret' });
    expect(short.message).toContain('WEB_LINK_SECRET: must be at least 32 characters');
    expect(short.message).not.toContain('short-secret');
    expect(settingsError({ PUBLIC_URL: 'summit.example.com', WEB_LINK_SECRET: secret }).message).toContain(
      'PUBLIC_URL: must be the http(s) address people open',
    );
    expect(scrubSecrets(`oops ${secret}`)).not.toContain(secret);
  });

  test('GitHub: GITHUB_TOKEN turns issues on (polling by default, webhooks with a secret); bad values are named, never echoed', () => {
    const token = 'github_pat_11ABCDEFG0123456789_abcdefghijklmnop';
    expect(readSettings({}).github).toBeUndefined();
    expect(readSettings({ GITHUB_TOKEN: token }).github).toEqual({
      token,
      apiUrl: 'https://api.github.com',
      pollMs: 60_000,
    });
    expect(
      readSettings({
        GITHUB_TOKEN: token,
        GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length',
      }).github,
    ).toEqual({
      token,
      apiUrl: 'https://ghe.example.com/api/v3',
      webhookSecret: 'a-webhook-secret-of-enough-length',
      pollMs: 60_000,
    });
    expect(readSettings({ GITHUB_TOKEN: token, GITHUB_POLL_SECONDS: '15' }).github?.pollMs).toBe(15_000);
    const bad = settingsError({
      GITHUB_TOKEN: 'not a token!',
      GITHUB_POLL_SECONDS: '5',
      GITHUB_API_URL: 'api.github.com',
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.message).toContain('GITHUB_TOKEN: must be a GitHub token');
    expect(bad.message).not.toContain('not a token!');
    expect(bad.message).toContain('GITHUB_POLL_SECONDS: must be a whole number of seconds from 10 to 3600');
    expect(bad.message).toContain('GITHUB_API_URL: must be an http(s) URL');
    expect(settingsError({ GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length' }).message).toContain(
      'GITHUB_WEBHOOK_SECRET: is set without GITHUB_TOKEN',
    );
    const short = settingsError({ GITHUB_TOKEN: token, GITHUB_WEBHOOK_SECRET: 'short' });
    expect(short.message).toContain('GITHUB_WEBHOOK_SECRET: must be at least 16 characters');
    expect(short.message).not.toContain('short"');
    expect(
      settingsError({
        GITHUB_TOKEN: token,
        GITHUB_WEBHOOK_SECRET: 'a-webhook-secret-of-enough-length',
        GITHUB_POLL_SECONDS: '30',
      }).message,
    ).toContain('GITHUB_POLL_SECONDS: is not used with GITHUB_WEBHOOK_SECRET');
    expect(scrubSecrets(`Authorization: token ${token}`)).not.toContain(token);
  });

  test('SUMMIT_ADMINS: Slack user ids, commas or spaces between; anything else is named', () => {
    expect(readSettings({ SUMMIT_ADMINS: 'U0ADA, U0BOB W0CAT' }).admins).toEqual(['U0ADA', 'U0BOB', 'W0CAT']);
    expect(settingsError({ SUMMIT_ADMINS: 'U0ADA,@bob' }).message).toContain(
      'SUMMIT_ADMINS: must be Slack user ids such as U0123ABCD, separated by commas; not "@bob"',
    );
    expect(readSettings({ SUMMIT_UPGRADE_INCIDENT: 'crowdstrike-2024' }).upgradeIncident).toBe('crowdstrike-2024');
    expect(settingsError({ SUMMIT_UPGRADE_INCIDENT: 'CrowdStrike 2024' }).message).toContain(
      'SUMMIT_UPGRADE_INCIDENT: must be the id of one of the data sets, not "CrowdStrike 2024"',
    );
  });

  test('bot token and signing secret: HTTP mode on PORT', () => {
    const s = readSettings({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, PORT: '8080' });
    expect(s.mode).toBe('http');
    expect(s.port).toBe(8080);
    expect(s.mode === 'http' && s.slack).toEqual({ botToken: BOT, signingSecret: SECRET });
  });

  test('an app token as well: Socket Mode', () => {
    expect(readSettings({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: APP }).mode).toBe(
      'socket',
    );
    expect(readSettings({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP }).mode).toBe('socket');
  });

  test('empty variables count as unset', () => {
    expect(readSettings({ SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: ' ', PORT: '' }).mode).toBe('console');
  });

  test('a bot token without the signing secret names SLACK_SIGNING_SECRET', () => {
    const e = settingsError({ SLACK_BOT_TOKEN: BOT });
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/SLACK_SIGNING_SECRET: is required/);
  });

  test('a signing secret without a bot token names SLACK_BOT_TOKEN', () => {
    expect(settingsError({ SLACK_SIGNING_SECRET: SECRET }).message).toMatch(
      /SLACK_BOT_TOKEN: is required with SLACK_SIGNING_SECRET/,
    );
  });

  test('an app token without a bot token names SLACK_BOT_TOKEN', () => {
    expect(settingsError({ SLACK_APP_TOKEN: APP }).message).toMatch(
      /SLACK_BOT_TOKEN: is required with SLACK_APP_TOKEN/,
    );
  });

  test('tokens of the wrong kind are named without echoing them', () => {
    const e = settingsError({
      SLACK_BOT_TOKEN: 'xoxp-user-token-secret',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: 'xoxb-wrong-secret',
    });
    expect(e.message).toMatch(/SLACK_BOT_TOKEN: must be a bot token starting with xoxb-/);
    expect(e.message).toMatch(/SLACK_APP_TOKEN: must be an app-level token starting with xapp-/);
    expect(e.message).not.toMatch(/user-token-secret|wrong-secret/);
  });

  test('a bad SLACK_API_URL', () => {
    expect(settingsError({ SLACK_API_URL: 'ftp://example.com/api' }).message).toMatch(
      /SLACK_API_URL: must be an http\(s\) URL/,
    );
    expect(settingsError({ SLACK_API_URL: 'not a url' }).message).toMatch(/SLACK_API_URL/);
  });

  test('SLACK_API_URL gets a trailing slash', () => {
    expect(readSettings({ SLACK_API_URL: 'http://127.0.0.1:9999/api' }).slackApiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  test('a bad SUMMIT_NOW', () => {
    expect(settingsError({ SUMMIT_NOW: 'next tuesday' }).message).toMatch(
      /SUMMIT_NOW: must be an ISO-8601 date or instant/,
    );
    expect(settingsError({ SUMMIT_NOW: '2024-02-30' }).message).toMatch(/SUMMIT_NOW/);
  });

  test('SUMMIT_NOW accepts a date or an instant', () => {
    expect(readSettings({ SUMMIT_NOW: '2024-09-03' }).summitNow).toBe('2024-09-03');
    expect(readSettings({ SUMMIT_NOW: '2024-09-10T16:00:00Z' }).summitNow).toBe('2024-09-10T16:00:00Z');
  });

  test('a bad PORT and a bad LOG_LEVEL', () => {
    expect(settingsError({ PORT: '70000' }).message).toMatch(/PORT: must be a whole number from 1 to 65535/);
    expect(settingsError({ PORT: '80a' }).message).toMatch(/PORT/);
    expect(settingsError({ LOG_LEVEL: 'loud' }).message).toMatch(/LOG_LEVEL: must be one of debug, info, warn, error/);
  });

  test('every bad variable is named in one message', () => {
    const e = settingsError({
      SLACK_BOT_TOKEN: BOT,
      PORT: '0',
      SUMMIT_NOW: 'soon',
      LOG_LEVEL: 'x',
      SLACK_API_URL: 'x',
    });
    for (const name of ['SLACK_SIGNING_SECRET', 'PORT', 'SUMMIT_NOW', 'LOG_LEVEL', 'SLACK_API_URL'])
      expect(e.message).toContain(`${name}:`);
    expect(e.code).toBe('settings_invalid');
  });
});

describe('the shutdown grace and the database connect bound', () => {
  test('default to 10 s and 60 s; take whole seconds; anything else is named', () => {
    const s = readSettings({});
    expect(s.shutdownGraceMs).toBe(10_000);
    expect(s.databaseConnectMs).toBe(60_000);
    expect(readSettings({ SHUTDOWN_GRACE_SECONDS: '2', DATABASE_CONNECT_SECONDS: '5' })).toMatchObject({
      shutdownGraceMs: 2000,
      databaseConnectMs: 5000,
    });
    const e = settingsError({ SHUTDOWN_GRACE_SECONDS: 'soon', DATABASE_CONNECT_SECONDS: '0' });
    expect(e.message).toMatch(/SHUTDOWN_GRACE_SECONDS: must be a whole number of seconds from 1 to 300, not "soon"/);
    expect(e.message).toMatch(/DATABASE_CONNECT_SECONDS: must be a whole number of seconds from 1 to 3600, not "0"/);
  });

  test('all three Slack variables: Socket Mode, noting that the signing secret is not used', () => {
    const s = readSettings({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: SECRET, SLACK_APP_TOKEN: APP });
    expect(s.mode === 'socket' && s.signingSecretIgnored).toBe(true);
  });

  test('a secret pasted into another variable is cut from the settings error', () => {
    const e = settingsError({
      SLACK_BOT_TOKEN: BOT,
      SLACK_SIGNING_SECRET: 'a-long-signing-secret-123',
      PORT: 'a-long-signing-secret-123',
    });
    expect(e.message).toMatch(/PORT: must be a whole number/);
    expect(scrubSecrets(e.message)).not.toContain('a-long-signing-secret-123');
  });
});
