import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseIncident } from '../../../src/incident/load';
import type { Feed, Incident } from '../../../src/incident/model';
import { ManualClock } from '../../../src/lib/clock';
import { Metrics } from '../../../src/lib/metrics';
import { ReminderDelivery } from '../../../src/scheduler/delivery';
import { SlackPoster } from '../../../src/scheduler/slack-poster';
import { ConsolePoster } from '../../../src/scheduler/console-poster';
import { CONSOLE_TARGET } from '../../../src/commands/run';
import type { FollowUpStore } from '../../../src/store/repository';
import { FeedWatcher, SharedFetches } from '../../../src/watch/watcher';
import { FakeSlack } from '../../helpers/fake-slack';
import { FeedServer, rss } from '../../helpers/feed-server';
import { readEntries } from '../../../src/watch/items';
import { minimalDataset } from '../../helpers/incident';
import { ADMIN, contextWith, runText, silent, testStore } from '../../helpers/store';

/**
 * Watching feeds against a local feed server on 127.0.0.1, a real SQLite file and a fake Slack Web API: what a
 * first poll records, what is posted later (once, to each target), ETags, restarts, a second replica, and every
 * fault a feed can have.
 */
describe('watching sources', () => {
  let feeds: FeedServer;
  let fake: FakeSlack;
  let file: string;
  let store: FollowUpStore;
  let clock: ManualClock;
  let incident: Incident;
  let metrics: Metrics;

  const watcher = (s = store, timeoutMs = 2000) =>
    new FeedWatcher({
      feeds: incident.watch,
      store: s,
      clock,
      log: silent,
      metrics,
      fetch: { timeoutMs, maxBytes: 64 * 1024, maxRedirects: 3 },
    });
  const delivery = (s = store) =>
    new ReminderDelivery({
      incident,
      store: s,
      clock,
      poster: new SlackPoster('xoxb-test', fake.url, silent),
      log: silent,
    });
  const sourcePosts = () =>
    fake
      .callsTo('chat.postMessage')
      .filter((c) => (c.body.metadata as { event_type?: string } | undefined)?.event_type === 'summit_source_item');
  const later = (minutes: number) => clock.set(new Date(clock.now().getTime() + minutes * 60_000));

  beforeEach(async () => {
    feeds = new FeedServer();
    const base = await feeds.start();
    fake = new FakeSlack();
    await fake.start();
    metrics = new Metrics(false);
    incident = parseIncident(
      minimalDataset(
        { date: '2030-09-10' },
        {
          watch: [
            {
              id: 'blog',
              url: `${base}/blog/feed/`,
              publisher: 'Test Blog',
              every: '15m',
              match: ['CrowdStrike', 'kernel mode'],
            },
            { id: 'all', url: `${base}/all/feed/`, publisher: 'Everything', every: '1m' },
          ],
        },
      ),
      't',
    );
    feeds.setItems('/blog/feed/', [
      { guid: 'a', title: 'Old news about CrowdStrike', link: 'https://blog.example/a' },
      { guid: 'b', title: 'Unrelated', link: 'https://blog.example/b' },
    ]);
    feeds.setItems('/all/feed/', [{ guid: 'x', title: 'Hello', link: 'https://blog.example/x' }]);
    file = path.join(mkdtempSync(path.join(tmpdir(), 'summit-watch-')), 'summit.db');
    store = await testStore(file, 'test-incident');
    clock = new ManualClock('2030-01-01T12:00:00Z');
    await store.reminders.subscribe({ kind: 'channel', id: 'C1' }, ADMIN, new Date('2029-12-01'));
    await store.reminders.subscribe({ kind: 'user', id: 'U0DM' }, ADMIN, new Date('2029-12-01'));
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
    await feeds.stop();
  });

  test('the first poll records what the feed holds and posts nothing; a new matching item is posted once to each target', async () => {
    expect((await watcher().tick()).map((o) => [o.feed, o.result, o.added.length])).toEqual([
      ['blog', 'baseline', 2],
      ['all', 'baseline', 1],
    ]);
    await delivery().tick();
    expect(sourcePosts()).toEqual([]);

    feeds.setItems('/blog/feed/', [
      {
        guid: 'c',
        title: 'Windows moves security tools out of Kernel Mode',
        link: 'https://blog.example/c',
        pubDate: 'Tue, 01 Jan 2030 10:00:00 GMT',
      },
      { guid: 'd', title: 'A recipe', link: 'https://blog.example/d' },
      { guid: 'a', title: 'Old news about CrowdStrike', link: 'https://blog.example/a' },
    ]);
    later(16);
    const [blog] = await watcher().tick();
    expect(blog?.added.map((i) => [i.title, i.post, i.matched])).toEqual([
      ['Windows moves security tools out of Kernel Mode', true, ['kernel mode']],
      ['A recipe', false, []],
    ]);
    expect((await delivery().tick()).sent).toBe(2);
    const posts = sourcePosts();
    expect(posts.map((c) => c.body.channel).sort()).toEqual(['C1', 'DU0DM']);
    expect(String(posts[0]?.body.text)).toBe('New from Test Blog: Windows moves security tools out of Kernel Mode');
    expect(posts[0]?.body.metadata).toEqual({
      event_type: 'summit_source_item',
      event_payload: { incident: 'test-incident', feed: 'blog', item: blog?.added[0]?.itemRef },
    });
    const blocks = JSON.stringify(posts[0]?.body.blocks);
    for (const a of ['summit_source_update', 'summit_source_answer', 'summit_source_dismiss'])
      expect(blocks).toContain(a);
    expect(blocks).toContain('matched: kernel mode');
    expect(blocks).toContain('<https://blog.example/c|');

    // Again, after a restart (new instances on the same file): nothing twice.
    later(16);
    await watcher().tick();
    await delivery().tick();
    await store.close();
    store = await testStore(file, 'test-incident');
    later(16);
    await watcher(store).tick();
    await delivery(store).tick();
    expect(sourcePosts()).toHaveLength(2);

    // /summit sources: when each feed was checked, and what became of its latest items.
    const shown = (await runText('sources', contextWith(incident, store, clock.now()))).plain;
    expect(shown).toContain('Test Blog (blog) — last checked');
    expect(shown).toContain('Kernel Mode <https://blog.example/c> — posted, not triaged');
    expect(shown).toContain('A recipe <https://blog.example/d> — did not match (not posted)');
    expect(shown).toContain('Old news about CrowdStrike <https://blog.example/a> — already there at the first check');
  });

  test('a feed two incidents watch is fetched once per tick, and matched and recorded for each incident', async () => {
    // The second incident watches the same blog, matching other words.
    const other = parseIncident(
      minimalDataset(
        { date: '2030-09-10' },
        {
          id: 'other-incident',
          watch: [
            {
              id: 'same-blog',
              url: incident.watch[0]?.url,
              publisher: 'Test Blog',
              every: '15m',
              match: ['Unrelated'],
            },
          ],
        },
      ),
      'other',
    );
    const shared = new SharedFetches();
    const watchers = [
      new FeedWatcher({ feeds: [incident.watch[0] as Feed], store, clock, log: silent, shared }),
      new FeedWatcher({ feeds: other.watch, store: store.scoped('other-incident'), clock, log: silent, shared }),
    ];
    const tick = async () => {
      shared.clear();
      const out = [];
      for (const w of watchers) out.push(...(await w.tick()));
      return out;
    };
    expect((await tick()).map((o) => [o.feed, o.result])).toEqual([
      ['blog', 'baseline'],
      ['same-blog', 'baseline'],
    ]);
    expect(feeds.requests.filter((r) => r.path === '/blog/feed/')).toHaveLength(1);
    feeds.setItems('/blog/feed/', [
      { guid: 'a', title: 'Old news about CrowdStrike', link: 'https://blog.example/a' },
      { guid: 'b', title: 'Unrelated', link: 'https://blog.example/b' },
      { guid: 'c', title: 'CrowdStrike and kernel mode', link: 'https://blog.example/c' },
      { guid: 'd', title: 'Unrelated again', link: 'https://blog.example/d' },
    ]);
    later(16);
    const second = await tick();
    // One more request for both incidents, with the validators both recorded from the same answer.
    expect(feeds.requests.filter((r) => r.path === '/blog/feed/')).toHaveLength(2);
    const posted = (feed: string) =>
      second
        .find((o) => o.feed === feed)
        ?.added.filter((i) => i.post)
        .map((i) => i.title);
    expect(posted('blog')).toEqual(['CrowdStrike and kernel mode']);
    expect(posted('same-blog')).toEqual(['Unrelated again']);
    expect((await store.feeds.latest('blog', 10)).map((i) => i.title).sort()).toEqual([
      'CrowdStrike and kernel mode',
      'Old news about CrowdStrike',
      'Unrelated',
      'Unrelated again',
    ]);
    expect(await store.scoped('other-incident').feeds.latest('blog', 10)).toEqual([]);
    expect(await store.scoped('other-incident').feeds.latest('same-blog', 10)).toHaveLength(4);
  });

  test('a second replica polling the same feeds at the same time posts nothing twice', async () => {
    await watcher().tick();
    const other = await testStore(file, 'test-incident');
    try {
      feeds.setItems('/all/feed/', [
        { guid: 'y', title: 'New one', link: 'https://blog.example/y' },
        { guid: 'x', title: 'Hello', link: 'https://blog.example/x' },
      ]);
      later(2);
      await Promise.all([watcher(store).tick(), watcher(other).tick()]);
      await Promise.all([delivery(store).tick(), delivery(other).tick()]);
      expect(
        sourcePosts()
          .map((c) => c.body.channel)
          .sort(),
      ).toEqual(['C1', 'DU0DM']);
    } finally {
      await other.close();
    }
  });

  test('the ETag is sent back, and a 304 is taken as nothing new', async () => {
    await watcher().tick();
    later(16);
    const outcomes = await watcher().tick();
    expect(outcomes.map((o) => o.result)).toEqual(['not_modified', 'not_modified']);
    const second = feeds.requests.filter((r) => r.path === '/blog/feed/')[1];
    expect(second?.headers['if-none-match']).toMatch(/^"/);
    expect(second?.headers['user-agent']).toMatch(/^summit-bot\//);
    expect(await metrics.text()).toMatch(/summit_feed_polls_total\{feed="blog",result="not_modified"\} 1/);
  });

  test.each([
    ['down', { kind: 'down' as const }, 'network'],
    ['slow', { kind: 'hang' as const }, 'timeout'],
    ['huge', { kind: 'huge' as const, bytes: 200 * 1024 }, 'too_large'],
    ['not XML', { kind: 'text' as const, body: '<html><body>Maintenance</body></html>' }, 'invalid_feed'],
    // The parser is lenient (a truncated feed still gives the items it holds); what it cannot read at all fails.
    [
      'malformed',
      { kind: 'text' as const, body: '{"items": [1, 2]}', contentType: 'application/rss+xml' },
      'invalid_feed',
    ],
    ['a server error', { kind: 'status' as const, status: 500 }, 'http_500'],
    ['a redirect loop', { kind: 'redirect' as const, to: '/blog/feed/' }, 'redirect_loop'],
    ['a redirect away from http(s)', { kind: 'redirect' as const, to: 'ftp://blog.example/feed' }, 'not_http'],
  ])(
    'a feed that is %s: logged, counted, shown as its last error, retried later; the other feed goes on',
    async (_name, behaviour, result) => {
      feeds.behave('/blog/feed/', behaviour);
      const outcomes = await watcher(store, 300).tick();
      expect(outcomes.map((o) => [o.feed, o.result])).toEqual([
        ['blog', result],
        ['all', 'baseline'],
      ]);
      const state = await store.feeds.state('blog');
      expect(state?.lastError).toMatch(new RegExp(`^${result}: `));
      expect(state?.failures).toBe(1);
      // Backoff: the usual interval after one failure, twice that after a second.
      expect(state?.nextPollAt?.getTime()).toBe(clock.now().getTime() + 15 * 60_000);
      expect(await metrics.text()).toContain(`summit_feed_polls_total{feed="blog",result="${result}"} 1`);
      later(16);
      await watcher(store, 300).tick();
      expect((await store.feeds.state('blog'))?.nextPollAt?.getTime()).toBe(clock.now().getTime() + 30 * 60_000);
    },
  );

  test('in the console, a new item prints as it is found', async () => {
    const printed: string[] = [];
    const consoleDelivery = new ReminderDelivery({
      incident,
      store,
      clock,
      poster: new ConsolePoster({ print: (t) => printed.push(t) }),
      fixedTargets: [CONSOLE_TARGET],
      log: silent,
    });
    await watcher().tick();
    feeds.setItems('/all/feed/', [
      { guid: 'z', title: 'Fresh post', link: 'https://blog.example/z' },
      { guid: 'x', title: 'Hello', link: 'https://blog.example/x' },
    ]);
    later(2);
    await watcher().tick();
    await consoleDelivery.tick();
    expect(printed.join('')).toContain('[new from a watched source] New from Everything: Fresh post');
  });

  test('a churning feed (new ids on every fetch) posts at most five items a poll, then one "and N more" post, once', async () => {
    const churn = (round: string) =>
      feeds.setItems(
        '/all/feed/',
        Array.from({ length: 20 }, (_, i) => ({
          guid: `${round}-${i}`,
          title: `Post ${i}`,
          link: `https://blog.example/${i}`,
        })),
      );
    churn('r0');
    await watcher().tick();
    churn('round-one'); // another length: the test server's ETag is made from the body's length
    later(2);
    // Two replicas find the same burst at once: one summary between them.
    const [one, two] = await Promise.all([watcher().tick(), watcher(store).tick()]);
    const all = [...(one ?? []), ...(two ?? [])].find((o) => o.feed === 'all' && o.added.length > 0);
    expect(all?.added.filter((i) => i.post)).toHaveLength(5);
    expect(all?.added.filter((i) => i.held)).toHaveLength(15);
    await delivery().tick();
    const toChannel = sourcePosts().filter((c) => c.body.channel === 'C1');
    expect(toChannel).toHaveLength(6);
    const summary = toChannel.map((c) => String(c.body.text)).filter((t) => t.startsWith('And '));
    expect(summary).toEqual(['And 15 more new items from Everything: /summit sources lists them']);
    // /summit sources says why the held ones were not posted on their own.
    const sources = await runText('sources', contextWith(incident, store, clock.now()));
    expect(sources.plain).toContain('matched, held back');
    expect(sources.plain).not.toContain('And 15 more');
  });

  test('an item with no link, and a hostile title, are posted safely: escaped, never a mention or a disguised link', async () => {
    await watcher().tick();
    feeds.setItems('/all/feed/', [
      { guid: 'h', title: '<!channel> read <https://evil.example|your bank> *now*' },
      { guid: 'x', title: 'Hello', link: 'https://blog.example/x' },
    ]);
    later(2);
    await watcher().tick();
    await delivery().tick();
    const json = JSON.stringify(sourcePosts()[0]?.body);
    expect(json).not.toMatch(/<!channel>|<https:\/\/evil/);
    expect(json).toContain('&lt;!channel&gt;');
  });
});

describe('reading and keeping feed items', () => {
  const feed = parseIncident(
    minimalDataset(
      { date: '2030-09-10' },
      { watch: [{ id: 'big', url: 'https://blog.example/feed/', publisher: 'Big', every: '1m', match: ['kernel'] }] },
    ),
    't',
  ).watch[0] as Incident['watch'][number];

  test('feed text is cleaned like typed text: controls, bidi overrides and line separators are taken out', async () => {
    const xml = rss([
      { guid: 'h', title: 'Safe\u202e txt.exe\u0007 and\u2028 kernel\u2066 news', description: 'x\u202ey' },
    ]);
    const [entry] = await readEntries(feed, xml);
    expect(entry?.title).toBe('Safe txt.exe and kernel news');
    expect(entry?.matched).toEqual(['kernel']);
  });

  test('RSS, Atom and RDF items are read; a page that is not a feed is refused', async () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>urn:1</id><title type="html">Kernel &amp;amp; more</title><link rel="self" href="https://a.example/self"/><link href="https://a.example/1"/><updated>2030-01-01T10:00:00Z</updated><summary>s</summary></entry></feed>`;
    expect(await readEntries(feed, atom)).toMatchObject([
      { key: 'urn:1', title: 'Kernel & more', link: 'https://a.example/1', matched: ['kernel'] },
    ]);
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="x"><title>R</title></channel><item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link><dc:date>2030-01-02T00:00:00Z</dc:date></item></rdf:RDF>`;
    const [r] = await readEntries(feed, rdf);
    expect(r).toMatchObject({ key: 'https://r.example/1', title: 'One' });
    expect(r?.published?.toISOString()).toBe('2030-01-02T00:00:00.000Z');
    await expect(readEntries(feed, '<!doctype html><html><body>Not a feed</body></html>')).rejects.toThrow(
      /not an RSS or Atom feed/,
    );
  });

  test('a feed of 33,000 items is checked and recorded in batches (no "too many SQL variables")', async () => {
    const items = Array.from({ length: 33_000 }, (_, i) => ({ guid: `g${i}`, title: `Post ${i}` }));
    const entries = await readEntries(feed, rss(items));
    expect(entries).toHaveLength(33_000);
    const store = await testStore(undefined, 'test-incident');
    try {
      const at = new Date('2030-01-01T00:00:00Z');
      expect(
        (
          await store.feeds.seenKeys(
            'big',
            entries.map((e) => e.key),
          )
        ).size,
      ).toBe(0);
      const added = await store.feeds.recordSeen(
        entries.map((e) => ({
          feedId: 'big',
          itemKey: e.key,
          itemRef: e.ref,
          title: e.title,
          matched: [],
          post: false,
          seenAt: at,
        })),
      );
      expect(added).toHaveLength(33_000);
      expect(
        (
          await store.feeds.seenKeys(
            'big',
            entries.map((e) => e.key),
          )
        ).size,
      ).toBe(33_000);
      // Recorded again (another replica): nothing is added twice.
      expect(await store.feeds.recordSeen(added.slice(0, 10))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
