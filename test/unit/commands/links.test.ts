import { verifyLink } from '../../../src/lib/links';
import { parseIncident } from '../../../src/incident/load';
import type { FollowUpStore } from '../../../src/store/repository';
import { datasetWith, defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, MEMBER, runText, testStore } from '../../helpers/store';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = '2026-12-01T17:00:00Z';
const links = { publicUrl: 'https://summit.example.com', secret: SECRET };

describe('/summit link and /summit calendar', () => {
  let store: FollowUpStore;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(() => store.close());
  const run = (text: string, actor = ADMIN, incident = defaultIncident(), on = true) =>
    runText(text, { ...contextWith(incident, store, NOW, actor), channelId: 'C0ONE', links: on ? links : undefined });
  const tokenIn = (plain: string, path = '') =>
    new RegExp(`https://summit\\.example\\.com/incidents/crowdstrike-2024${path}\\?token=([A-Za-z0-9._-]+)`).exec(
      plain,
    )?.[1];

  test('an admin gets a link to the page, valid 30 days, or as many as asked; it opens this incident alone', async () => {
    const r = await run('link');
    expect(r.plain).toContain(
      'Here is a link to the page of crowdstrike-2024 (CrowdStrike outage of July 2024), valid until Thursday, December 31, 2026:',
    );
    const t = tokenIn(r.plain);
    const now = Date.parse(NOW);
    expect(verifyLink(SECRET, t, 'crowdstrike-2024', now)).toMatchObject({
      ok: true,
      claims: { expiresAt: now + 30 * 86_400_000 },
    });
    expect(verifyLink(SECRET, t, 'cloud-outage-2026', now)).toEqual({ ok: false, why: 'other-incident' });
    const week = tokenIn((await run('link 7d')).plain);
    expect(verifyLink(SECRET, week, 'crowdstrike-2024', now + 8 * 86_400_000)).toEqual({ ok: false, why: 'expired' });
    expect((await run('link 0d')).plain).toContain('A link holds 1 to 365 days (such as 7d).');
    expect((await run('link forever')).plain).toContain('is neither a number of days (such as 7d) nor revoke');
    // Never shareable: a link is for the one who asked.
    expect(r.reply.share).toBeUndefined();
  });

  test('the calendar link; revoke (admins) stops every link given so far, and is recorded', async () => {
    const cal = await run('calendar');
    expect(cal.plain).toContain('Subscribe to the calendar');
    expect(tokenIn(cal.plain, '/calendar\\.ics')).toBeDefined();
    expect((await run('link revoke', MEMBER)).plain).toMatch(/^Sorry, only admins can/);
    expect(await store.linksRevokedAt()).toBeUndefined();
    const revoked = await run('link revoke');
    expect(revoked.plain).toBe(
      'Every link given so far for crowdstrike-2024 stops working now. /summit link gives a new one.',
    );
    expect(await store.linksRevokedAt()).toBe(Date.parse(NOW));
    expect((await store.auditLog()).map((a) => a.action)).toEqual(['links.revoked']);
  });

  test('who may: admins, or anyone when the data set says permissions.link: everyone; pages off says how to turn them on', async () => {
    expect((await run('link', MEMBER)).plain).toMatch(/^Sorry, only admins can get links to this incident’s page/);
    const open = parseIncident(
      datasetWith((d) => d.setIn(['permissions', 'link'], 'everyone')),
      'open.yaml',
    );
    expect((await run('link', MEMBER, open)).plain).toContain('Here is a link to the page');
    expect((await run('link', ADMIN, defaultIncident(), false)).plain).toContain(
      'Pages and calendars are off: the bot needs PUBLIC_URL',
    );
  });
});
