import { App, HTTPReceiver } from '@slack/bolt';

/**
 * The floor: a bare Bolt app whose /summit handler only acks a constant. Same receiver, same signature checks,
 * nothing of ours. `node floor.js PORT SECRET`.
 */
async function main(): Promise<void> {
  const [port = '0', secret = ''] = process.argv.slice(2);
  const receiver = new HTTPReceiver({ signingSecret: secret, logLevel: undefined });
  const app = new App({
    token: 'xoxb-floor',
    receiver,
    tokenVerificationEnabled: false,
    botId: 'B',
    botUserId: 'U',
    clientOptions: { slackApiUrl: 'http://127.0.0.1:9/api/' },
  });
  app.command('/summit', async ({ ack }) => {
    await ack({ response_type: 'ephemeral', text: 'ok' });
  });
  await app.start({ port: Number(port), host: '127.0.0.1' });
  process.stdout.write('floor ready\n');
  process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));
}

void main();
