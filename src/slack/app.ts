import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { AppError, ConfigError } from '../lib/errors';
import { ReplyCache } from '../commands/handle';
import { InFlight } from '../lib/inflight';
import { boltLogger } from '../lib/logger';
import type { SlackSettings } from '../settings';
import { AdminDirectory } from './admins';
import type { SlackDeps } from './deps';
import { registerActions } from './listeners/actions';
import { registerShortcuts } from './listeners/shortcuts';
import { registerSuggestions } from './listeners/suggestions';
import { directCommand, registerCommands, reusedAnswer, serialisedBytes } from './listeners/commands';
import { registerEvents } from './listeners/events';
import { registerViews } from './listeners/views';
import { SummitHTTPReceiver } from './receiver';
import { buildSocketModeReceiver } from './socket';
import { ListenerRouter } from './router';
import { refreshHome } from './home';

export type { SlackDeps };

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  team?: string;
}

export interface RunningSlackApp {
  app: App;
  /** The HTTP port actually bound (HTTP mode). */
  port?: number;
  /** Stops taking requests, then waits for work in flight (Home refreshes, confirmations) to finish. */
  stop(): Promise<void>;
  /** How many pieces of background work are still running (for the shutdown log). */
  inFlight(): number;
}

/**
 * Web API calls made while answering a person (users.info, views.open, views.publish, chat.postMessage for Share,
 * chat.postEphemeral, response_url): each attempt gets INTERACTIVE_TIMEOUT_MS and one quick retry, so an answer
 * (or a clear failure) comes within Slack's 3 seconds. A 429 is not waited out: the client would pause its whole
 * queue, holding every other user's reply behind one method's limit; it fails that call alone instead.
 * Reminders use their own client and a longer policy (scheduler/slack-poster.ts).
 */
export const INTERACTIVE_TIMEOUT_MS = 800;
const INTERACTIVE_RETRY = { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 100 };

/** fetch with a deadline: Bolt's respond() (response_url) uses the client's fetch, which has none of its own. */
export function fetchWithTimeout(ms: number): typeof fetch {
  return (input, init) => {
    const deadline = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetch(input, { ...init, signal });
  };
}

/** auth.test at start: each attempt's timeout, and the bound on the whole check. */
const AUTH_TEST_TIMEOUT_MS = 3000;
export const AUTH_TEST_DEADLINE_MS = 8000;

/** /healthz waits this long for the store before calling it unreachable. */
const HEALTH_TIMEOUT_MS = 1000;

/** The promise's value, or false if it takes longer than `ms`. */
function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]).finally(
    () => clearTimeout(timer),
  );
}

const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
]);

/**
 * Checks the bot token with auth.test before anything starts, so a wrong token ends the process with a clear
 * message (exit code 1) instead of an unhandled rejection deep inside Bolt.
 */
export async function verifyBotToken(settings: SlackSettings, log: Logger): Promise<BotIdentity> {
  const client = new webApi.WebClient(settings.slack.botToken, {
    slackApiUrl: settings.slackApiUrl,
    logger: boltLogger(log),
    timeout: AUTH_TEST_TIMEOUT_MS,
    retryConfig: { retries: 1, factor: 1, minTimeout: 500, maxTimeout: 500 },
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${AUTH_TEST_DEADLINE_MS / 1000} s`)),
      AUTH_TEST_DEADLINE_MS,
    );
  });
  try {
    const r = await Promise.race([client.auth.test(), deadline]);
    return { botId: r.bot_id, botUserId: r.user_id, team: r.team };
  } catch (e) {
    const err = e as webApi.WebAPIPlatformError | Error;
    if ('code' in err && err.code === webApi.ErrorCode.PlatformError) {
      const slackError = (err as webApi.WebAPIPlatformError).data.error;
      if (AUTH_ERRORS.has(slackError))
        throw new AppError(
          'slack_auth_failed',
          `Slack rejected SLACK_BOT_TOKEN (${slackError}). Copy the Bot User OAuth Token (xoxb-...) from your app's OAuth & Permissions page, reinstall the app if it was revoked, and start again.`,
          1,
          { cause: e },
        );
      throw new AppError(
        'slack_auth_failed',
        `Slack answered auth.test with "${slackError}". Check SLACK_BOT_TOKEN.`,
        1,
        { cause: e },
      );
    }
    throw new AppError(
      'slack_unreachable',
      `Could not reach the Slack Web API at ${settings.slackApiUrl} (${err.message}). Check the network and SLACK_API_URL.`,
      1,
      { cause: e },
    );
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds the Bolt app for HTTP or Socket Mode, with its listeners. Does not start it.
 */
export interface BuiltSlackApp {
  app: App;
  background: InFlight;
  /** Refreshes one person's Home tab (in the background). */
  refreshHomeOf: (userId: string) => void;
}

export function buildSlackApp(deps: SlackDeps, identity: BotIdentity = {}, realNow?: () => number): BuiltSlackApp {
  const { settings, catalog, log } = deps;
  const logger = boltLogger(log);
  const common = {
    token: settings.slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    tokenVerificationEnabled: false,
    clientOptions: {
      slackApiUrl: settings.slackApiUrl,
      timeout: INTERACTIVE_TIMEOUT_MS,
      retryConfig: INTERACTIVE_RETRY,
      rejectRateLimitedCalls: true,
      fetch: fetchWithTimeout(INTERACTIVE_TIMEOUT_MS),
    },
    logger,
    // summit-bot keeps no conversation state in Bolt; its per-request middleware is work for nothing.
    convoStore: false as const,
  };

  let app: App;
  let httpReceiver: SummitHTTPReceiver | undefined;
  if (settings.mode === 'socket') {
    app = new App({ ...common, receiver: buildSocketModeReceiver(settings, logger, log, deps.onFatal ?? failLater) });
  } else {
    const receiver = new SummitHTTPReceiver({
      signingSecret: settings.slack.signingSecret,
      logger,
      realNow,
      customRoutes: [
        {
          path: '/healthz',
          method: ['GET'],
          handler: (_req, res) => {
            void withTimeout(deps.store.ping(), HEALTH_TIMEOUT_MS).then((reachable) => {
              res.writeHead(reachable ? 200 : 503, { 'content-type': 'application/json' });
              res.end(
                JSON.stringify({
                  status: reachable ? 'ok' : 'degraded',
                  store: reachable ? 'ok' : 'unreachable',
                  incidents: catalog.incidents.map((i) => i.id),
                }),
              );
            });
          },
        },
        {
          path: '/metrics',
          method: ['GET'],
          handler: (_req, res) => {
            void deps.metrics.text().then((body) => {
              res.writeHead(200, { 'content-type': deps.metrics.contentType });
              res.end(body);
            });
          },
        },
      ],
    });
    if (deps.pages) receiver.servePagesWith(deps.pages);
    app = new App({ ...common, receiver });
    httpReceiver = receiver;
  }

  const background = new InFlight();
  const listenerDeps = {
    ...deps,
    background,
    client: app.client,
    // A kept reply's weight: its rendered, serialised Slack message (made once, and what an HTTP ack sends), twice
    // over for the reply document and the rendered message it is kept with.
    replies: new ReplyCache(
      (path) => deps.metrics.reply(path),
      (result) => 2 * serialisedBytes(result).length,
    ),
    admins: new AdminDirectory(app.client, settings.admins, log, realNow),
  };
  registerCommands(app, listenerDeps);
  httpReceiver?.answerReusedWith(reusedAnswer(listenerDeps));
  httpReceiver?.answerCommandsWith(directCommand(listenerDeps, fetchWithTimeout(INTERACTIVE_TIMEOUT_MS)));
  const router = new ListenerRouter();
  registerActions(router, listenerDeps);
  registerViews(router, listenerDeps);
  registerShortcuts(router, listenerDeps);
  registerSuggestions(router, listenerDeps);
  router.mount(app, log, deps.metrics);
  registerEvents(app, listenerDeps);
  app.error(async (error) => {
    log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  // A change that came from GitHub shows on its owner's Home tab, as a change made in Slack shows on its author's.
  const refreshHomeOf = (userId: string) => refreshHome(app.client, userId, listenerDeps);
  return { app, background, refreshHomeOf };
}

/** Without an onFatal from main, a fatal error surfaces as an unhandled rejection (main's policy ends the process). */
function failLater(error: AppError): void {
  void Promise.reject(error);
}

/** Slowly trickled requests are cut off: a header must arrive within this, a whole request within the next. */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;

/** Starts the app (HTTP on settings.port, or Socket Mode) and returns how to stop it. */
export async function startSlackApp(
  { app, background }: BuiltSlackApp,
  settings: SlackSettings,
): Promise<RunningSlackApp> {
  const stop = async () => {
    await app.stop();
    await background.drain();
  };
  const inFlight = () => background.size;
  if (settings.mode === 'socket') {
    await app.start();
    return { app, stop, inFlight };
  }
  let server: Server;
  try {
    server = (await app.start(settings.host ? { port: settings.port, host: settings.host } : settings.port)) as Server;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use by another program'
          : code === 'EACCES'
            ? 'needs privileges this process lacks'
            : 'is not an address of this machine';
      throw new ConfigError(
        'settings_invalid',
        `Cannot listen on ${settings.host ?? 'all interfaces'}, port ${settings.port}: the ${code === 'EADDRNOTAVAIL' ? 'HOST' : 'port'} ${why}. Set PORT to a free port${code === 'EADDRNOTAVAIL' ? ' and HOST to an address of this machine' : ''}, or stop the other program.`,
        { cause: e },
      );
    }
    throw e;
  }
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  const port = (server.address() as AddressInfo).port;
  return { app, port, stop, inFlight };
}
