import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { ManualClock } from '../../src/lib/clock';
import type { Settings } from '../../src/settings';
import { buildSlackApp, startSlackApp, type RunningSlackApp } from '../../src/slack/app';
import { FakeSlack } from '../helpers/fake-slack';
import { defaultIncident } from '../helpers/incident';

/**
 * Socket Mode against a local stand-in for Slack's WebSocket endpoint: apps.connections.open on the fake Web API
 * hands out a ws:// URL on 127.0.0.1, the "server" says hello, sends a slash_commands envelope, and the bot must
 * acknowledge it with the reply as the envelope's payload.
 */
describe('Slack over Socket Mode', () => {
  let wss: WebSocketServer;
  let fake: FakeSlack;
  let running: RunningSlackApp;
  const sockets: WebSocket[] = [];
  let connected: Promise<WebSocket>;

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link`;
    connected = new Promise((resolve) =>
      wss.on('connection', (socket) => {
        sockets.push(socket);
        socket.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0SUMMIT' }, debug_info: { host: 'local' } }));
        resolve(socket);
      }),
    );
    fake = new FakeSlack().on('apps.connections.open', () => ({ ok: true, url: wsUrl }));
    const settings: Settings = {
      mode: 'socket',
      slack: { botToken: 'xoxb-socket-test', appToken: 'xapp-1-A0SUMMIT-1-secret' },
      port: 3000,
      slackApiUrl: await fake.start(),
      configPath: 'config/summit.yaml',
      logLevel: 'error',
    };
    const app = buildSlackApp(
      { settings, incident: defaultIncident(), clock: new ManualClock('2024-09-03T16:00:00Z'), log: pino({ level: 'silent' }) },
      { botId: 'BBOT', botUserId: 'UBOT' },
    );
    running = await startSlackApp(app, settings);
  });

  afterAll(async () => {
    await running.stop();
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
    const reply = new Promise<{ envelope_id: string; payload: { response_type: string; text: string; blocks: unknown[] } }>((resolve) =>
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
        payload: {
          token: 'x',
          team_id: 'T0TEST',
          team_domain: 'test',
          channel_id: 'C0GENERAL',
          channel_name: 'general',
          user_id: 'U0ALICE',
          user_name: 'alice',
          command: '/summit',
          text: 'status',
          api_app_id: 'A0SUMMIT',
          response_url: 'https://hooks.slack.com/commands/x',
          trigger_id: '1.2.3',
        },
      }),
    );
    const ack = await reply;
    expect(ack.payload.response_type).toBe('ephemeral');
    expect(ack.payload.text).toContain('in 7 days');
    expect(ack.payload.blocks.length).toBeGreaterThan(0);
  });
});
