import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FakeSlack } from '../helpers/fake-slack';
import { minimalDataset } from '../helpers/incident';
import { cleanEnv, freePort, startBotProcess } from '../helpers/process';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';

/**
 * The one test that runs in real time (about a minute): the built bot, an event two minutes away with a
 * reminder one minute before it, a channel subscribed with /summit subscribe, and the reminder arriving at the
 * fake Slack within 60 seconds of its time.
 */
describe('a reminder in real time', () => {
  test('posts the 1m reminder to a subscribed channel on time', async () => {
    const fake = new FakeSlack();
    const url = await fake.start();
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-realtime-'));
    // The event two to three minutes away, on a whole minute, in a zone where that is midday: the wording ("today")
    // cannot meet a day boundary, whenever the test runs.
    const start = new Date(Math.ceil((Date.now() + 120_000) / 60_000) * 60_000);
    const timezone = middayZone(start);
    const dataset = path.join(dir, 'event.yaml');
    writeFileSync(
      dataset,
      minimalDataset(
        { start: start.toISOString(), timezone },
        { admins: ['U0ADMIN'], reminders: { countdown: { offsets: ['1m'] }, catchUp: '6h' } },
      ),
    );
    const port = await freePort();
    const secret = 'realtime-secret';
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-realtime',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: url,
        PORT: String(port),
        HOST: '127.0.0.1',
        SUMMIT_CONFIG: dataset,
        DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`,
        LOG_LEVEL: 'info',
      }),
      /summit-bot is running/,
    );
    try {
      await bot.ready;
      const res = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        slashCommandBody('subscribe', { user_id: 'U0ADMIN', channel_id: 'C0REMIND' }),
        { secret },
      );
      expect(((await res.json()) as { text: string }).text).toContain('This channel will receive reminders');
      // The due time as the bot itself plans it, asked after subscribing; it must still lie ahead.
      const schedule = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        slashCommandBody('schedule', { user_id: 'U0ADMIN', channel_id: 'C0REMIND' }),
        { secret },
      );
      const token = /<!date\^(\d+)\^/.exec(JSON.stringify(await schedule.json()));
      const due = new Date(Number(token?.[1]) * 1000);
      expect(due.getTime()).toBe(start.getTime() - 60_000);
      expect(due.getTime()).toBeGreaterThan(Date.now());
      const post = await new Promise<{ at: number; body: Record<string, unknown> }>((resolve, reject) => {
        const timer = setInterval(() => {
          const call = fake.callsTo('chat.postMessage').find((c) => c.body.channel === 'C0REMIND');
          if (call) {
            clearInterval(timer);
            resolve({ at: Date.now(), body: call.body });
          } else if (Date.now() > due.getTime() + 90_000) {
            clearInterval(timer);
            reject(new Error(`no reminder by ${new Date().toISOString()}; bot output:\n${bot.output()}`));
          }
        }, 250);
      });
      expect(post.at - due.getTime()).toBeLessThanOrEqual(60_000);
      expect(post.at).toBeGreaterThanOrEqual(due.getTime());
      expect(post.body.metadata).toEqual({
        event_type: 'summit_reminder',
        event_payload: { incident: 'test-incident', key: 'countdown:1m' },
      });
      expect(String(post.body.text)).toBe('Test event: today, in 1 minute');
      bot.child.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'C0REMIND')).toHaveLength(1);
    } finally {
      bot.child.kill('SIGKILL');
      await fake.stop();
    }
  }, 200_000);
});

/** An Etc/GMT zone in which `at` falls at about noon (Etc/GMT-2 is UTC+2: the sign is POSIX's). */
function middayZone(at: Date): string {
  let offset = 12 - at.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}
