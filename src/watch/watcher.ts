import type { Logger } from 'pino';
import type { Feed } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { Metrics } from '../lib/metrics';
import type { FeedState, SeenItem } from '../store/feeds';
import type { FollowUpStore } from '../store/repository';
import { FETCH_DEFAULTS, FeedFetchError, fetchFeed, type FetchOptions } from './fetch';
import { FeedParseError, readEntries } from './items';

/** After failures a feed waits longer, doubling, up to this. */
const MAX_BACKOFF_MS = 6 * 3_600_000;

export interface PollOutcome {
  feed: string;
  /** ok, baseline, not_modified, or a failure's label (timeout, too_large, invalid_feed, http_500...). */
  result: string;
  /** Items seen for the first time; `post` says which will be posted. */
  added: SeenItem[];
}

/**
 * Polls the data set's feeds, each when it is due (its `every`, longer after failures), and records what it finds.
 * The first successful poll of a feed records what it already holds as seen and marks nothing to post (no flood);
 * after that each new item is recorded once (by guid, else link), and marked to post if it matches. Posting is the
 * delivery's, with the same exactly-once claims as reminders. Safe to run on every replica at once: items and
 * claims are unique keys in the store. A feed that fails is logged and counted; nothing else stops.
 */
export class FeedWatcher {
  constructor(
    private readonly deps: {
      feeds: Feed[];
      store: FollowUpStore;
      clock: Clock;
      log: Logger;
      metrics?: Metrics;
      fetch?: FetchOptions;
    },
  ) {}

  /** Polls every feed that is due. */
  async tick(): Promise<PollOutcome[]> {
    const out: PollOutcome[] = [];
    const now = this.deps.clock.now();
    // One read of every feed's state per tick, not one per feed.
    const states = new Map((await this.deps.store.feeds.states()).map((s) => [s.feedId, s]));
    for (const feed of this.deps.feeds) {
      const state = states.get(feed.id);
      if (state?.nextPollAt && state.nextPollAt > now) continue;
      out.push(await this.poll(feed, state));
    }
    return out;
  }

  /** Polls every feed now, whether due or not (npm run watch -- --once). */
  async pollAll(): Promise<PollOutcome[]> {
    const out: PollOutcome[] = [];
    for (const feed of this.deps.feeds) out.push(await this.poll(feed, await this.deps.store.feeds.state(feed.id)));
    return out;
  }

  private async poll(feed: Feed, state: FeedState | undefined): Promise<PollOutcome> {
    const { store, clock, log, metrics } = this.deps;
    const now = clock.now();
    const base: FeedState = state ?? { feedId: feed.id, failures: 0 };
    let outcome: PollOutcome;
    try {
      const fetched = await fetchFeed(
        feed.url,
        { etag: base.etag, lastModified: base.lastModified },
        this.deps.fetch ?? FETCH_DEFAULTS,
      );
      if (fetched.kind === 'not-modified') {
        await store.feeds.saveState({
          ...base,
          checkedAt: now,
          failures: 0,
          lastError: undefined,
          nextPollAt: new Date(now.getTime() + feed.everyMs),
        });
        outcome = { feed: feed.id, result: 'not_modified', added: [] };
      } else {
        const entries = readEntries(feed, fetched.body);
        const seen = await store.feeds.seenKeys(
          feed.id,
          entries.map((e) => e.key),
        );
        const baseline = base.baselineAt === undefined;
        const fresh = entries.filter((e) => !seen.has(e.key));
        const added = await store.feeds.recordSeen(
          fresh.map((e) => ({
            feedId: feed.id,
            itemKey: e.key,
            itemRef: e.ref,
            title: e.title,
            link: e.link,
            published: e.published,
            matched: e.matched,
            post: !baseline && (feed.match.length === 0 || e.matched.length > 0),
            seenAt: now,
          })),
        );
        await store.feeds.saveState({
          ...base,
          etag: fetched.etag,
          lastModified: fetched.lastModified,
          checkedAt: now,
          baselineAt: base.baselineAt ?? now,
          failures: 0,
          lastError: undefined,
          nextPollAt: new Date(now.getTime() + feed.everyMs),
        });
        outcome = { feed: feed.id, result: baseline ? 'baseline' : 'ok', added };
        if (added.some((i) => i.post))
          log.info({ feed: feed.id, items: added.filter((i) => i.post).map((i) => i.itemRef) }, 'new items to post');
      }
    } catch (error) {
      const known = error instanceof FeedFetchError || error instanceof FeedParseError;
      const result = known ? error.result : 'internal';
      const failures = base.failures + 1;
      const wait = Math.min(feed.everyMs * 2 ** (failures - 1), Math.max(MAX_BACKOFF_MS, feed.everyMs));
      const message = (error as Error).message.slice(0, 300);
      log.warn(
        { feed: feed.id, result, failures, retryInMs: wait, err: known ? undefined : error },
        `feed poll failed: ${message}`,
      );
      try {
        await store.feeds.saveState({
          ...base,
          checkedAt: now,
          failures,
          lastError: `${result}: ${message}`,
          nextPollAt: new Date(now.getTime() + wait),
        });
      } catch (e) {
        log.warn({ feed: feed.id, err: e }, 'could not record the failed poll');
      }
      outcome = { feed: feed.id, result, added: [] };
    }
    metrics?.feedPoll(feed.id, outcome.result);
    return outcome;
  }
}
