import { parseIncident } from '../../../src/incident/load';
import type { Incident } from '../../../src/incident/model';
import type { FollowUpStore } from '../../../src/store/repository';
import { datasetWith, defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, MEMBER, runText, testStore } from '../../helpers/store';

// The day after the summit was announced (August 23): its countdown reminders are known from then on.
const BEFORE = '2024-08-24T16:00:00Z';

describe('/summit subscribe, unsubscribe, remind, schedule', () => {
  let store: FollowUpStore;
  let incident: Incident;
  beforeEach(async () => {
    store = await testStore();
    incident = defaultIncident();
  });
  afterEach(() => store.close());

  /** channelId null: the console (no Slack conversation). */
  const run = (text: string, actor = ADMIN, channelId: string | null = 'C0GENERAL', now = BEFORE) =>
    runText(text, { ...contextWith(incident, store, now, actor), channelId: channelId ?? undefined });

  test('an admin subscribes a channel, with who and when; twice is harmless; unsubscribe ends it', async () => {
    expect((await run('subscribe')).plain).toContain('This channel will receive reminders.');
    expect(await store.reminders.subscription({ kind: 'channel', id: 'C0GENERAL' })).toMatchObject({
      status: 'active',
      createdBy: ADMIN.id,
      createdAt: new Date(BEFORE),
    });
    expect((await run('subscribe')).plain).toBe('This channel already receives reminders.');
    expect((await run('unsubscribe')).plain).toBe('This channel will no longer receive reminders.');
    expect((await run('unsubscribe')).plain).toBe('This channel was not subscribed.');
    expect((await store.auditLog()).map((a) => a.action)).toEqual(['subscription.added', 'subscription.removed']);
  });

  test('a member may not subscribe a channel unless the data set allows it', async () => {
    const r = await run('subscribe', MEMBER);
    expect(r.plain).toMatch(/^Sorry, only admins can subscribe a channel/);
    expect(await store.reminders.subscriptions()).toEqual([]);
    incident = parseIncident(
      datasetWith((d) => d.setIn(['permissions', 'subscribe'], 'everyone')),
      't',
    );
    expect((await run('subscribe', MEMBER)).changed).toBe(true);
  });

  test('remind me / remind off: anyone, by DM', async () => {
    expect((await run('remind me', MEMBER)).plain).toBe('You will receive reminders by DM.');
    expect(await store.reminders.subscription({ kind: 'user', id: MEMBER.id })).toMatchObject({ status: 'active' });
    expect((await run('remind off', MEMBER)).plain).toBe('You will no longer receive reminders by DM.');
    expect((await run('remind later', MEMBER)).plain).toContain('Say `remind me` or `remind off`');
  });

  test('subscribe in a DM points at remind me', async () => {
    expect((await run('subscribe', ADMIN, 'D0DM')).plain).toContain('/summit remind me');
  });

  test('schedule lists the next reminders in the reader zone (date tokens), and says when not subscribed', async () => {
    const notYet = await run('schedule');
    expect(notYet.plain).toMatch(/^This channel is not subscribed\. If it were, the next reminders would be:/);
    expect(notYet.plain).toContain('/summit subscribe starts them.');
    await run('subscribe');
    const r = await run('schedule');
    expect(r.plain).toMatch(/^Next reminders for this channel:/);
    expect(r.plain).toContain(
      'Tuesday, August 27, 2024, 9:00 AM PDT — Windows Endpoint Security Ecosystem Summit: in 14 days',
    );
    expect(r.json).toContain('<!date^1724774400^{date_long_pretty} {time}|');
    expect((await run('schedule', MEMBER, 'D0DM')).plain).toMatch(/^You are not subscribed/);
  });

  test('schedule leaves out what is snoozed for this channel', async () => {
    await run('subscribe');
    await store.reminders.snooze(
      'countdown',
      'channel:C0GENERAL',
      new Date('2024-08-28T00:00:00Z'),
      ADMIN,
      new Date(BEFORE),
    );
    expect((await run('schedule')).plain).not.toContain('in 14 days');
  });

  test('in the console, reminders print there', async () => {
    expect((await run('subscribe', ADMIN, null)).plain).toBe('Reminders print here in the console as they fire.');
    expect((await run('schedule', ADMIN, null)).plain).toMatch(/^Next reminders for the console:/);
  });
});
