import { ManualClock } from '../../src/lib/clock';
import { startBotWithAdmins, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { postSigned, slashCommandBody } from '../helpers/slack-requests';

const ADMIN = 'U0LISTED';

/**
 * Subscribing a channel checks, at that moment, that the bot can post and read there. The fake Slack holds each
 * channel to Slack's membership rules (test/helpers/fake-slack.ts; https://docs.slack.dev/reference/methods/conversations.join).
 */
describe('membership is handled when a channel is subscribed, never guessed', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startBotWithAdmins([ADMIN], new ManualClock('2024-08-26T16:00:00Z'));
  });
  afterEach(() => bot.stop());

  const command = async (text: string, channel: string) =>
    (await (
      await postSigned(bot.events, slashCommandBody(text, { user_id: ADMIN, channel_id: channel }), {
        secret: SIGNING_SECRET,
      })
    ).json()) as { text: string };

  test('a public channel the bot is not in: joined at once, then subscribed', async () => {
    bot.fake.channel('C0PUBLIC', { private: false, member: false });
    expect((await command('subscribe', 'C0PUBLIC')).text).toBe(
      'This channel will receive reminders. `/summit schedule` shows the next ones.',
    );
    expect(bot.fake.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(['C0PUBLIC']);
    expect(bot.fake.channels.get('C0PUBLIC')?.member).toBe(true);
    expect((await bot.store.reminders.subscription({ kind: 'channel', id: 'C0PUBLIC' }))?.status).toBe('active');
  });

  test('a private channel the bot is not in: refused with the /invite instruction, nothing stored', async () => {
    bot.fake.channel('G0SECRET', { private: true, member: false });
    expect((await command('subscribe', 'G0SECRET')).text).toBe(
      'I can’t see this channel: it is private and I’m not in it. Invite me with /invite @summit-bot, then run /summit subscribe again. Nothing was changed.',
    );
    expect(await bot.store.reminders.subscription({ kind: 'channel', id: 'G0SECRET' })).toBeUndefined();
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('a private channel the bot was invited to: subscribed (its history is readable)', async () => {
    bot.fake.channel('G0INVITED', { private: true, member: true });
    expect((await command('subscribe', 'G0INVITED')).text).toMatch(/^This channel will receive reminders/);
    expect(bot.fake.callsTo('conversations.history').map((c) => c.body.channel)).toEqual(['G0INVITED']);
  });

  test('a group DM: refused for good (not "try again"), with what to do instead; nothing stored', async () => {
    // conversations.join answers method_not_supported_for_channel_type there, and conversations.history
    // missing_scope: the app asks for no mpim:history (test/helpers/fake-slack.ts).
    bot.fake.channel('G0GROUPDM', { groupDm: true });
    const reply = (await command('subscribe', 'G0GROUPDM')).text;
    expect(reply).toMatch(/^Reminders can’t go to a group DM/);
    expect(reply).toContain('/summit remind me');
    expect(reply).not.toMatch(/try again/i);
    // Slack names a group DM mpdm-... in the command's channel_name: refused before asking Slack anything.
    const joins = bot.fake.callsTo('conversations.join').length;
    const named = (await (
      await postSigned(
        bot.events,
        slashCommandBody('subscribe', { user_id: ADMIN, channel_id: 'C0MPIM', channel_name: 'mpdm-ada--bob-1' }),
        { secret: SIGNING_SECRET },
      )
    ).json()) as { text: string };
    expect(named.text).toMatch(/^Reminders can’t go to a group DM/);
    expect(bot.fake.callsTo('conversations.join')).toHaveLength(joins);
    expect(await bot.store.reminders.subscription({ kind: 'channel', id: 'G0GROUPDM' })).toBeUndefined();
  });

  test('an archived channel, or a Slack that does not answer: refused, nothing stored', async () => {
    bot.fake.channel('C0OLD', { archived: true });
    expect((await command('subscribe', 'C0OLD')).text).toMatch(/^This channel is archived/);
    bot.fake.fault('conversations.join', { kind: 'hang' });
    expect((await command('subscribe', 'C0OTHER')).text).toMatch(
      /^I could not check with Slack that I can post here just now/,
    );
    expect(await bot.store.reminders.subscriptions()).toEqual([]);
  });

  test('/summit schedule in a channel whose reminders stopped says why and how to fix it', async () => {
    await bot.store.reminders.subscribe(
      { kind: 'channel', id: 'G0GONE' },
      { id: ADMIN, name: 'lia' },
      new Date('2024-08-01'),
    );
    await bot.store.reminders.setStatus(
      { kind: 'channel', id: 'G0GONE' },
      'broken',
      'channel_not_found: the bot cannot post or read there',
      new Date('2024-08-20'),
    );
    const reply = await command('schedule', 'G0GONE');
    expect(reply.text).toBe(
      'Reminders stopped here: I could not post in this channel (it is private and I am not in it, or I was removed). Nothing is planned for this channel.',
    );
  });
});
