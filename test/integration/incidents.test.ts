import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/lib/clock';
import { ACTIONS, ANSWER_MODAL, CALLBACKS } from '../../src/views/ids';
import { splitScoped } from '../../src/views/scope';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { FakeSlack } from '../helpers/fake-slack';
import { cloudOutage, defaultIncident, minimalDataset } from '../helpers/incident';
import { cleanEnv, freePort, startBotProcess } from '../helpers/process';
import { buttonPress, interactionBody, postSigned, slashCommandBody, viewSubmission } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

interface Ack {
  text: string;
  blocks?: {
    type: string;
    block_id?: string;
    elements?: { type: string; action_id?: string; value?: string; options?: { value: string }[] }[];
    accessory?: { action_id?: string; value?: string };
  }[];
}

const ADMIN = 'U0ADMIN';
const MEMBER = 'U0MEMBER';

/**
 * Two incidents in one bot, through the real Bolt receiver and a fake Slack Web API: each channel's commands are
 * about the incident it follows, a press or a form is about the incident it names, and a channel that follows none
 * is asked which one (with a select that runs the command for the one chosen). SUMMIT_ADMINS makes U0ADMIN an
 * admin of both.
 */
describe('two incidents over HTTP', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot([defaultIncident(), cloudOutage()], new ManualClock('2026-12-01T17:00:00Z'), {
      admins: [ADMIN],
    });
    bot.fake.on('users.info', (c) => ({
      ok: true,
      user: { id: c.body.user, is_admin: false, is_owner: false, is_bot: false, deleted: false },
    }));
  });
  afterEach(() => bot.stop());

  const command = async (text: string, userId: string, channelId: string): Promise<Ack> => {
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, channel_id: channelId, response_url: bot.fake.hookUrl() }),
      { secret: SIGNING_SECRET },
    );
    expect(res.status).toBe(200);
    return (await res.json()) as Ack;
  };
  const interact = async (payload: Record<string, unknown>) => {
    const res = await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
  };

  test('each channel answers about the incident it follows, never the other', async () => {
    expect((await command('follow crowdstrike-2024', ADMIN, 'C0CS')).text).toContain('now follows crowdstrike-2024');
    expect((await command('follow cloud-outage-2026', ADMIN, 'C0CLOUD')).text).toContain(
      'now follows cloud-outage-2026',
    );
    const cs = JSON.stringify(await command('when', MEMBER, 'C0CS'));
    const cloud = JSON.stringify(await command('when', MEMBER, 'C0CLOUD'));
    expect(cs).toContain('Redmond');
    expect(cs).not.toContain('Cloud provider briefing');
    expect(cloud).toContain('Cloud provider briefing');
    expect(cloud).not.toContain('Redmond');
    // Asked twice (the second from the reply cache): still each channel's own.
    expect(JSON.stringify(await command('when', MEMBER, 'C0CLOUD'))).toContain('Cloud provider briefing');
    expect(JSON.stringify(await command('when', MEMBER, 'C0CS'))).toContain('Redmond');
    await command('ask Was the failover region tested?', MEMBER, 'C0CLOUD');
    expect((await bot.store.scoped('cloud-outage-2026').state()).questions.map((q) => q.text)).toEqual([
      'Was the failover region tested?',
    ]);
    expect((await bot.store.scoped('crowdstrike-2024').state()).questions).toEqual([]);
  });

  test('a channel that follows none is asked which incident; the select runs the command for the one chosen', async () => {
    const ack = await command('when', MEMBER, 'C0NONE');
    expect(ack.text).toBe('Which incident? crowdstrike-2024, cloud-outage-2026');
    const select = ack.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === ACTIONS.chooseIncident);
    expect(select?.type).toBe('static_select');
    // The options are the incidents; the command typed rides by reference in the block's id (held by the store).
    expect(select?.options?.map((o) => o.value)).toEqual(['crowdstrike-2024', 'cloud-outage-2026']);
    const blockId = ack.blocks?.find((b) => (b.elements ?? []).includes(select as never))?.block_id;
    expect(blockId).toMatch(/^summit_held:/);
    const press = buttonPress({
      actionId: ACTIONS.chooseIncident,
      value: '',
      userId: MEMBER,
      channelId: 'C0NONE',
      responseUrl: bot.fake.hookUrl('choice'),
    });
    press.actions = [
      {
        type: 'static_select',
        action_id: ACTIONS.chooseIncident,
        block_id: blockId,
        selected_option: { text: { type: 'plain_text', text: 'cloud' }, value: 'cloud-outage-2026' },
        action_ts: '1.3',
      } as never,
    ];
    await interact(press);
    const answer = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(JSON.stringify(answer.body)).toContain('Cloud provider briefing');
    expect(answer.body.replace_original).toBe(true);
  });

  test('a button names its incident: Record answer on the other incident’s question records there alone', async () => {
    // SUMMIT_ADMINS: an admin of every incident sees the buttons of both.
    const ack = await command('cloud-outage-2026 questions', ADMIN, 'C0CS');
    const button = ack.blocks?.find((b) => b.accessory?.action_id === ACTIONS.recordAnswer)?.accessory;
    expect(button?.value).toBe('cloud-outage-2026|Q1');
    await interact(
      buttonPress({
        actionId: ACTIONS.recordAnswer,
        value: button?.value ?? '',
        userId: ADMIN,
        channelId: 'C0CS',
        responseUrl: bot.fake.hookUrl('b'),
      }),
    );
    const open = await eventually(() => bot.fake.callsTo('views.open')[0]);
    const view = open.body.view as { private_metadata: string; blocks: unknown[] };
    expect(splitScoped(view.private_metadata).incidentId).toBe('cloud-outage-2026');
    expect(JSON.stringify(view.blocks)).toContain('What failed in the control plane?');
    await interact(
      viewSubmission({
        callbackId: CALLBACKS.recordAnswerModal,
        userId: ADMIN,
        metadata: view.private_metadata,
        values: {
          [ANSWER_MODAL.status.block]: {
            [ANSWER_MODAL.status.action]: { type: 'static_select', selected_option: { value: 'answered' } },
          },
          [ANSWER_MODAL.answer.block]: {
            [ANSWER_MODAL.answer.action]: { type: 'plain_text_input', value: 'A bad configuration push.' },
          },
          [ANSWER_MODAL.source.block]: {
            [ANSWER_MODAL.source.action]: { type: 'plain_text_input', value: 'https://example.com/rca' },
          },
        },
      }),
    );
    expect((await bot.store.scoped('cloud-outage-2026').state()).changes).toMatchObject([
      { questionId: 'Q1', status: 'answered', answer: 'A bad configuration push.' },
    ]);
    expect((await bot.store.scoped('crowdstrike-2024').state()).changes).toEqual([]);
    // A member is no admin of either: no buttons for them.
    expect(JSON.stringify(await command('cloud-outage-2026 questions', MEMBER, 'C0CS'))).not.toContain(
      ACTIONS.recordAnswer,
    );
  });

  test('the Home tab lists both incidents, and the viewer’s own questions across them', async () => {
    expect((await command('cloud-outage-2026 assign Q1 <@U0MEMBER|member>', ADMIN, 'C0CS')).text).toContain('Q1');
    await postSigned(
      bot.events,
      JSON.stringify({
        token: 'deprecated',
        team_id: 'T0TEST',
        api_app_id: 'A0SUMMIT',
        type: 'event_callback',
        event_id: 'Ev0HOME',
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_home_opened', user: MEMBER, channel: 'D0HOME', tab: 'home' },
      }),
      { secret: SIGNING_SECRET },
      'application/json',
    );
    const published = await eventually(() => bot.fake.callsTo('views.publish').find((c) => c.body.user_id === MEMBER));
    const text = JSON.stringify(published.body.view);
    expect(text).toContain('Incidents (2)');
    expect(text).toContain('CrowdStrike outage of July 2024');
    expect(text).toContain('Cloud outage of November 2026');
    expect(text).toContain('Yours (1)');
    expect(text).toContain('What failed in the control plane?');
    // Each incident's heading has its first questions under it, in the same block.
    expect(text).toMatch(/not fully answered[^"]*\\n• \*Q2\* What do the two companies plan to do/);
  });
});

/** The pages in HTTP mode: on the bot's own server, beside Slack's requests, with links given by /summit link. */
describe('pages over HTTP', () => {
  test('/summit link gives a link that opens this incident’s page and calendar on the bot’s server; nothing else does', async () => {
    const publicUrl = 'https://summit.example.com';
    const bot = await startTestBot([defaultIncident(), cloudOutage()], new ManualClock('2026-12-01T17:00:00Z'), {
      admins: [ADMIN],
      web: { publicUrl, secret: 'a-secret-of-at-least-thirty-two-characters' },
    });
    try {
      const res = await postSigned(
        bot.events,
        slashCommandBody('crowdstrike-2024 link', { user_id: ADMIN, channel_id: 'C0CS' }),
        { secret: SIGNING_SECRET },
      );
      const text = JSON.stringify(await res.json());
      const url = new RegExp(`${publicUrl}(/incidents/crowdstrike-2024\\?token=[A-Za-z0-9._-]+)`).exec(text)?.[1];
      expect(url).toBeDefined();
      const page = await fetch(`${bot.base}${url}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<h1>CrowdStrike outage of July 2024</h1>');
      const ics = await fetch(`${bot.base}${url?.replace('?', '/calendar.ics?')}`);
      expect(ics.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      // The same link does not open the other incident; no link opens nothing; Slack's endpoint is untouched.
      expect((await fetch(`${bot.base}${url?.replace('crowdstrike-2024', 'cloud-outage-2026')}`)).status).toBe(403);
      expect((await fetch(`${bot.base}/incidents/crowdstrike-2024`)).status).toBe(403);
      expect((await fetch(`${bot.base}/healthz`)).status).toBe(200);
      // A member may not get a link (permissions.link: admins by default).
      const member = await postSigned(
        bot.events,
        slashCommandBody('crowdstrike-2024 link', { user_id: MEMBER, channel_id: 'C0CS' }),
        { secret: SIGNING_SECRET },
      );
      expect(((await member.json()) as Ack).text).toContain('Only admins can get links to this incident’s page.');
    } finally {
      await bot.stop();
    }
  });
});

/**
 * The real process on a folder of two data sets (SQLite), its scheduler delivering each incident's reminders to the
 * channels subscribed to that incident, and only to them.
 */
describe('two incidents in one folder: reminders, as a process', () => {
  test('each channel gets its own incident’s reminder, once, never the other’s; a closed incident’s none', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-two-'));
    const folder = path.join(dir, 'incidents');
    mkdirSync(folder);
    const start = '2030-01-01T10:00:00Z';
    const reminders = { reminders: { countdown: { offsets: ['1h'] }, catchUp: '6h' } };
    writeFileSync(
      path.join(folder, 'a.yaml'),
      minimalDataset({ start, name: 'Event A' }, { ...reminders, id: 'incident-a' }),
    );
    writeFileSync(
      path.join(folder, 'b.yaml'),
      minimalDataset({ start, name: 'Event B' }, { ...reminders, id: 'incident-b' }),
    );
    // A closed incident plans no reminders, even for a channel subscribed to it.
    writeFileSync(
      path.join(folder, 'c.yaml'),
      minimalDataset({ start, name: 'Event C' }, { ...reminders, id: 'incident-c', state: 'closed' }),
    );
    const fake = new FakeSlack();
    fake.on('users.info', (c) => ({ ok: true, user: { id: c.body.user, is_admin: false, is_owner: false } }));
    const port = await freePort();
    const events = `http://127.0.0.1:${port}/slack/events`;
    const bot = startBotProcess(
      cleanEnv({
        SLACK_BOT_TOKEN: 'xoxb-two',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: await fake.start(),
        PORT: String(port),
        HOST: '127.0.0.1',
        SUMMIT_CONFIG: folder,
        DATABASE_URL: `sqlite:${path.join(dir, 'summit.db')}`,
        SUMMIT_ADMINS: ADMIN,
        // Thirty seconds before the reminder: time to follow and subscribe first.
        SUMMIT_NOW: '2030-01-01T08:59:30Z',
        SUMMIT_NOW_STORE: 'store',
        LOG_LEVEL: 'info',
      }),
      /summit-bot is running/,
    );
    try {
      await bot.ready;
      const say = async (text: string, channel: string) => {
        const res = await postSigned(events, slashCommandBody(text, { user_id: ADMIN, channel_id: channel }), {
          secret: SIGNING_SECRET,
        });
        return ((await res.json()) as Ack).text;
      };
      expect(await say('follow incident-a', 'C0AAA')).toContain('now follows incident-a');
      expect(await say('follow incident-b', 'C0BBB')).toContain('now follows incident-b');
      expect(await say('subscribe', 'C0AAA')).toContain('This channel will receive reminders');
      expect(await say('subscribe', 'C0BBB')).toContain('This channel will receive reminders');
      expect(await say('incident-c subscribe', 'C0CCC')).toContain('This channel will receive reminders');
      const posts = () =>
        fake.callsTo('chat.postMessage').map((c) => ({
          channel: String(c.body.channel),
          incident: (c.body.metadata as { event_payload?: { incident?: string } }).event_payload?.incident,
          text: String(c.body.text),
        }));
      await eventually(() => (posts().length >= 2 ? posts() : undefined), 90_000);
      // One more tick's worth: nothing else arrives.
      await new Promise((r) => setTimeout(r, 16_000));
      expect(posts().sort((a, b) => a.channel.localeCompare(b.channel))).toEqual([
        { channel: 'C0AAA', incident: 'incident-a', text: 'Event A: today, in 1 hour' },
        { channel: 'C0BBB', incident: 'incident-b', text: 'Event B: today, in 1 hour' },
      ]);
    } finally {
      bot.child.kill('SIGKILL');
      await fake.stop();
    }
  }, 150_000);
});
