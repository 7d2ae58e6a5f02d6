import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { FakeSlack } from '../helpers/fake-slack';
import { cleanEnv, runBot, startBotProcess } from '../helpers/process';
import { slashCommandFields } from '../helpers/slack-requests';
import { checkResponseBody, record } from '../helpers/slack-rules';

/**
 * Socket Mode against a local stand-in for Slack's WebSocket endpoint: apps.connections.open on the fake Web API
 * hands out a ws:// URL on 127.0.0.1, the "server" says hello, sends a slash_commands envelope, and the bot must
 * acknowledge it with the reply as the envelope's payload. The bot runs as a process (dist/main.js), as in
 * production, so the test also covers choosing Socket Mode from the settings and a clean stop on SIGTERM.
 */
describe('Slack over Socket Mode', () => {
  let wss: WebSocketServer;
  let fake: FakeSlack;
  let bot: ReturnType<typeof startBotProcess>;
  const sockets: WebSocket[] = [];
  let connected: Promise<WebSocket>;

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    connected = new Promise((resolve) =>
      wss.on('connection', (socket) => {
        sockets.push(socket);
        // Every acknowledgement's payload is a reply Slack shows: held to Slack's rules like every payload.
        socket.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
          if (msg.envelope_id !== undefined && msg.payload !== undefined)
            record(`Socket Mode ack ${msg.envelope_id}`, checkResponseBody(msg.payload));
        });
        socket.send(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            connection_info: { app_id: 'A0SUMMIT' },
            debug_info: { host: 'local' },
          }),
        );
        resolve(socket);
      }),
    );
    fake = new FakeSlack().on('apps.connections.open', () => ({ ok: true, url: wsUrl }));
    const env = cleanEnv({
      SLACK_BOT_TOKEN: 'xoxb-socket-test',
      SLACK_APP_TOKEN: 'xapp-1-A0SUMMIT-1-secret',
      SLACK_API_URL: await fake.start(),
      SUMMIT_NOW: '2024-09-03T16:00:00Z',
      LOG_LEVEL: 'info',
    });
    bot = startBotProcess(env, /summit-bot is running/);
    await bot.ready;
  });

  afterAll(async () => {
    bot.child.kill('SIGKILL');
    for (const s of sockets) s.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await fake.stop();
  });

  test('opens the connection with the app token through SLACK_API_URL', async () => {
    await connected;
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]?.authorization).toBe('Bearer xapp-1-A0SUMMIT-1-secret');
  });

  test('a /summit envelope is acknowledged with the ephemeral reply as its payload', async () => {
    const socket = await connected;
    const envelopeId = 'env-1';
    const reply = new Promise<{
      envelope_id: string;
      payload: { response_type: string; text: string; blocks: unknown[] };
    }>((resolve) =>
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string };
        if (msg.envelope_id === envelopeId) resolve(msg as never);
      }),
    );
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: slashCommandFields('status'),
      }),
    );
    const ack = await reply;
    expect(ack.payload.response_type).toBe('ephemeral');
    expect(ack.payload.text).toContain('in 7 days');
    expect(ack.payload.blocks.length).toBeGreaterThan(0);
  });

  test('a malformed envelope (events_api without a payload) is logged and dropped; the bot stays connected', async () => {
    const socket = await connected;
    socket.send(JSON.stringify({ envelope_id: 'bad-1', type: 'events_api', accepts_response_payload: false }));
    const reply = new Promise<{ payload: { text: string } }>((resolve) =>
      socket.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string };
        if (msg.envelope_id === 'env-2') resolve(msg as never);
      }),
    );
    socket.send(
      JSON.stringify({
        envelope_id: 'env-2',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: slashCommandFields('when'),
      }),
    );
    expect((await reply).payload.text).toContain('Windows Endpoint Security Ecosystem Summit');
    expect(bot.child.exitCode).toBeNull();
    // Log lines are written asynchronously: wait for this one.
    for (let i = 0; i < 100 && !bot.output().includes('dropped a malformed Socket Mode envelope'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(bot.output()).toContain('dropped a malformed Socket Mode envelope');
  });

  test('an envelope without envelope_id, and a shortcut or form without its channel or view, are dropped and logged, never run', async () => {
    const socket = await connected;
    const before = fake.callsTo('chat.getPermalink').length;
    // Work that cannot be acknowledged is not run (Slack would send it again).
    socket.send(JSON.stringify({ type: 'slash_commands', payload: slashCommandFields('status') }));
    socket.send(
      JSON.stringify({
        envelope_id: 'bad-2',
        type: 'interactive',
        payload: { type: 'message_action', callback_id: 'summit_track_question', user: { id: 'U0X' } },
      }),
    );
    socket.send(
      JSON.stringify({
        envelope_id: 'bad-3',
        type: 'interactive',
        payload: { type: 'view_submission', user: { id: 'U0X' } },
      }),
    );
    const seen = () => bot.output().split('dropped a malformed Socket Mode envelope').length - 1;
    for (let i = 0; i < 100 && seen() < 4; i++) await new Promise((r) => setTimeout(r, 20));
    expect(bot.output()).toContain('a slash_commands envelope without envelope_id');
    expect(bot.output()).toContain('a message shortcut without its channel, message, callback_id or trigger_id');
    expect(bot.output()).toContain('a form payload without its view');
    expect(bot.output()).not.toContain('TypeError');
    expect(fake.callsTo('chat.getPermalink').length).toBe(before);
    expect(bot.child.exitCode).toBeNull();
  });

  test('stops cleanly on SIGTERM (exit code 0) and never logs a token', async () => {
    bot.child.kill('SIGTERM');
    const { code } = await bot.exited;
    expect(code).toBe(0);
    expect(bot.output()).toContain('"mode":"socket"');
    expect(bot.output()).not.toMatch(/xoxb-socket-test|A0SUMMIT-1-secret/);
  });
});

describe('Socket Mode with an app token Slack rejects', () => {
  const APP_TOKEN = 'xapp-1-A0SUMMIT-1-rejectedsecret';

  test('at start: exit 1 with a sentence naming SLACK_APP_TOKEN and where to get one, no stack trace, no token', async () => {
    const fake = new FakeSlack().on('apps.connections.open', () => ({ ok: false, error: 'invalid_auth' }));
    try {
      const r = await runBot([], {
        env: cleanEnv({
          SLACK_BOT_TOKEN: 'xoxb-socket-test',
          SLACK_APP_TOKEN: APP_TOKEN,
          SLACK_API_URL: await fake.start(),
        }),
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        'summit-bot: Slack rejected SLACK_APP_TOKEN (invalid_auth). Create an app-level token with the connections:write scope',
      );
      expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
      expect(r.stdout + r.stderr).not.toContain('rejectedsecret');
    } finally {
      await fake.stop();
    }
  });

  test('revoked while running: the reconnect is refused, and the bot exits 1 with the same sentence', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    let revoked = false;
    const fake = new FakeSlack().on('apps.connections.open', () =>
      revoked ? { ok: false, error: 'token_revoked' } : { ok: true, url: wsUrl },
    );
    const first = new Promise<WebSocket>((resolve) =>
      wss.on('connection', (socket) => {
        socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0SUMMIT' } }));
        resolve(socket);
      }),
    );
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-socket-test',
        SLACK_APP_TOKEN: APP_TOKEN,
        SLACK_API_URL: await fake.start(),
        LOG_LEVEL: 'info',
      }),
      /summit-bot is running/,
    );
    try {
      await bot.ready;
      const socket = await first;
      revoked = true;
      socket.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
      const { code } = await Promise.race([
        bot.exited,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`still running:\n${bot.output()}`)), 20_000),
        ),
      ]);
      expect(code).toBe(1);
      expect(bot.output()).toContain('Slack rejected SLACK_APP_TOKEN (token_revoked)');
      expect(bot.output()).not.toContain('rejectedsecret');
    } finally {
      bot.child.kill('SIGKILL');
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await fake.stop();
    }
  }, 30_000);
});
