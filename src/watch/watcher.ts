import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { MAX_POSTS_PER_POLL } from '../core/plan';
import type { Feed } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { Metrics } from '../lib/metrics';
import type { FeedState, SeenItem } from '../store/feeds';
import type { FollowUpStore } from '../store/repository';
import { FETCH_DEFAULTS, FeedFetchError, fetchFeed, type Fetched, type FetchOptions } from './fetch';
import { FeedParseError, readEntries, refOf } from './items';

/** Entries checked against the store and recorded per round trip: what a poll holds at once besides the entries. */
const RECORD_BATCH = 1000;

/**
 * The one summary row of a poll that held items back ("and N more new items"), delivered like an item. Its key is
 * made from the held items' keys, so replicas that find the same burst record it once.
 */
export function summaryOfHeld(feed: Feed, heldKeys: string[], now: Date): SeenItem {
  const key = `more:${createHash('sha256').update(heldKeys.join('\n')).digest('hex').slice(0, 24)}`;
  return {
    feedId: feed.id,
    itemKey: key,
    itemRef: refOf(feed.id, key),
    title: '',
    matched: [],
    post: true,
    seenAt: now,
    more: heldKeys.length,
  };
}

/**
 * One fetch per feed URL per tick, however many incidents watch it: each incident's watcher asks here, and those
 * asking for the same URL with the same validators (ETag, Last-Modified) share one request and its answer; each
 * then matches and records the items for its own incident. Cleared at the start of each tick.
 */
export class SharedFetches {
  private readonly pending = new Map<string, Promise<Fetched>>();
  /** Requests actually sent since made (tests and the bench). */
  sent = 0;

  fetch(url: string, conditional: { etag?: string; lastModified?: string }, options: FetchOptions): Promise<Fetched> {
    const key = `${url}\n${conditional.etag ?? ''}\n${conditional.lastModified ?? ''}`;
    let p = this.pending.get(key);
    if (!p) {
      this.sent += 1;
      p = fetchFeed(url, conditional, options);
      this.pending.set(key, p);
    }
    return p;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** After failures a feed waits longer, doubling, up to this. */
const MAX_BACKOFF_MS = 6 * 3_600_000;

export interface PollOutcome {
  feed: string;
  /** ok, baseline, not_modified, or a failure's label (timeout, too_large, invalid_feed, http_500...). */
  result: string;
  /** Items seen for the first time; `post` says which will be posted, `held` which were held back by the bound. */
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
      /** Fetches shared with the other incidents' watchers within a tick. */
      shared?: SharedFetches;
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
      const conditional = { etag: base.etag, lastModified: base.lastModified };
      const options = this.deps.fetch ?? FETCH_DEFAULTS;
      const fetched = await (this.deps.shared
        ? this.deps.shared.fetch(feed.url, conditional, options)
        : fetchFeed(feed.url, conditional, options));
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
        const entries = await readEntries(feed, fetched.body);
        const baseline = base.baselineAt === undefined;
        // New items are posted if they match, at most MAX_POSTS_PER_POLL of them; the rest are held back (recorded
        // and listed, not posted) and counted in one summary post. Checked and recorded in batches, so a feed of
        // tens of thousands of items stays within the store's limits and the bot's memory.
        const added: SeenItem[] = [];
        const heldKeys: string[] = [];
        let posting = 0;
        for (let i = 0; i < entries.length; i += RECORD_BATCH) {
          const slice = entries.slice(i, i + RECORD_BATCH);
          const seen = await store.feeds.seenKeys(
            feed.id,
            slice.map((e) => e.key),
          );
          const fresh = slice
            .filter((e) => !seen.has(e.key))
            .map((e): SeenItem => {
              const wanted = !baseline && (feed.match.length === 0 || e.matched.length > 0);
              const held = wanted && ++posting > MAX_POSTS_PER_POLL;
              return {
                feedId: feed.id,
                itemKey: e.key,
                itemRef: e.ref,
                title: e.title,
                link: e.link,
                published: e.published,
                matched: e.matched,
                post: wanted && !held,
                seenAt: now,
                ...(held && { held: true }),
              };
            });
          for (const item of await store.feeds.recordSeen(fresh)) {
            added.push(item);
            if (item.held) heldKeys.push(item.itemKey);
          }
        }
        if (heldKeys.length > 0) await store.feeds.recordSeen([summaryOfHeld(feed, heldKeys, now)]);
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
          log.info(
            {
              feed: feed.id,
              items: added.filter((i) => i.post).map((i) => i.itemRef),
              held: heldKeys.length,
            },
            'new items to post',
          );
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
