import type { default as IcalModule } from 'ical.js' with { 'resolution-mode': 'import' };
import { Catalog } from '../../../src/incident/catalog';
import { ManualClock } from '../../../src/lib/clock';
import { StoreUnavailableError } from '../../../src/lib/errors';
import { signLink } from '../../../src/lib/links';
import type { FollowUpStore } from '../../../src/store/repository';
import { FETCHES_PER_MINUTE, REFUSALS_PER_MINUTE, WebPages } from '../../../src/web/pages';
import { startPageServer } from '../../../src/web/serve';
import { cloudOutage, defaultIncident } from '../../helpers/incident';
import { ADMIN, silent, testStore } from '../../helpers/store';

// ical.js (Mozilla's iCalendar parser) ships an ES module for its types and a CommonJS build for require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ICAL = require('ical.js') as typeof IcalModule;
type IcalComponent = InstanceType<typeof IcalModule.Component>;

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = '2026-12-01T17:00:00Z';
const DAY = 86_400_000;

/** The pages on a real server on 127.0.0.1, as the console and Socket Mode serve them. */
describe('the incident page and calendar', () => {
  let store: FollowUpStore;
  let clock: ManualClock;
  let server: { port: number; close: () => Promise<void> };
  let base: string;
  let now: number;
  const start = async (realNow?: () => number) => {
    const pages = new WebPages({
      catalog: new Catalog([defaultIncident(), cloudOutage()]),
      store,
      clock,
      log: silent,
      secret: SECRET,
      publicUrl: 'https://summit.example.com',
      realNow,
    });
    server = await startPageServer(pages, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  };
  beforeEach(async () => {
    store = await testStore();
    clock = new ManualClock(NOW);
    now = Date.parse(NOW);
    await start();
  });
  afterEach(async () => {
    await server.close();
    await store.close();
  });

  const token = (incident = 'crowdstrike-2024', issuedAt = now - 1000, days = 30) =>
    signLink(SECRET, { incident, issuedAt, expiresAt: issuedAt + days * DAY });
  const page = (query: string, path = '/incidents/crowdstrike-2024') => fetch(`${base}${path}?${query}`);

  test('a valid link opens the page: title, state, summary, the event, facts with sources, questions, a strict CSP', async () => {
    const res = await page(`token=${token()}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain('<h1>CrowdStrike outage of July 2024</h1>');
    expect(html).toContain('Windows Endpoint Security Ecosystem Summit');
    expect(html).toContain(
      'href="https://www.crowdstrike.com/blog/falcon-content-update-preliminary-post-incident-report/"',
    );
    expect(html).toContain('<svg id="timeline"');
    expect(html).toMatch(/<circle class="mark event" data-kind="event"/);
    expect(html).not.toMatch(/<script>|style="|https?:\/\/[^"]*\.(js|css)"/);
  });

  test('no token, a wrong, expired, revoked or another incident’s: 403, saying so and showing nothing of the incident', async () => {
    const refused = async (query: string) => {
      const res = await page(query);
      const html = await res.text();
      expect(res.status).toBe(403);
      expect(html).not.toContain('CrowdStrike');
      expect(html).not.toContain('Summit');
      return html;
    };
    expect(await refused('')).toContain('opens only with a link given in Slack');
    expect(await refused('token=abc.def')).toContain('This link is not valid');
    expect(await refused(`token=${token('crowdstrike-2024', now - 31 * DAY)}`)).toContain('has expired');
    expect(await refused(`token=${token('cloud-outage-2026')}`)).toContain('for another page');
    const given = token();
    expect((await page(`token=${given}`)).status).toBe(200);
    await store.revokeLinks(ADMIN, new Date(now));
    expect(await refused(`token=${given}`)).toContain('was revoked');
    // A link given after the revocation opens it.
    expect((await page(`token=${token('crowdstrike-2024', now + 1)}`)).status).toBe(200);
    // An incident that does not exist says no more than a wrong link.
    expect((await fetch(`${base}/incidents/no-such-2020?token=${given}`)).status).toBe(403);
  });

  test('"as of" a date shows what /summit shows at that moment: before the summit was announced, nothing of it', async () => {
    const t = token();
    const before = await (await page(`token=${t}&as_of=2024-08-01`)).text();
    expect(before).not.toContain('Windows Endpoint Security Ecosystem Summit');
    expect(before).toContain('As of Thursday, August 1, 2024');
    expect(before).toContain('value="2024-08-01"');
    const after = await (await page(`token=${t}&as_of=2024-09-03`)).text();
    expect(after).toContain('Windows Endpoint Security Ecosystem Summit');
    // The root-cause analysis (August 6) is known on September 3, not on August 1.
    expect(after).toContain('Channel File 291 Incident: Root Cause Analysis is Available');
    expect(before).not.toContain('Channel File 291 Incident: Root Cause Analysis is Available');
    const bad = await page(`token=${t}&as_of=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('as_of must be a date such as 2024-09-03');
  });

  test('the calendar is valid iCalendar: the event, expected updates, due dates, each with a UID stable across fetches and restarts', async () => {
    await store.recordAssignment({
      questionId: 'Q3',
      field: 'due',
      value: '2027-01-15',
      actor: ADMIN,
      at: new Date(now),
    });
    await store.recordAssignment({
      questionId: 'Q3',
      field: 'owner',
      value: 'U0OWNER',
      actor: ADMIN,
      at: new Date(now),
    });
    const t = token();
    const fetchIcs = async () => {
      const res = await page(`token=${t}`, '/incidents/crowdstrike-2024/calendar.ics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      return res.text();
    };
    const text = await fetchIcs();
    expect(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75)).toBe(true);
    const cal = new ICAL.Component(ICAL.parse(text));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('CrowdStrike outage of July 2024 (summit-bot)');
    const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const byUid = new Map(events.map((e) => [e.uid, e]));
    const summit = byUid.get('crowdstrike-2024-event@summit-bot');
    expect(summit?.summary).toBe('Windows Endpoint Security Ecosystem Summit');
    expect(summit?.startDate.toString()).toBe('2024-09-10');
    expect(summit?.location).toBe('Microsoft headquarters, Redmond, Washington');
    const expected = events.filter((e) => e.uid.includes('-expected-'));
    expect(expected.length).toBeGreaterThan(0);
    // The summit's update (an estimated date) was received on 2024-09-12: it stands on that day, said received.
    const received = expected.find((e) => e.summary.startsWith('Update received'));
    expect(received?.startDate.toString()).toBe('2024-09-12');
    expect(received?.description).toContain('Expected around 2024-09-11; received.');
    // A refresh hint for calendar apps.
    expect(cal.getFirstPropertyValue('refresh-interval')?.toString()).toBe('PT1H');
    expect(cal.getFirstPropertyValue('x-published-ttl')).toBe('PT1H');
    const due = byUid.get('crowdstrike-2024-due-Q3@summit-bot');
    expect(due?.startDate.toString()).toBe('2027-01-15');
    expect(due?.description).toContain('Owner: Slack user U0OWNER.');
    expect(String(summit?.component.getFirstPropertyValue('url'))).toContain(
      'https://summit.example.com/incidents/crowdstrike-2024?token=',
    );
    // Fetched again, and from a restarted bot: the same UIDs.
    const again = new ICAL.Component(ICAL.parse(await fetchIcs()));
    await server.close();
    await start();
    const restarted = new ICAL.Component(ICAL.parse(await fetchIcs()));
    const uids = (c: IcalComponent) =>
      c
        .getAllSubcomponents('vevent')
        .map((v) => v.getFirstPropertyValue('uid'))
        .sort();
    expect(uids(again)).toEqual(uids(cal));
    expect(uids(restarted)).toEqual(uids(cal));
  });

  test('only GET and HEAD; at most 60 fetches a minute per link; a page fetch writes nothing', async () => {
    const t = token();
    const head = await fetch(`${base}/incidents/crowdstrike-2024?token=${t}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${base}/incidents/crowdstrike-2024?token=${t}`, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const version = await store.stateVersion();
    await server.close();
    let real = Date.parse('2026-12-01T17:00:05Z');
    await start(() => real);
    const other = token('crowdstrike-2024', now - 500);
    for (let i = 0; i < FETCHES_PER_MINUTE; i++) expect((await page(`token=${other}`)).status).toBe(200);
    const limited = await page(`token=${other}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another link is not held up; the next minute this one opens again.
    expect((await page(`token=${t}`)).status).toBe(200);
    real += 60_000;
    expect((await page(`token=${other}`)).status).toBe(200);
    expect(await store.stateVersion()).toBe(version);
  });

  test('a token has one spelling: the same signature spelt with other unused bits is refused, so a budget is never doubled', async () => {
    const t = token();
    const last = t.slice(-1);
    // The 43rd base64url character of 32 bytes carries 2 unused bits: 4 spellings decode to the same signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const index = alphabet.indexOf(last);
    const others = [1, 2, 3].map((d) => `${t.slice(0, -1)}${alphabet[(index & ~3) | ((index + d) & 3)] ?? ''}`);
    for (const other of others) {
      expect(Buffer.from(other.split('.')[1] ?? '', 'base64url')).toEqual(
        Buffer.from(t.split('.')[1] ?? '', 'base64url'),
      );
      expect((await page(`token=${other}`)).status).toBe(403);
    }
    expect((await page(`token=${t}`)).status).toBe(200);
  });

  test('refusals are limited per client address before any work; a made-up token is kept nowhere; real links are not held up', async () => {
    let real = Date.parse('2026-12-01T17:00:05Z');
    await server.close();
    await start(() => real);
    const good = token();
    // Made-up tokens, each 14 KB and distinct: refused, then limited.
    const statuses: number[] = [];
    for (let i = 0; i < REFUSALS_PER_MINUTE + 5; i++)
      statuses.push((await page(`token=${`${i}`.padEnd(14_000, 'x')}`)).status);
    expect(statuses.slice(0, REFUSALS_PER_MINUTE).every((s) => s === 403)).toBe(true);
    const limited = await page('token=nothing-at-all');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.slice(REFUSALS_PER_MINUTE)).toEqual(Array(5).fill(429));
    // Only refusals are limited: a real link still opens from the same address, and the next minute the address is
    // heard again.
    expect((await page(`token=${good}`)).status).toBe(200);
    real += 60_000;
    expect((await page('token=bad')).status).toBe(403);
  });

  test('behind a trusted proxy the forwarded client is limited, not the proxy; an untrusted X-Forwarded-For is ignored', async () => {
    const real = Date.parse('2026-12-01T17:00:05Z');
    await server.close();
    const pages = new WebPages({
      catalog: new Catalog([defaultIncident()]),
      store,
      clock,
      log: silent,
      secret: SECRET,
      publicUrl: 'https://summit.example.com',
      realNow: () => real,
      trustedProxies: ['127.0.0.1'],
    });
    server = await startPageServer(pages, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
    const from = (client: string, query: string) =>
      fetch(`${base}/incidents/crowdstrike-2024?${query}`, { headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < REFUSALS_PER_MINUTE; i++) expect((await from('203.0.113.7', 'token=bad')).status).toBe(403);
    expect((await from('203.0.113.7', 'token=bad')).status).toBe(429);
    // Another client behind the same proxy is heard, and its link opens.
    expect((await from('198.51.100.9', `token=${token()}`)).status).toBe(200);
    expect((await from('198.51.100.9', 'token=bad')).status).toBe(403);
  });

  test('while the store is unavailable: 503 with a sentence and Retry-After, never a 500', async () => {
    await server.close();
    const down = Object.create(store) as FollowUpStore;
    down.scoped = () => down;
    down.linksRevokedAt = async () => {
      throw new StoreUnavailableError();
    };
    const pages = new WebPages({
      catalog: new Catalog([defaultIncident()]),
      store: down,
      clock,
      log: silent,
      secret: SECRET,
      publicUrl: 'https://summit.example.com',
    });
    server = await startPageServer(pages, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
    for (const path of ['/incidents/crowdstrike-2024', '/incidents/crowdstrike-2024/calendar.ics']) {
      const res = await page(`token=${token()}`, path);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.text()).toContain('its records are unavailable');
    }
  });
});
