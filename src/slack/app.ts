import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { App, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors';
import { ReplyCache } from '../commands/handle';
import { InFlight } from '../lib/inflight';
import { boltLogger } from '../lib/logger';
import type { Settings } from '../settings';
import { AdminDirectory } from './admins';
import type { SlackDeps } from './deps';
import { registerActions, registerReminderActions } from './listeners/actions';
import { registerCommands } from './listeners/commands';
import { registerEvents } from './listeners/events';
import { registerViews } from './listeners/views';
import { SummitHTTPReceiver } from './receiver';
import { ListenerRouter } from './router';

export type { SlackDeps };

export interface BotIdentity {
  botId?: string;
  botUserId?: string;
  team?: string;
}

export interface RunningSlackApp {
  app: App;
  /** Stops taking requests, then waits for work in flight (Home refreshes, confirmations) to finish. */
  /** The HTTP port actually bound (HTTP mode). */
  port?: number;
  stop(): Promise<void>;
}

/** /healthz waits this long for the store before calling it unreachable. */
const HEALTH_TIMEOUT_MS = 1000;

/** The promise's value, or false if it takes longer than `ms`. */
function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]).finally(() => clearTimeout(timer));
}

const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

/**
 * Checks the bot token with auth.test before anything starts, so a wrong token ends the process with a clear
 * message (exit code 1) instead of an unhandled rejection deep inside Bolt.
 */
export async function verifyBotToken(settings: Settings, log: Logger): Promise<BotIdentity> {
  if (!settings.slack) throw new Error('verifyBotToken needs Slack settings');
  const client = new webApi.WebClient(settings.slack.botToken, {
    slackApiUrl: settings.slackApiUrl,
    logger: boltLogger(log),
    retryConfig: { retries: 2, factor: 1.5, minTimeout: 250, maxTimeout: 1000 },
  });
  try {
    const r = await client.auth.test();
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
      throw new AppError('slack_auth_failed', `Slack answered auth.test with "${slackError}". Check SLACK_BOT_TOKEN.`, 1, { cause: e });
    }
    throw new AppError(
      'slack_unreachable',
      `Could not reach the Slack Web API at ${settings.slackApiUrl} (${err.message}). Check the network and SLACK_API_URL.`,
      1,
      { cause: e },
    );
  }
}

/**
 * Builds the Bolt app for HTTP or Socket Mode, with its listeners. Does not start it.
 */
export interface BuiltSlackApp {
  app: App;
  background: InFlight;
}

export function buildSlackApp(deps: SlackDeps, identity: BotIdentity = {}, realNow?: () => number): BuiltSlackApp {
  const { settings, incident, log } = deps;
  const slack = settings.slack;
  if (!slack) throw new Error('buildSlackApp needs Slack settings');
  const logger = boltLogger(log);
  const common = {
    token: slack.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    tokenVerificationEnabled: false,
    clientOptions: { slackApiUrl: settings.slackApiUrl },
    logger,
    // summit-bot keeps no conversation state in Bolt; its per-request middleware is work for nothing.
    convoStore: false as const,
  };

  let app: App;
  if (settings.mode === 'socket') {
    // The Socket Mode client makes its own Web API calls (apps.connections.open): point them at SLACK_API_URL too.
    app = new App({ ...common, appToken: slack.appToken, socketMode: true, installerOptions: { clientOptions: { slackApiUrl: settings.slackApiUrl } } });
  } else {
    const receiver = new SummitHTTPReceiver({
      signingSecret: slack.signingSecret ?? '',
      logger,
      realNow,
      customRoutes: [
        {
          path: '/healthz',
          method: ['GET'],
          handler: (_req, res) => {
            void withTimeout(deps.store.ping(), HEALTH_TIMEOUT_MS).then((reachable) => {
              res.writeHead(reachable ? 200 : 503, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ status: reachable ? 'ok' : 'degraded', store: reachable ? 'ok' : 'unreachable', dataset: incident.title }));
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
    app = new App({ ...common, receiver });
  }

  const background = new InFlight();
  const listenerDeps = { ...deps, background, replies: new ReplyCache(), admins: new AdminDirectory(app.client, incident.admins, log, realNow) };
  registerCommands(app, listenerDeps);
  const router = new ListenerRouter();
  registerActions(router, listenerDeps);
  registerReminderActions(router, listenerDeps);
  registerViews(router, listenerDeps);
  router.mount(app);
  registerEvents(app, listenerDeps);
  app.error(async (error) => {
    log.error({ err: error }, 'unhandled error in a Slack listener');
  });
  return { app, background };
}

/** Starts the app (HTTP on settings.port, or Socket Mode) and returns how to stop it. */
export async function startSlackApp({ app, background }: BuiltSlackApp, settings: Settings): Promise<RunningSlackApp> {
  const stop = async () => {
    await app.stop();
    await background.drain();
  };
  if (settings.mode === 'socket') {
    await app.start();
    return { app, stop };
  }
  const server = (await app.start(settings.host ? { port: settings.port, host: settings.host } : settings.port)) as Server;
  const port = (server.address() as AddressInfo).port;
  return { app, port, stop };
}
