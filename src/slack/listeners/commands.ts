import type { App, webApi } from '@slack/bolt';
import { handleCommandText } from '../../commands/handle';
import { parseCommand } from '../../commands/registry';
import type { Command } from '../../commands/types';
import { Memo } from '../../lib/memo';
import { impliedIncident, namedFirst } from '../../commands/resolve';
import type { CommandResult } from '../../commands/run';
import { StoreFailedError } from '../../lib/errors';
import type { Reply } from '../../views/doc';
import { failureReply, recordedNotShownReply } from '../../views/replies';
import { toSlackMessage, type SlackMessage } from '../../views/render-slack';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import { slackFailureCode } from '../failures';
import { refreshHome } from '../home';
import type { AckAsJson, DirectCommand, ReusedAnswer } from '../receiver';
import { SUMMIT_COMMAND } from '../../views/ids';

/** Past this, the reply goes by response_url instead of in the ack, so Slack's 3 seconds are never missed. */
export const ACK_DEADLINE_MS = 2000;

/** The fields of a slash command this bot reads (Slack sends them form-encoded over HTTP, as JSON in Socket Mode). */
export interface SlashCommandFields {
  command: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id: string;
  channel_name?: string;
  trigger_id?: string;
  response_url?: string;
}

/** How one transport answers a slash command. The same answering code runs on each (answerCommand). */
export interface CommandIO {
  /**
   * Acknowledges, with the reply or without. `json`: the transport writes the reply's serialised JSON as it is
   * (HTTP), so a reused reply is serialised once; otherwise it takes the message object (Socket Mode).
   */
  ack(reply?: { json: string } | { message: Record<string, unknown> }): Promise<void>;
  /** Posts to the command's response_url. */
  respond(message: Record<string, unknown>): Promise<unknown>;
  client: webApi.WebClient;
  json: boolean;
  /** The request's key (its signature over HTTP), so a write is applied once. */
  requestKey?: string;
}

/**
 * /summit through Bolt (Socket Mode; over HTTP the receiver calls answerCommand itself, see directCommand): Bolt's
 * ack and respond handed to the one answering path.
 */
export function registerCommands(app: App, deps: ListenerDeps): void {
  app.command(SUMMIT_COMMAND, async ({ command, ack, respond, client, context }) => {
    const ackAsJson = context.ackAsJson as AckAsJson | undefined;
    await answerCommand(command, deps, {
      ack: async (reply) => {
        if (reply === undefined) return ack();
        if ('json' in reply) {
          ackAsJson?.();
          return ack(reply.json);
        }
        return ack(reply.message);
      },
      respond,
      client,
      json: ackAsJson !== undefined,
      requestKey: requestKeyOf(context),
    });
  });
}

/**
 * The HTTP receiver's path for every /summit command (see SummitHTTPReceiver.answerCommandsWith): the same
 * answering code as Bolt's listener, without Bolt's dispatch, the ack written on the response and respond posted
 * to the response_url with the app's fetch. Anything that is not /summit goes on to Bolt (returns false).
 */
export function directCommand(deps: ListenerDeps, fetchFn: typeof fetch): DirectCommand {
  return (form, res, requestKey) => {
    if (form.get('command') !== SUMMIT_COMMAND) return false;
    const command = Object.fromEntries(form) as unknown as SlashCommandFields;
    const write = (status: number, body: string, type?: string) => {
      if (res.headersSent) return;
      res.writeHead(status, {
        ...(type && { 'content-type': type }),
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    };
    const work = answerCommand(command, deps, {
      ack: async (reply) => {
        if (reply === undefined) write(200, '');
        else write(200, 'json' in reply ? reply.json : JSON.stringify(reply.message), 'application/json');
      },
      respond: async (message) => {
        const url = command.response_url;
        if (!url) throw new Error('the command came without a response_url');
        const response = await fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message),
        });
        if (!response.ok) throw new Error(`Failed to respond to the response_url: ${response.status}`);
        return response;
      },
      client: deps.client,
      json: true,
      requestKey,
    });
    deps.background.track(
      work.catch((error: unknown) => {
        deps.log.error({ err: error }, 'unhandled error answering a command');
        write(500, '');
      }),
    );
    return true;
  };
}

/** Posts to a response_url, trying twice more after a failure (Slack takes five posts per command). */
async function respondRetrying(io: CommandIO, message: Record<string, unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await io.respond(message);
      return;
    } catch (error) {
      if (attempt >= 2) throw error;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}

/** Ack (with the reply when it is ready in time), then refresh the Home tab after a change. Never throws. */
export async function answerCommand(command: SlashCommandFields, deps: ListenerDeps, io: CommandIO): Promise<void> {
  const started = Date.now();
  const actor = actorOf({ id: command.user_id }, command.user_name);
  const work = handleCommandText(
    command.text ?? '',
    contextFor(deps, actor, command.channel_id, io.requestKey, command.channel_name),
    deps.replies,
    'slack',
  );
  let result: (CommandResult & { verb: string }) | undefined;
  let acked = false;
  try {
    result = await withDeadline(work, ACK_DEADLINE_MS);
    if (result?.form && command.trigger_id) {
      // A command that opens a form (add, correct): the form opens where the command was typed, and the
      // command's own reply stays unsaid (the form says it). A trigger lasts three seconds: opened at once.
      acked = true;
      await io.ack();
      await io.client.views.open({ trigger_id: command.trigger_id, view: result.form });
    } else if (result) {
      acked = true;
      // HTTP: the reply serialised once and reused, written as it is.
      await io.ack(
        io.json ? { json: serialised(result) } : { message: { response_type: 'ephemeral', ...rendered(result) } },
      );
    } else {
      acked = true;
      await io.ack();
      result = await work;
      await respondRetrying(io, { response_type: 'ephemeral', ...rendered(result) });
    }
  } catch (error) {
    if (result?.changed === true && acked) {
      // The command ran, and what it changed is committed: only its reply could not be posted. Never "nothing was
      // changed"; the change is said to be recorded if the response_url takes anything at all.
      deps.log.warn({ err: error, user: actor.id, verb: result.verb }, 'the reply to a command could not be posted');
      deps.metrics.slackError('response_url');
      deps.metrics.command(result.verb, (Date.now() - started) / 1000, 'ok');
      await io
        .respond({ response_type: 'ephemeral', ...toSlackMessage(recordedNotShownReply(result.reply.summary)) })
        .catch(() => undefined);
      refreshHome(io.client, actor.id, deps);
      return;
    }
    const slackCode = slackFailureCode(error);
    const code = error instanceof StoreFailedError ? error.detail : (slackCode ?? 'listener');
    deps.log.error({ err: error, user: actor.id, code }, 'command failed');
    if (slackCode !== undefined) deps.metrics.slackError(slackCode);
    else deps.metrics.internalError(code);
    deps.metrics.command(verbOf(command.text, deps), (Date.now() - started) / 1000, 'error');
    const failed = { response_type: 'ephemeral' as const, ...toSlackMessage(failureReply()) };
    if (!acked) await io.ack({ message: failed });
    else
      await io
        .respond(failed)
        .catch((e: unknown) => deps.log.warn({ err: e }, 'could not tell the user the command failed'));
    return;
  }
  const verb = result.verb;
  deps.metrics.command(verb, (Date.now() - started) / 1000, result.degraded ? 'degraded' : 'ok');
  if (result.degraded) deps.metrics.storeError();
  deps.log.info({ user: actor.id, channel: command.channel_id, verb, ms: Date.now() - started }, 'command');
  if (result.changed) refreshHome(io.client, actor.id, deps);
}

/** Texts parsed once each on the receiver's path (at most this many, of at most this many characters). */
const PARSES_MAX = 1000;
const PARSE_MEMO_MAX_CHARS = 200;

/**
 * The HTTP receiver's path for a reply already made (see SummitHTTPReceiver.answerReusedWith): the same parse, the
 * same reply cache and the same metrics and log line as the listener, with nothing awaited. A miss returns
 * undefined and the request takes the listener.
 */
export function reusedAnswer(deps: ListenerDeps): ReusedAnswer {
  // A workspace types the same few texts again and again: each is parsed once per generation of the data sets
  // (whose incident ids the first word may name). Pure; short texts only; bounded.
  let parses = new Memo<string, { incidentId?: string; cmd: Command }>(PARSES_MAX);
  let parsedGeneration = deps.catalog.generation;
  const parse = (text: string) => {
    if (text.length > PARSE_MEMO_MAX_CHARS) return parseText(text);
    if (parsedGeneration !== deps.catalog.generation) {
      parses = new Memo(PARSES_MAX);
      parsedGeneration = deps.catalog.generation;
    }
    return parses.getOrMake(text, () => parseText(text));
  };
  const parseText = (text: string) => {
    const { incidentId, rest } = namedFirst(text, deps.catalog);
    return { incidentId, cmd: parseCommand(rest, 'slack') };
  };
  return (form) => {
    if (form.get('command') !== SUMMIT_COMMAND) return undefined;
    const started = Date.now();
    const { incidentId, cmd } = parse(form.get('text') ?? '');
    const userId = form.get('user_id') ?? '';
    const channelId = form.get('channel_id') ?? undefined;
    let version: string | undefined;
    try {
      version = deps.store.stateVersionNow();
    } catch {
      return undefined;
    }
    // The incident as the command path finds it, from what is known without waiting; anything else is a miss.
    const follows = channelId !== undefined ? deps.store.followsNow(version) : undefined;
    if (channelId !== undefined && deps.catalog.size > 1 && incidentId === undefined && follows === undefined)
      return undefined;
    const incident = impliedIncident(deps.catalog, { channelId }, follows, incidentId);
    if (!incident) return undefined;
    const result = deps.replies.peek(
      incident.id,
      cmd,
      version,
      deps.clock.now(),
      () => deps.admins.knownAdmin(userId, incident.admins),
      deps.catalog.generation,
      () => deps.store.scoped(incident.id).curationsNow(version),
    );
    if (!result) return undefined;
    const body = serialisedBytes(result);
    deps.metrics.reply('receiver');
    deps.metrics.command(cmd.name, (Date.now() - started) / 1000, 'ok');
    deps.log.info(
      { user: userId, channel: form.get('channel_id'), verb: cmd.name, ms: Date.now() - started },
      'command',
    );
    return body;
  };
}

/** Rendering is pure too: a reused reply is rendered, and serialised for the HTTP ack, once. */
const renderedReplies = new WeakMap<Reply, { message: SlackMessage; json?: string; bytes?: Buffer }>();
function renderedEntry(result: CommandResult): { message: SlackMessage; json?: string; bytes?: Buffer } {
  let entry = renderedReplies.get(result.reply);
  if (!entry) {
    entry = { message: toSlackMessage(result.reply, { shareable: true }) };
    renderedReplies.set(result.reply, entry);
  }
  return entry;
}
function rendered(result: CommandResult): SlackMessage {
  return renderedEntry(result).message;
}
function serialised(result: CommandResult): string {
  const entry = renderedEntry(result);
  entry.json ??= JSON.stringify({ response_type: 'ephemeral', ...entry.message });
  return entry.json;
}
export function serialisedBytes(result: CommandResult): Buffer {
  const entry = renderedEntry(result);
  entry.bytes ??= Buffer.from(serialised(result));
  return entry.bytes;
}

/** The value if it settles within `ms`, else undefined (the work goes on). */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  // Most replies are ready within the same turn of the event loop (a reused reply): no timer for those.
  const quick = await Promise.race([
    work.then((value) => ({ value })),
    new Promise<undefined>((resolve) => setImmediate(() => resolve(undefined))),
  ]);
  if (quick) return quick.value;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The command's verb as a metric label: a known command name or "other" (never free text). */
function verbOf(text: string | undefined, deps: ListenerDeps): string {
  return parseCommand(namedFirst(text ?? '', deps.catalog).rest, 'slack').name;
}
