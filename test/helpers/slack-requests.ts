import { createHmac } from 'node:crypto';
import { checkResponseBody, record } from './slack-rules';

/** Slack's request signature: v0= + hex HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"). */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedOptions {
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Override the signature (to send a bad one). */
  signature?: string;
  secret: string;
}

/** The fields Slack sends for a slash command (form-encoded over HTTP, as the payload in Socket Mode). */
export function slashCommandFields(text: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    team_domain: 'test',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/summit',
    text,
    api_app_id: 'A0SUMMIT',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0TEST/1/abc',
    trigger_id: '1.2.abc',
    ...overrides,
  };
}

/** A slash command form-encoded in Slack's order. */
export function slashCommandBody(text: string, overrides: Record<string, string> = {}): string {
  return new URLSearchParams(slashCommandFields(text, overrides)).toString();
}

/** POSTs a form body to the bot as Slack would: signed, with Slack's headers. */
export async function postSigned(
  url: string,
  body: string,
  opts: SignedOptions,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Response> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': opts.signature ?? slackSignature(opts.secret, timestamp, body),
    },
    body,
  });
  await checkAnswer(res);
  return res;
}

/**
 * What the bot answered Slack's request with (a command's reply, an interaction's response, a response_action, a
 * block_suggestion's options), held to Slack's rules like every payload (slack-rules.ts); the test reads the
 * response as it was.
 */
export async function checkAnswer(res: Response): Promise<void> {
  if (!(res.headers.get('content-type') ?? '').includes('application/json')) return;
  const text = await res.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  record(`the bot's answer to a request (${res.url})`, checkResponseBody(body));
}

/** An interactivity payload (block_actions, view_submission) as Slack posts it: form-encoded `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** An Events API callback as Slack posts it (JSON). */
export function eventBody(event: Record<string, unknown>): string {
  return JSON.stringify({
    token: 'deprecated',
    team_id: 'T0TEST',
    api_app_id: 'A0SUMMIT',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

/** block_actions for one button press. */
export function buttonPress(opts: {
  actionId: string;
  value: string;
  userId: string;
  userName?: string;
  channelId?: string;
  responseUrl?: string;
}) {
  return {
    type: 'block_actions',
    team: { id: 'T0TEST', domain: 'test' },
    user: {
      id: opts.userId,
      username: opts.userName ?? 'someone',
      name: opts.userName ?? 'someone',
      team_id: 'T0TEST',
    },
    api_app_id: 'A0SUMMIT',
    token: 'deprecated',
    trigger_id: '111.222.trigger',
    container: opts.channelId
      ? { type: 'message', message_ts: '1.2', channel_id: opts.channelId, is_ephemeral: true }
      : { type: 'view', view_id: 'V0HOME' },
    channel: opts.channelId ? { id: opts.channelId, name: 'general' } : undefined,
    response_url: opts.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: opts.actionId,
        block_id: 'b1',
        value: opts.value,
        text: { type: 'plain_text', text: 'x' },
        action_ts: '1.3',
      },
    ],
  };
}

/**
 * A message shortcut as Slack sends it (type message_action: the message, its channel and ts, who used it).
 * https://api.slack.com/reference/interaction-payloads/shortcuts#message_actions
 */
export function messageShortcut(opts: {
  callbackId: string;
  userId: string;
  channelId: string;
  message: { ts: string; text?: string; user?: string; files?: unknown[] };
  responseUrl?: string;
}) {
  return {
    type: 'message_action',
    token: 'deprecated',
    action_ts: '1700000000.000100',
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: opts.userId, name: 'someone', username: 'someone', team_id: 'T0TEST' },
    channel: { id: opts.channelId, name: 'general' },
    callback_id: opts.callbackId,
    trigger_id: '111.222.trigger',
    message_ts: opts.message.ts,
    message: { type: 'message', ...opts.message },
    response_url: opts.responseUrl,
  };
}

/** A view_submission of one of the bot's forms, with the state values Slack sends for it. */
export function viewSubmission(opts: {
  callbackId: string;
  userId: string;
  metadata: string;
  values: Record<string, Record<string, Record<string, unknown>>>;
}) {
  return {
    type: 'view_submission',
    team: { id: 'T0TEST' },
    user: { id: opts.userId, name: 'someone', team_id: 'T0TEST' },
    api_app_id: 'A0SUMMIT',
    token: 'deprecated',
    trigger_id: '1.2.3',
    view: {
      id: 'V0FORM',
      type: 'modal',
      callback_id: opts.callbackId,
      private_metadata: opts.metadata,
      state: { values: opts.values },
    },
  };
}
