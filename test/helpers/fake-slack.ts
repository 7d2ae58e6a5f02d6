import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebApiCall, record, type Violation } from './slack-rules';

/** One Web API call as the fake Slack received it. */
export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  authorization?: string;
}

export interface FakeResponse {
  http: true;
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/** An answer with its own HTTP status and headers (429 with Retry-After, a 500). */
export function httpReply(
  status: number,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): FakeResponse {
  return { http: true, status, headers, body };
}

type Handler = (call: RecordedCall) => FakeResponse | Record<string, unknown>;

/**
 * Faults a method can be given, each as Slack or the network shows it:
 * - hang: the request is read and never answered (a stalled connection);
 * - unavailable: HTTP 503 (Slack's "service_unavailable"; node-slack-sdk retries non-200 answers);
 * - ratelimited: HTTP 429 with Retry-After in seconds (https://api.slack.com/docs/rate-limits);
 * - reset: the connection is destroyed before any answer (a lost answer);
 * - malformed: HTTP 200 whose body is not JSON;
 * - lost: the call takes effect (a message is posted) but its answer never arrives (the connection is cut).
 */
export type Fault =
  | { kind: 'hang' }
  | { kind: 'unavailable' }
  | { kind: 'ratelimited'; retryAfter: number }
  | { kind: 'reset' }
  | { kind: 'malformed' }
  | { kind: 'lost' };

/**
 * A channel as Slack sees it from the bot's side. Registered channels are held to Slack's membership rules
 * (../shared/reference/slack-platform.md; https://docs.slack.dev/reference/methods/conversations.join):
 * - public, not a member: chat.postMessage works (chat:write.public); conversations.history answers
 *   not_in_channel; conversations.join joins (ok, or ok with the warning already_in_channel);
 * - private, not a member: the bot cannot see it: every call answers channel_not_found (join too);
 * - private, a member: posting and history work; join answers method_not_supported_for_channel_type;
 * - archived: posting and joining answer is_archived;
 * - a group DM (mpim) the bot is not part of: join answers method_not_supported_for_channel_type, and history
 *   missing_scope (the app has no mpim:history; https://api.slack.com/methods/conversations.history lists
 *   missing_scope among its errors).
 * chat.getPermalink answers channel_not_found for a conversation the bot cannot see
 * (https://api.slack.com/methods/chat.getPermalink: "Error response when channel cannot be found").
 */
export interface FakeChannel {
  private: boolean;
  member: boolean;
  archived: boolean;
  groupDm: boolean;
}

const DEFAULTS: Record<string, Handler> = {
  'auth.test': () => ({
    ok: true,
    url: 'https://test.slack.com/',
    team: 'Test Team',
    team_id: 'T0TEST',
    user: 'summit-bot',
    user_id: 'UBOT',
    bot_id: 'BBOT',
  }),
  'chat.postEphemeral': () => ({ ok: true, message_ts: `${Date.now() / 1000}` }),
  // https://api.slack.com/methods/chat.update: the channel and ts of the message it replaced.
  'chat.update': (c) => ({ ok: true, channel: c.body.channel, ts: c.body.ts, text: c.body.text }),
  'views.publish': () => ({ ok: true, view: { id: 'V1' } }),
  'views.open': () => ({ ok: true, view: { id: 'V2' } }),
  'users.info': (c) => ({
    ok: true,
    user: { id: c.body.user, is_admin: false, is_owner: false, is_bot: false, deleted: false },
  }),
  // https://api.slack.com/methods/chat.getPermalink: no scope needed; the permalink of an existing message.
  'chat.getPermalink': (c) => ({
    ok: true,
    channel: c.body.channel,
    permalink: `https://test.slack.com/archives/${String(c.body.channel)}/p${String(c.body.message_ts).replace('.', '')}`,
  }),
  response_url: () => ({ ok: true }),
};

/**
 * A small stand-in for Slack's Web API on 127.0.0.1: records every call (JSON or form-encoded) and answers
 * like Slack does, with per-method overrides for errors and rate limits.
 */
export class FakeSlack {
  readonly calls: RecordedCall[] = [];
  /** Messages posted with chat.postMessage, by channel, as conversations.history returns them. */
  readonly messages = new Map<string, { ts: string; text: unknown; metadata?: unknown }[]>();
  private tsCounter = 0;
  /** Answers this much later (a slow Slack): the call is recorded at once, the answer comes after the delay. */
  delayMs = 0;
  /** What each method answers unless a test says otherwise. */
  private readonly defaults = new Map<string, Handler>([
    ...Object.entries(DEFAULTS),
    [
      'chat.postMessage',
      (c) => {
        const channel = String(c.body.channel);
        const ts = this.addMessage(channel, c.body.text, c.body.metadata);
        return { ok: true, channel, ts, message: { text: c.body.text } };
      },
    ],
    ['conversations.open', (c) => ({ ok: true, channel: { id: `D${String(c.body.users)}` } })],
    ['conversations.join', (c) => ({ ok: true, channel: { id: c.body.channel } })],
    [
      'conversations.history',
      (c) => ({
        ok: true,
        messages: [...(this.messages.get(String(c.body.channel)) ?? [])].reverse(),
        has_more: false,
      }),
    ],
  ]);
  private readonly handlers = new Map<string, Handler>(this.defaults);
  private readonly faults = new Map<string, { fault: Fault; when: (call: RecordedCall) => boolean }>();
  private readonly hanging = new Set<ServerResponse>();
  /** Channels held to Slack's membership rules (others answer as the handlers say). */
  readonly channels = new Map<string, FakeChannel>();
  private server?: Server;
  url = '';

  /** Records a message as posted (what chat.postMessage does), returning its ts. */
  addMessage(channel: string, text: unknown, metadata?: unknown): string {
    this.tsCounter += 1;
    const ts = `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
    const list = this.messages.get(channel) ?? [];
    list.push({ ts, text, metadata });
    this.messages.set(channel, list);
    return ts;
  }

  on(method: string, handler: Handler): this {
    this.handlers.set(method, handler);
    return this;
  }

  /** Puts a method back to its default answer (and clears its fault). */
  reset(method: string): this {
    const handler = this.defaults.get(method);
    if (handler) this.handlers.set(method, handler);
    this.faults.delete(method);
    return this;
  }

  /** Registers a channel, held to Slack's membership rules from now on. */
  channel(id: string, how: Partial<FakeChannel> = {}): this {
    this.channels.set(id, { private: false, member: false, archived: false, groupDm: false, ...how });
    return this;
  }

  /** What Slack answers for a registered channel the bot may not use this way; undefined when the call goes ahead. */
  private membership(method: string, call: RecordedCall): Record<string, unknown> | undefined {
    const c = this.channels.get(String(call.body.channel));
    if (!c) return undefined;
    const no = (error: string) => ({ ok: false, error });
    switch (method) {
      case 'chat.postMessage':
        if ((c.private || c.groupDm) && !c.member) return no('channel_not_found');
        if (c.archived) return no('is_archived');
        return undefined;
      case 'conversations.history':
        if (c.groupDm)
          return {
            ...no('missing_scope'),
            needed: 'mpim:history',
            provided: 'channels:history,groups:history,im:history',
          };
        if (c.private && !c.member) return no('channel_not_found');
        if (!c.member) return no('not_in_channel');
        return undefined;
      case 'chat.getPermalink':
        if ((c.private || c.groupDm) && !c.member) return no('channel_not_found');
        return undefined;
      case 'conversations.join':
        if (c.groupDm) return no('method_not_supported_for_channel_type');
        if (c.private || c.groupDm) return no(c.member ? 'method_not_supported_for_channel_type' : 'channel_not_found');
        if (c.archived) return no('is_archived');
        if (c.member)
          return { ok: true, channel: { id: call.body.channel, is_member: true }, warning: 'already_in_channel' };
        c.member = true;
        return { ok: true, channel: { id: call.body.channel, is_member: true } };
      default:
        return undefined;
    }
  }

  /** Gives a method a fault, for every call or only the calls `when` picks (one user, one channel). */
  fault(method: string, fault: Fault, when: (call: RecordedCall) => boolean = () => true): this {
    this.faults.set(method, { fault, when });
    return this;
  }

  /** Answers every hanging request with 503 (the stall ends). */
  releaseHanging(): void {
    for (const res of this.hanging)
      if (!res.destroyed) res.writeHead(503).end('{"ok":false,"error":"service_unavailable"}');
    this.hanging.clear();
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        // Posts to a response_url (given out by tests as <fake>/hooks/...) are recorded as "response_url".
        const method = req.url?.startsWith('/hooks/')
          ? 'response_url'
          : ((req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '');
        const call: RecordedCall = {
          method,
          body: parseBody(raw, req.headers['content-type']),
          authorization: req.headers.authorization,
        };
        this.calls.push(call);
        // Every payload is held to Slack's Block Kit rules, and one that breaks them is refused as Slack refuses it
        // (the test that made it fails too: slack-rules-setup.ts).
        const broken = record(`fake Slack ${method}`, checkWebApiCall(method, call.body));
        if (broken.length > 0) return void refuse(res, method, broken);
        const faulty = this.faults.get(method);
        if (faulty && faulty.when(call)) {
          const f = faulty.fault;
          if (f.kind === 'hang') return void this.hanging.add(res);
          if (f.kind === 'reset') return void req.socket.destroy();
          if (f.kind === 'malformed')
            return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok": tr');
          if (f.kind === 'lost') {
            const handler = this.handlers.get(method);
            if (handler) handler(call);
            return void req.socket.destroy();
          }
          if (f.kind === 'unavailable')
            return void res
              .writeHead(503, { 'content-type': 'application/json' })
              .end('{"ok":false,"error":"service_unavailable"}');
          return void res
            .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(f.retryAfter) })
            .end('{"ok":false,"error":"ratelimited"}');
        }
        const handler = this.handlers.get(method);
        const out = this.membership(method, call) ?? (handler ? handler(call) : { ok: false, error: 'unknown_method' });
        const response: FakeResponse =
          out.http === true ? (out as FakeResponse) : httpReply(200, out as Record<string, unknown>);
        const send = () => {
          if (res.destroyed) return;
          res.writeHead(response.status, { 'content-type': 'application/json', ...response.headers });
          res.end(JSON.stringify(response.body));
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
    return this.url;
  }

  /** A response_url on this server, for slash commands and button presses. */
  hookUrl(name = 'cmd'): string {
    return this.url.replace(/\/api\/$/, `/hooks/${name}`);
  }

  async stop(): Promise<void> {
    // Work the bot started after answering (a Home tab refresh) may still hold a keep-alive connection: end it.
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.hanging.clear();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

/**
 * What Slack answers a payload that breaks its rules:
 * - chat.*: HTTP 200 `{ok:false, error:"invalid_blocks", errors, response_metadata:{messages}}`, each message
 *   "[ERROR] ... [json-pointer:/blocks/0/...]" (slackapi/bolt-python#1016; slackapi/java-slack-sdk#1017);
 * - views.*: HTTP 200 `{ok:false, error:"invalid_arguments", response_metadata:{messages}}` (imryche/blockkit#105);
 * - a response_url: HTTP 400 with the body "invalid_blocks" (slackapi/java-slack-sdk#1017,
 *   sourcegraph/sourcegraph-public-snapshot#49979).
 */
function refuse(res: ServerResponse, method: string, broken: Violation[]): void {
  const messages = broken.map((v) => `[ERROR] ${v.detail} [json-pointer:${v.path}]`);
  if (method === 'response_url') return void res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
  const body = method.startsWith('views.')
    ? { ok: false, error: 'invalid_arguments', response_metadata: { messages } }
    : { ok: false, error: 'invalid_blocks', errors: messages, response_metadata: { messages } };
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
  });
}

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    // The Web API client form-encodes objects and arrays as JSON strings.
    out[k] = /^[[{]/.test(v) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}
