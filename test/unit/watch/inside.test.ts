import type { LookupAddress } from 'node:dns';
import { parseIncident } from '../../../src/incident/load';
import { ManualClock } from '../../../src/lib/clock';
import { Metrics } from '../../../src/lib/metrics';
import { fetchFeed, FeedFetchError, type FetchOptions } from '../../../src/watch/fetch';
import { isInsideAddress } from '../../../src/watch/inside';
import { FeedWatcher } from '../../../src/watch/watcher';
import { FeedServer } from '../../helpers/feed-server';
import { minimalDataset } from '../../helpers/incident';
import { contextWith, runText, silent, testStore } from '../../helpers/store';

/**
 * A feed on the internet may never lead the bot inside. No outside address can be reached from this machine, so a
 * second loopback address, 127.0.0.2, plays the public feed (counted as outside by the isInside the tests give;
 * the real table is tested on its own below), and 127.0.0.1 plays the inside.
 */
describe('inside addresses', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['10.1.2.3', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['169.254.169.254', true],
    ['169.254.1.1', true],
    ['fe80::1', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['0.0.0.0', true],
    ['::', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:169.254.169.254', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['2606:4700::1', false],
    ['not an address', false],
  ])('%s inside: %s', (address, inside) => {
    expect(isInsideAddress(address)).toBe(inside);
  });
});

describe('a feed is never led inside', () => {
  const inside = new FeedServer();
  const outside = new FeedServer();
  /** The real table, except that 127.0.0.2 stands for an outside server. */
  const isInside = (a: string) => a !== '127.0.0.2' && isInsideAddress(a);
  const options = (extra: Partial<FetchOptions> = {}): FetchOptions => ({
    timeoutMs: 2000,
    maxBytes: 64 * 1024,
    maxRedirects: 3,
    isInside,
    ...extra,
  });

  beforeAll(async () => {
    await inside.start('127.0.0.1');
    await outside.start('127.0.0.2');
    inside.setItems('/secret', [{ guid: 's', title: 'Internal only' }]);
    outside.setItems('/feed', [{ guid: 'p', title: 'Public post' }]);
  });
  afterAll(async () => {
    await inside.stop();
    await outside.stop();
  });

  const failure = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      return e as FeedFetchError;
    }
    throw new Error('expected a refusal');
  };

  test('an outside feed is fetched; one that redirects to 127.0.0.1 is refused, and nothing inside is asked', async () => {
    const ok = await fetchFeed(`${outside.base}/feed`, {}, options());
    expect(ok.kind).toBe('ok');
    outside.behave('/moved', { kind: 'redirect', to: `${inside.base}/secret` });
    const before = inside.requests.length;
    const e = await failure(fetchFeed(`${outside.base}/moved`, {}, options()));
    expect(e).toBeInstanceOf(FeedFetchError);
    expect(e.result).toBe('refused_inside');
    expect(inside.requests.length).toBe(before);
  });

  test('a redirect to the metadata address or to [::1] is refused without connecting', async () => {
    for (const to of ['http://169.254.169.254/latest/meta-data/', 'http://[::1]:1/feed', 'http://0.0.0.0:1/']) {
      outside.behave('/hop', { kind: 'redirect', to });
      expect((await failure(fetchFeed(`${outside.base}/hop`, {}, options()))).result).toBe('refused_inside');
    }
  });

  test('a name that resolved outside and resolves inside at connect time (rebinding) is refused', async () => {
    const port = new URL(inside.base).port;
    let calls = 0;
    const resolve = async (): Promise<LookupAddress[]> =>
      calls++ === 0 ? [{ address: '127.0.0.2', family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    const before = inside.requests.length;
    const e = await failure(fetchFeed(`http://feed.test:${port}/secret`, {}, options({ resolve })));
    expect(e.result).toBe('refused_inside');
    expect(inside.requests.length).toBe(before);
  });

  test('a feed the operator configured inside (an intranet feed) is polled as configured', async () => {
    const r = await fetchFeed(`${inside.base}/secret`, {}, options());
    expect(r.kind).toBe('ok');
    const port = new URL(inside.base).port;
    const resolve = async (): Promise<LookupAddress[]> => [{ address: '127.0.0.1', family: 4 }];
    expect((await fetchFeed(`http://intranet.test:${port}/secret`, {}, options({ resolve }))).kind).toBe('ok');
  });

  test('the refusal is counted as its own result and shown as the feed error in /summit sources', async () => {
    outside.behave('/moved', { kind: 'redirect', to: `${inside.base}/secret` });
    const incident = parseIncident(
      minimalDataset(
        { date: '2024-09-10' },
        { watch: [{ id: 'vendor', url: `${outside.base}/moved`, publisher: 'Vendor', every: '1m' }] },
      ),
      't',
    );
    const store = await testStore(undefined, 'test-incident');
    const metrics = new Metrics();
    const clock = new ManualClock('2024-09-01T12:00:00Z');
    try {
      const watcher = new FeedWatcher({
        feeds: incident.watch,
        store,
        clock,
        log: silent,
        metrics,
        fetch: options(),
      });
      const [outcome] = await watcher.pollAll();
      expect(outcome?.result).toBe('refused_inside');
      expect(await metrics.text()).toMatch(/summit_feed_polls_total\{feed="vendor",result="refused_inside"\} 1/);
      const sources = await runText('sources', contextWith(incident, store, clock.now()));
      expect(sources.plain).toContain('Last error: refused_inside');
    } finally {
      await store.close();
    }
  });
});
