import { handleCommandText } from '../../../src/commands/handle';
import { runInteraction } from '../../../src/commands/resolve';
import type { Command, RequestContext } from '../../../src/commands/types';
import { Catalog } from '../../../src/incident/catalog';
import { StoreUnavailableError } from '../../../src/lib/errors';
import type { FollowUpStore } from '../../../src/store/repository';
import { toSlackMessage } from '../../../src/views/render-slack';
import { heldCommandRef } from '../../../src/views/ids';
import { toPlainText } from '../../../src/views/render-text';
import { closedOutage, cloudOutage, defaultIncident } from '../../helpers/incident';
import { ADMIN, MEMBER, testStore } from '../../helpers/store';

const NOW = '2026-12-01T17:00:00Z';

describe('many incidents in one bot', () => {
  let root: FollowUpStore;
  let catalog: Catalog;
  beforeEach(async () => {
    root = (await testStore()).scoped('');
    catalog = new Catalog([defaultIncident(), cloudOutage(), closedOutage()]);
  });
  afterEach(() => root.close());

  const req = (channelId?: string, actor = ADMIN, extra: Partial<RequestContext> = {}): RequestContext => ({
    catalog,
    store: root,
    now: new Date(NOW),
    actor,
    isAdminOf: async (incident) => actor.id === ADMIN.id || incident.admins.includes(actor.id),
    channelId,
    ...extra,
  });
  const run = async (text: string, channelId?: string, actor = ADMIN, extra: Partial<RequestContext> = {}) => {
    const r = await handleCommandText(text, req(channelId, actor, extra));
    return { ...r, plain: toPlainText(r.reply), json: JSON.stringify(toSlackMessage(r.reply, { shareable: true })) };
  };

  test('with several incidents and nothing naming one, nothing is guessed: the reply lists them and how to name one', async () => {
    const r = await run('when', 'C0ONE');
    expect(r.plain).toContain('summit-bot follows 3 incidents here; say which one this is about.');
    expect(r.plain).toContain('crowdstrike-2024 — CrowdStrike outage of July 2024');
    expect(r.plain).toContain('old-outage-2023 — Old outage of 2023 (closed)');
    expect(r.plain).toContain('/summit crowdstrike-2024 when');
    expect(r.plain).toContain('/summit follow crowdstrike-2024');
    // A select that runs the same command for the incident chosen.
    const message = toSlackMessage(r.reply);
    const select = JSON.stringify(message.blocks.find((b) => b.type === 'actions'));
    expect(select).toContain('"static_select"');
    // The option is the incident; the command rides by reference in the block's id, held by the store.
    expect(select).toContain('"value":"cloud-outage-2026"');
    const ref = heldCommandRef(/"block_id":"([^"]+)"/.exec(select)?.[1]);
    expect(ref).toBeDefined();
    expect(await root.heldCommand(ref as string, ADMIN.id)).toBe('when');
    // Only its author's choice runs it.
    expect(await root.heldCommand(ref as string, MEMBER.id)).toBeUndefined();
    expect(r.changed).toBe(false);
    // In a DM there is no channel to follow: the reply does not offer it.
    expect((await run('when', 'D0DM')).plain).not.toContain('/summit follow');
    // A change is not made either: ask goes nowhere.
    expect((await run('ask Which incident?', 'C0ONE')).changed).toBe(false);
    for (const i of catalog.incidents) expect((await root.scoped(i.id).state()).questions).toEqual([]);
  });

  test('the first word may name the incident, anywhere', async () => {
    const cs = await run('crowdstrike-2024 when', 'C0ONE');
    expect(cs.plain).toContain('Windows Endpoint Security Ecosystem Summit');
    const cloud = await run('/summit cloud-outage-2026 when', 'D0DM');
    expect(cloud.plain).toContain('Cloud provider briefing');
    expect(cloud.plain).not.toContain('Redmond');
    // A question asked about one incident is that incident's alone, with its own ids.
    expect((await run('cloud-outage-2026 ask Was the region failover tested?', 'C0ONE')).plain).toContain('Added Q2');
    expect((await run('crowdstrike-2024 ask Will there be a second summit?', 'C0ONE')).plain).toContain('Added Q5');
    expect((await root.scoped('cloud-outage-2026').state()).questions.map((q) => q.text)).toEqual([
      'Was the region failover tested?',
    ]);
    expect((await root.scoped('crowdstrike-2024').state()).questions.map((q) => q.text)).toEqual([
      'Will there be a second summit?',
    ]);
  });

  test('a channel that follows an incident: every command there is about it, and another channel about its own', async () => {
    expect((await run('follow cloud-outage-2026', 'C0CLOUD')).plain).toContain(
      'This channel now follows cloud-outage-2026 (Cloud outage of November 2026)',
    );
    expect((await run('follow crowdstrike-2024', 'C0CS')).changed).toBe(true);
    expect((await run('when', 'C0CLOUD')).plain).toContain('Cloud provider briefing');
    expect((await run('when', 'C0CS')).plain).toContain('Redmond');
    await run('ask Who approved the change?', 'C0CLOUD');
    expect((await run('questions', 'C0CLOUD')).plain).toContain('Who approved the change?');
    expect((await run('questions', 'C0CS')).plain).not.toContain('Who approved the change?');
    // Naming another incident first still wins in a following channel.
    expect((await run('crowdstrike-2024 when', 'C0CLOUD')).plain).toContain('Redmond');
    // Following again is harmless; following another replaces it, saying so; unfollow ends it.
    expect((await run('follow cloud-outage-2026', 'C0CLOUD')).plain).toBe(
      'This channel already follows cloud-outage-2026 (Cloud outage of November 2026).\n  Reminders are separate: /summit subscribe here sends them. /summit unfollow stops following.',
    );
    expect((await run('follow crowdstrike-2024', 'C0CLOUD')).plain).toContain('instead of cloud-outage-2026');
    expect((await run('unfollow', 'C0CLOUD')).plain).toContain('no longer follows crowdstrike-2024');
    expect((await run('unfollow', 'C0CLOUD')).plain).toBe('This channel follows no incident.');
    expect((await run('when', 'C0CLOUD')).plain).toContain('say which one');
    expect((await root.auditLog()).map((a) => [a.action, a.subject])).toEqual(
      expect.arrayContaining([
        ['channel.followed', 'C0CLOUD'],
        ['channel.unfollowed', 'C0CLOUD'],
      ]),
    );
  });

  test('who may make a channel follow: as permissions.subscribe; an unknown or closed incident is refused by name', async () => {
    const refused = await run('follow crowdstrike-2024', 'C0ONE', MEMBER);
    expect(refused.plain).toMatch(/^Sorry, only admins can make a channel follow an incident/);
    expect((await root.follows()).size).toBe(0);
    const typo = await run('follow crowdstrke-2024', 'C0ONE');
    expect(typo.plain).toContain('There is no incident "crowdstrke-2024". Did you mean "crowdstrike-2024"?');
    const closed = await run('follow old-outage-2023', 'C0ONE');
    expect(closed.plain).toContain('old-outage-2023 is closed: a channel follows only an active incident.');
    expect((await run('follow', 'C0ONE')).plain).toContain('Say which incident to follow');
    expect((await run('follow cloud-outage-2026', 'D0DM')).plain).toContain('Only a channel can follow an incident.');
    expect((await root.follows()).size).toBe(0);
  });

  test('an unknown id as the first word gets the closest ids', async () => {
    const r = await run('cloud-outage-2025 facts', 'C0ONE');
    expect(r.plain).toContain('There is no incident "cloud-outage-2025". Did you mean "cloud-outage-2026"?');
    expect(r.plain).toContain('The incidents: crowdstrike-2024, cloud-outage-2026, old-outage-2023.');
  });

  test('a closed incident still answers every read command, and says it is closed in the list', async () => {
    expect((await run('old-outage-2023 when', 'C0ONE')).plain).toContain('Old review');
    expect((await run('old-outage-2023 facts', 'C0ONE')).changed).toBe(false);
    const list = await run('incidents', 'C0ONE');
    expect(list.plain).toContain('old-outage-2023 — Old outage of 2023 · closed');
    expect(list.plain).toContain('cloud-outage-2026 — Cloud outage of November 2026 · active');
    expect(list.plain).toContain('1 open question');
  });

  test('/summit incidents: every incident, the channels following it, open questions, the latest source', async () => {
    await run('follow cloud-outage-2026', 'C0CLOUD');
    const r = await run('incidents', 'C0CLOUD');
    expect(r.plain).toMatch(/crowdstrike-2024 — CrowdStrike outage of July 2024 · active\n\s+3 open questions/);
    expect(r.plain).toContain('cloud-outage-2026 — Cloud outage of November 2026 · active · followed here');
    expect(r.plain).toContain('followed in #C0CLOUD');
    expect(r.json).toContain('<#C0CLOUD>');
    expect(r.plain).toMatch(/latest source Monday, November 2, 2026 \(Cloud Co\)/);
  });

  test('/summit mine: the caller’s questions across incidents, grouped', async () => {
    await run('cloud-outage-2026 assign Q1 <@U0MEMBER>', 'C0ONE');
    await run('crowdstrike-2024 assign Q3 <@U0MEMBER>', 'C0ONE');
    const r = await run('mine', 'C0ONE', MEMBER);
    expect(r.reply.summary).toBe('You own 2 open questions.');
    expect(r.plain).toMatch(
      /crowdstrike-2024 — CrowdStrike outage of July 2024 \(1\)[\s\S]*Q3[\s\S]*cloud-outage-2026 — Cloud outage of November 2026 \(1\)[\s\S]*Q1/,
    );
    // Worked out once for every user: someone else's are theirs, and a change within the minute shows at once.
    expect((await run('mine', 'C0ONE', ADMIN)).reply.summary).toBe('You own no open question.');
    await run('crowdstrike-2024 assign Q2 <@U0MEMBER>', 'C0ONE');
    expect((await run('mine', 'C0ONE', MEMBER)).reply.summary).toBe('You own 3 open questions.');
  });

  test('every button and form says which incident it belongs to; Share names it first', async () => {
    const r = await run('crowdstrike-2024 questions', 'C0ONE');
    const values = [...r.json.matchAll(/"value":"([^"]*)"/g)].map((m) => m[1]);
    expect(values.length).toBeGreaterThan(1);
    for (const v of values) expect(v).toMatch(/^crowdstrike-2024[| ]/);
    expect(values).toContain('crowdstrike-2024 questions');
  });

  test('a shortcut is about the channel’s incident; a button or form that names none is about the earlier records’ one', async () => {
    catalog.earlier = 'crowdstrike-2024';
    await run('follow cloud-outage-2026', 'C0CLOUD');
    const ask = (text: string): Command => ({ name: 'ask', text });
    await runInteraction(ask('From a shortcut?'), req('C0CLOUD'), { kind: 'shortcut' });
    await runInteraction(ask('From an old button?'), req('C0CLOUD'), { kind: 'made' });
    await runInteraction(ask('From a new button?'), req('C0CS'), { kind: 'made', incidentId: 'cloud-outage-2026' });
    expect((await root.scoped('cloud-outage-2026').state()).questions.map((q) => q.text)).toEqual([
      'From a shortcut?',
      'From a new button?',
    ]);
    expect((await root.scoped('crowdstrike-2024').state()).questions.map((q) => q.text)).toEqual([
      'From an old button?',
    ]);
    // A shortcut where nothing says which incident: nothing recorded, and why.
    const none = await runInteraction(ask('Where?'), req('C0NONE'), { kind: 'shortcut' });
    expect(toPlainText(none.reply)).toContain('this channel follows none of them, so nothing was recorded');
    expect(none.changed).toBe(false);
    // A button naming an incident the bot no longer follows.
    const gone = await runInteraction(ask('Gone?'), req('C0CS'), { kind: 'made', incidentId: 'removed-2020' });
    expect(toPlainText(gone.reply)).toContain('belongs to an incident this bot does not follow any more');
  });

  test('with one incident, every command is about it, as before', async () => {
    catalog = new Catalog([cloudOutage()]);
    expect((await run('when', 'C0ONE')).plain).toContain('Cloud provider briefing');
    // With one active incident and a closed one, the active one.
    catalog = new Catalog([cloudOutage(), closedOutage()]);
    expect((await run('when', 'C0ONE')).plain).toContain('Cloud provider briefing');
  });

  test('with one incident, unfollow unfollows: follow, unfollow, and follow again follows anew', async () => {
    catalog = new Catalog([cloudOutage()]);
    expect((await run('follow cloud-outage-2026', 'C0ONE')).plain).toContain('now follows cloud-outage-2026');
    const off = await run('unfollow', 'C0ONE');
    expect(off.plain).toContain('no longer follows cloud-outage-2026');
    expect(off.changed).toBe(true);
    expect((await root.follows()).get('C0ONE')?.incidentId).toBeUndefined();
    expect((await run('unfollow', 'C0ONE')).plain).toBe('This channel follows no incident.');
    expect((await run('follow cloud-outage-2026', 'C0ONE')).plain).toContain('now follows cloud-outage-2026');
  });

  test('a channel whose incident is gone is told so, never answered about another; it can unfollow', async () => {
    expect((await run('follow cloud-outage-2026', 'C0CLOUD')).plain).toContain('now follows cloud-outage-2026');
    // The cloud outage's file is removed: one incident is left.
    catalog.replace([defaultIncident()], []);
    const r = await run('when', 'C0CLOUD');
    expect(r.plain).toContain('This channel follows cloud-outage-2026, which this bot no longer has');
    expect(r.plain).toContain('/summit follow crowdstrike-2024');
    expect(r.plain).not.toContain('Windows Endpoint Security Ecosystem Summit');
    // Named first, the remaining incident answers; unfollowing ends it, and the sole incident answers again.
    expect((await run('crowdstrike-2024 when', 'C0CLOUD')).plain).toContain('Windows Endpoint Security');
    expect((await run('unfollow', 'C0CLOUD')).plain).toContain('no longer follows cloud-outage-2026');
    expect((await run('when', 'C0CLOUD')).plain).toContain('Windows Endpoint Security Ecosystem Summit');
  });

  test('while the store is down, a channel keeps the incident it follows (the follows last read)', async () => {
    await run('follow cloud-outage-2026', 'C0CLOUD');
    expect((await run('when', 'C0CLOUD')).plain).toContain('Cloud provider briefing');
    const down = Object.create(root) as FollowUpStore;
    down.follows = async () => {
      throw new StoreUnavailableError();
    };
    down.state = down.follows as never;
    const r = await run('when', 'C0CLOUD', ADMIN, { store: down });
    expect(r.plain).toContain('Cloud provider briefing');
    expect(r.plain).not.toContain('Which incident?');
  });

  test('the console: `use` chooses the incident; a command names it otherwise', async () => {
    expect((await run('when', undefined, ADMIN, { chosen: 'cloud-outage-2026' })).plain).toContain(
      'Cloud provider briefing',
    );
    expect((await run('when')).plain).toContain(
      'Name one first, as in crowdstrike-2024 when, or choose one with use crowdstrike-2024.',
    );
  });
});
