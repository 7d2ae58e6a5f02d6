import { SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import { AppError } from '../lib/errors';
import type { SocketSettings } from '../settings';
import { interactionProblem, slashCommandProblem } from './payload';

/** Slack's answers to apps.connections.open that no retry can fix: the app-level token is wrong or revoked. */
const APP_TOKEN_REJECTED = new Set([
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'user_removed_from_team',
  'team_disabled',
]);

export function appTokenRejected(code: string): AppError {
  return new AppError(
    'slack_auth_failed',
    `Slack rejected SLACK_APP_TOKEN (${code}). Create an app-level token with the connections:write scope under your app's Basic Information > App-Level Tokens, set it as SLACK_APP_TOKEN (xapp-...), and start again.`,
    1,
  );
}

/**
 * Bolt's Socket Mode receiver, built here so its client can be held to two rules:
 * - a rejected or revoked app token, at start or on a later reconnect, ends the process through `onFatal` with an
 *   AppError naming SLACK_APP_TOKEN (exit 1 with that sentence), instead of an "unexpected error" with a stack
 *   trace at start, or a client that retries a revoked token forever (it counts token_revoked as recoverable);
 * - an envelope that lacks what the client reads from it (an events_api envelope without payload.event) is logged
 *   and dropped before the client sees it, so it can neither crash the process nor cut the connection.
 */
export function buildSocketModeReceiver(
  settings: SocketSettings,
  boltLogger: BoltLogger,
  log: Logger,
  onFatal: (error: AppError) => void,
): SocketModeReceiver {
  const receiver = new SocketModeReceiver({
    appToken: settings.slack.appToken,
    logger: boltLogger,
    // The client's own Web API calls (apps.connections.open) go to SLACK_API_URL too.
    installerOptions: { clientOptions: { slackApiUrl: settings.slackApiUrl } },
  });
  const client = receiver.client as unknown as NodeJS.EventEmitter & {
    webClient: { apps: { connections: { open: (args: object) => Promise<unknown> } } };
  };
  const connections = client.webClient.apps.connections;
  const open = connections.open.bind(connections);
  connections.open = async (args: object) => {
    try {
      return await open(args);
    } catch (error) {
      const code = (error as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && APP_TOKEN_REJECTED.has(code)) onFatal(appTokenRejected(code));
      throw error;
    }
  };
  const handlers = client.listeners('ws_message') as ((data: string | ArrayBuffer, isBinary: boolean) => unknown)[];
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: string | ArrayBuffer, isBinary: boolean) => {
    const problem = isBinary ? undefined : envelopeProblem(data);
    if (problem) {
      log.warn({ problem }, 'dropped a malformed Socket Mode envelope');
      return;
    }
    for (const handler of handlers) handler(data, isBinary);
  });
  return receiver;
}

/** What is wrong with an envelope the client would choke on; undefined when it is fine (or not JSON: the client skips those). */
export function envelopeProblem(data: string | ArrayBuffer): string | undefined {
  let envelope: unknown;
  try {
    envelope = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (typeof envelope !== 'object' || envelope === null) return 'not an object';
  const e = envelope as { type?: unknown; envelope_id?: unknown; payload?: { event?: { type?: unknown } } };
  if (typeof e.type !== 'string') return 'no type';
  // Every envelope that carries work has an id to acknowledge it by; one without cannot be acknowledged, so it is
  // not run (Slack would send it again). hello and disconnect carry none.
  if (
    ['events_api', 'slash_commands', 'interactive'].includes(e.type) &&
    (typeof e.envelope_id !== 'string' || e.envelope_id === '')
  )
    return `a ${e.type} envelope without envelope_id`;
  if (e.type === 'events_api' && typeof e.payload?.event?.type !== 'string')
    return 'an events_api envelope without payload.event.type';
  if (
    (e.type === 'slash_commands' || e.type === 'interactive') &&
    (typeof e.payload !== 'object' || e.payload === null)
  )
    return `a ${e.type} envelope without payload`;
  if (e.type === 'interactive') return interactionProblem(e.payload);
  if (e.type === 'slash_commands') {
    const payload = e.payload as Record<string, unknown>;
    return slashCommandProblem((f) => payload[f]);
  }
  return undefined;
}
