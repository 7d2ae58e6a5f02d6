import { ManualClock } from '../../src/lib/clock';
import { parseIncident } from '../../src/incident/load';
import { CALLBACKS, CURATE_MODAL, START_MODAL } from '../../src/views/ids';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { datasetWith } from '../helpers/incident';
import { interactionBody, postSigned, slashCommandBody, viewSubmission } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

const WORKSPACE_ADMIN = 'U0WSADMIN';
const LISTED = 'U0LISTED';
const MEMBER = 'U0MEMBER';

interface View {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; label?: { text: string }; element?: { initial_value?: string } }[];
}

/**
 * /summit new through the real receiver: workspace admins and owners (users.info) start an incident in a form
 * (Title, Id, Time zone, Summary); it is stored, the channel follows it, and its starter can add to it at once.
 */
describe('starting an incident from Slack', () => {
  const clock = new ManualClock('2026-12-02T15:00:00Z');
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot(
      parseIncident(
        datasetWith((d) => d.setIn(['admins'], [LISTED])),
        'crowdstrike-2024.yaml',
      ),
      clock,
    );
    bot.fake.on('users.info', (c) => ({
      ok: true,
      user: { id: c.body.user, is_admin: c.body.user === WORKSPACE_ADMIN, is_owner: false, tz: 'Europe/Berlin' },
    }));
  });
  afterEach(() => bot.stop());

  const command = async (text: string, userId: string, channel = 'C0OUTAGE') => {
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, channel_id: channel, response_url: bot.fake.hookUrl() }),
      { secret: SIGNING_SECRET },
    );
    const body = await res.text();
    return body === '' ? undefined : (JSON.parse(body) as { text?: string; blocks?: unknown[] });
  };
  const submit = async (
    view: View,
    values: Partial<Record<keyof typeof START_MODAL, string>>,
    userId = WORKSPACE_ADMIN,
  ) => {
    const res = await postSigned(
      bot.events,
      interactionBody(
        viewSubmission({
          callbackId: view.callback_id,
          userId,
          metadata: view.private_metadata,
          values: Object.fromEntries(
            (Object.keys(START_MODAL) as (keyof typeof START_MODAL)[]).map((f) => [
              START_MODAL[f].block,
              { [START_MODAL[f].action]: { type: 'plain_text_input', value: values[f] ?? null } },
            ]),
          ),
        }),
      ),
      { secret: SIGNING_SECRET },
    );
    const text = await res.text();
    return text === ''
      ? undefined
      : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
  };

  test('a workspace admin starts one: the form, its checks beside the fields, then the channel follows it', async () => {
    expect(await command('new', WORKSPACE_ADMIN)).toBeUndefined();
    const view = (await eventually(() => bot.fake.callsTo('views.open')[0])).body.view as View;
    expect(view.callback_id).toBe(CALLBACKS.startIncidentModal);
    expect(view.blocks.flatMap((b) => (b.label ? [b.label.text] : []))).toEqual([
      'Title',
      'Id',
      'Time zone',
      'Summary',
      'GitHub repository',
    ]);
    // The time zone is the person's own in Slack.
    expect(view.blocks.find((b) => b.block_id === START_MODAL.timezone.block)?.element?.initial_value).toBe(
      'Europe/Berlin',
    );

    const badZone = await submit(view, { title: 'Cloud outage', timezone: 'Mars/Base', summary: 'A cloud outage.' });
    expect(badZone).toMatchObject({
      response_action: 'errors',
      errors: { [START_MODAL.timezone.block]: expect.stringContaining('IANA time zone') },
    });
    const badId = await submit(view, { title: 'Cloud outage', id: 'Cloud_Outage!', timezone: 'UTC', summary: 'S.' });
    expect(badId).toMatchObject({
      response_action: 'errors',
      errors: { [START_MODAL.id.block]: expect.stringMatching(/^The id must be 2-40 characters/) },
    });
    // Every mistake at once, each beside its own field; an empty title is the title's mistake, not the id's.
    const both = await submit(view, {
      title: 'Cloud outage',
      id: 'Cloud_Outage!',
      timezone: 'Mars/Base',
      summary: 'S.',
    });
    expect(Object.keys(both?.errors ?? {}).sort()).toEqual([START_MODAL.id.block, START_MODAL.timezone.block].sort());
    const untitled = await submit(view, { title: '', timezone: 'UTC', summary: 'S.' });
    expect(Object.keys(untitled?.errors ?? {})).toEqual([START_MODAL.title.block]);
    const taken = await submit(view, { title: 'Again', id: 'crowdstrike-2024', timezone: 'UTC', summary: 'S.' });
    expect(taken?.errors?.[START_MODAL.id.block]).toBe(
      '"crowdstrike-2024" is already the id of an incident: choose another.',
    );
    const reserved = await submit(view, { title: 'Facts', id: 'facts', timezone: 'UTC', summary: 'S.' });
    expect(reserved?.errors?.[START_MODAL.id.block]).toMatch(/is the word of a \/summit command/);
    const badRepo = await submit(view, { title: 'Cloud', timezone: 'UTC', summary: 'S.', github: 'not a repo' });
    expect(badRepo?.errors?.[START_MODAL.github.block]).toMatch(/^The GitHub repository must be owner\/name/);
    expect(await bot.store.startedIncidents()).toEqual([]);

    const ok = await submit(view, {
      title: 'Cloud outage of December 2026',
      timezone: 'Europe/Berlin',
      summary: 'A cloud provider outage that took our EU region down.',
      github: 'example-org/cloud-follow-ups',
    });
    expect(ok).toBeUndefined();
    expect(await bot.store.startedIncidents()).toMatchObject([
      {
        id: 'cloud-outage-of-december-2026',
        timezone: 'Europe/Berlin',
        githubRepo: 'example-org/cloud-follow-ups',
        actor: { id: WORKSPACE_ADMIN },
      },
    ]);
    // Its questions go to that repository (named by /summit incidents).
    expect(JSON.stringify((await command('incidents', MEMBER))?.blocks)).toContain(
      'issues in example-org/cloud-follow-ups',
    );
    // The channel it was started in follows it: every command there is about it.
    const status = await command('status', MEMBER);
    expect(status?.text).toContain('Cloud outage of December 2026');
    expect(JSON.stringify((await command('incidents', MEMBER))?.blocks)).toContain('cloud-outage-of-december-2026');
    expect((await command('facts', MEMBER))?.text).toMatch(/^Nothing is known yet on this/);

    // Its starter is its admin: they add its first source at once.
    expect(await command('add source', WORKSPACE_ADMIN)).toBeUndefined();
    const sourceForm = (await eventually(() => bot.fake.callsTo('views.open')[1])).body.view as View;
    expect(sourceForm.blocks.some((b) => b.block_id === CURATE_MODAL.url.block)).toBe(true);
  });

  test('an incident with no source yet: Add fact asks for the source in the same form, and records both', async () => {
    expect(await command('new', WORKSPACE_ADMIN)).toBeUndefined();
    const view = (await eventually(() => bot.fake.callsTo('views.open')[0])).body.view as View;
    await submit(view, { title: 'Fresh outage', timezone: 'UTC', summary: 'Nothing known yet.' });
    expect(await command('add fact', WORKSPACE_ADMIN)).toBeUndefined();
    const form = (await eventually(() => bot.fake.callsTo('views.open')[1])).body.view as View & {
      private_metadata: string;
    };
    // Never an empty select: the new source's fields instead, said so.
    expect(form.blocks.some((b) => b.block_id === CURATE_MODAL.source.block)).toBe(false);
    expect(JSON.stringify(form.blocks)).toContain('This incident has no source yet');
    for (const f of ['sourceUrl', 'sourceTitle', 'sourcePublisher', 'sourceDate'] as const)
      expect(form.blocks.some((b) => b.block_id === CURATE_MODAL[f].block)).toBe(true);
    const values = (url: string) => ({
      [CURATE_MODAL.newTopic.block]: { [CURATE_MODAL.newTopic.action]: { type: 'plain_text_input', value: 'outage' } },
      [CURATE_MODAL.text.block]: {
        [CURATE_MODAL.text.action]: { type: 'plain_text_input', value: 'The region was down for four hours.' },
      },
      [CURATE_MODAL.sourceUrl.block]: { [CURATE_MODAL.sourceUrl.action]: { type: 'plain_text_input', value: url } },
      [CURATE_MODAL.sourceTitle.block]: {
        [CURATE_MODAL.sourceTitle.action]: { type: 'plain_text_input', value: 'Status page' },
      },
      [CURATE_MODAL.sourcePublisher.block]: {
        [CURATE_MODAL.sourcePublisher.action]: { type: 'plain_text_input', value: 'Cloud Co' },
      },
      [CURATE_MODAL.sourceDate.block]: {
        [CURATE_MODAL.sourceDate.action]: { type: 'datepicker', selected_date: '2026-12-01' },
      },
    });
    const post = async (v: ReturnType<typeof values>) => {
      const res = await postSigned(
        bot.events,
        interactionBody(
          viewSubmission({
            callbackId: form.callback_id,
            userId: WORKSPACE_ADMIN,
            metadata: form.private_metadata,
            values: v,
          }),
        ),
        { secret: SIGNING_SECRET },
      );
      const text = await res.text();
      return text === '' ? undefined : (JSON.parse(text) as { errors?: Record<string, string> });
    };
    // A URL longer than the field allows (a forged submission) is refused beside its field, whatever the form says.
    const long = await post(values(`https://example.com/${'a'.repeat(1990)}`));
    expect(long?.errors?.[CURATE_MODAL.sourceUrl.block]).toMatch(/at most 2,000 characters/);
    expect(await post(values('https://status.example.com/incident/1'))).toBeUndefined();
    const facts = await command('facts', MEMBER);
    expect(JSON.stringify(facts)).toContain('The region was down for four hours.');
    expect(JSON.stringify(facts)).toContain('Cloud Co');
  });

  test('its event is added in Slack, corrected, and seen "as of" before and after the correction', async () => {
    await command('new', WORKSPACE_ADMIN);
    const startForm = (await eventually(() => bot.fake.callsTo('views.open')[0])).body.view as View;
    await submit(startForm, { title: 'Cloud outage', id: 'cloud-2026', timezone: 'Europe/Berlin', summary: 'S.' });
    const curate = async (n: number, values: Record<string, Record<string, unknown>>) => {
      const view = (await eventually(() => bot.fake.callsTo('views.open')[n])).body.view as View;
      const res = await postSigned(
        bot.events,
        interactionBody(
          viewSubmission({
            callbackId: view.callback_id,
            userId: WORKSPACE_ADMIN,
            metadata: view.private_metadata,
            values: Object.fromEntries(
              Object.entries(values).map(([f, v]) => [
                CURATE_MODAL[f as keyof typeof CURATE_MODAL].block,
                { [CURATE_MODAL[f as keyof typeof CURATE_MODAL].action]: v },
              ]),
            ),
          }),
        ),
        { secret: SIGNING_SECRET },
      );
      return { view, body: await res.text() };
    };
    await command('add source', WORKSPACE_ADMIN);
    await curate(1, {
      url: { value: 'https://status.example.com/incident/42' },
      title: { value: 'Post-incident review' },
      publisher: { value: 'Cloud Co' },
      date: { selected_date: '2026-12-01' },
    });
    expect((await command('when', MEMBER))?.text).toMatch(/This incident has no event/);
    await command('add event', WORKSPACE_ADMIN);
    const event = await curate(2, {
      name: { value: 'Customer briefing' },
      date: { selected_date: '2026-12-10' },
      timezone: { value: 'Europe/Berlin' },
      location: { value: 'Online' },
      hosts: { value: 'Cloud Co, Our SRE team' },
      source: { selected_option: { value: 'cloud-co-2026-12-01' } },
    });
    expect(event.view.blocks.flatMap((b) => (b.label ? [b.label.text] : []))).toEqual([
      'Name',
      'Date',
      'Start',
      'End',
      'Time zone',
      'Location',
      'Hosts',
      'Source',
    ]);
    expect(event.body).toBe('');
    const when = JSON.stringify(await command('when', MEMBER));
    expect(when).toContain('Customer briefing');
    expect(when).toContain('in 8 days');

    clock.set('2026-12-03T09:00:00Z');
    await command('correct event', WORKSPACE_ADMIN);
    const corrected = await curate(3, {
      name: { value: 'Customer briefing' },
      date: { selected_date: '2026-12-11' },
      timezone: { value: 'Europe/Berlin' },
      location: { value: 'Online' },
      hosts: { value: 'Cloud Co' },
      source: { selected_option: { value: 'cloud-co-2026-12-01' } },
    });
    expect(corrected.body).toBe('');
    expect(JSON.stringify(await command('when', MEMBER))).toContain('in 8 days');
    clock.set('2026-12-03T08:00:00Z');
    expect(JSON.stringify(await command('when', MEMBER))).toContain('in 7 days');
    clock.set('2026-12-03T10:00:00Z');
    const history = JSON.stringify(await command('history event', MEMBER));
    expect(history).toContain('Version 2');
    expect(history).toContain('(corrected)');
  });

  test('an incident admin who is not a workspace admin, or a member, may not start one', async () => {
    expect((await command('new', LISTED))?.text).toMatch(/^Only admins can start an incident/);
    expect((await command('new', MEMBER))?.text).toMatch(/^Only admins can start an incident/);
    expect(bot.fake.callsTo('views.open')).toEqual([]);
  });
});
