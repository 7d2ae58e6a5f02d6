import type { Kysely } from 'kysely';
import type { Actor } from '../incident/model';
import { audit } from './audit';
import type { Database } from './schema';

/** A feed's polling state, as kept for conditional GETs, backoff and /summit sources. */
/**
 * Batches that stay far below the bound-variable limits (SQLite's 32,766; PostgreSQL's 65,535): a key list per
 * query, and rows per insert (9 values a row).
 */
const KEYS_PER_QUERY = 500;
const ROWS_PER_INSERT = 200;

export interface FeedState {
  feedId: string;
  etag?: string;
  lastModified?: string;
  checkedAt?: Date;
  baselineAt?: Date;
  lastError?: string;
  failures: number;
  nextPollAt?: Date;
}

export interface SeenItem {
  feedId: string;
  itemKey: string;
  itemRef: string;
  title: string;
  link?: string;
  published?: Date;
  matched: string[];
  post: boolean;
  seenAt: Date;
  /** Matched, but held back by the bound on what one poll posts. */
  held?: boolean;
  /** A poll's summary of the items it held back ("and N more new items"), delivered like an item. */
  more?: number;
}

export interface Triage {
  itemRef: string;
  action: 'update' | 'answer' | 'dismissed' | 'source';
  detail?: string;
  actor: Actor;
  at: Date;
}

const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());
const date = (s: string | null) => (s === null ? undefined : new Date(s));

/**
 * Watched feeds: their polling state, every item seen (once, by feed and key, whichever replica saw it first) and
 * the triage of posted items (append-only, each with an audit row).
 */
export class FeedStore {
  /** @param incidentId the incident whose feeds these are: a feed two incidents watch is recorded for each. */
  /** @param onCommit told after an audited write (a triage) commits, so the state version moves. */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly incidentId: string,
    private readonly onCommit: () => void = () => undefined,
  ) {}

  async state(feedId: string): Promise<FeedState | undefined> {
    const r = await this.db
      .selectFrom('feed_state')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('feed_id', '=', feedId)
      .executeTakeFirst();
    return r && toState(r);
  }

  async states(): Promise<FeedState[]> {
    return (
      await this.db.selectFrom('feed_state').selectAll().where('incident_id', '=', this.incidentId).execute()
    ).map(toState);
  }

  /** Writes a feed's state after a poll (inserted the first time). */
  async saveState(s: FeedState): Promise<void> {
    const row = {
      etag: s.etag ?? null,
      last_modified: s.lastModified ?? null,
      checked_at: iso(s.checkedAt),
      baseline_at: iso(s.baselineAt),
      last_error: s.lastError ?? null,
      failures: s.failures,
      next_poll_at: iso(s.nextPollAt),
    };
    await this.db
      .insertInto('feed_state')
      .values({ incident_id: this.incidentId, feed_id: s.feedId, ...row })
      .onConflict((oc) => oc.columns(['incident_id', 'feed_id']).doUpdateSet(row))
      .execute();
  }

  /** The keys of a feed's items already seen, among `keys` (asked in batches: a feed may hold tens of thousands). */
  async seenKeys(feedId: string, keys: string[]): Promise<Set<string>> {
    const seen = new Set<string>();
    for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
      const rows = await this.db
        .selectFrom('feed_item')
        .select('item_key')
        .where('incident_id', '=', this.incidentId)
        .where('feed_id', '=', feedId)
        .where('item_key', 'in', keys.slice(i, i + KEYS_PER_QUERY))
        .execute();
      for (const r of rows) seen.add(r.item_key);
    }
    return seen;
  }

  /**
   * Records items as seen, in batches; one already recorded (by another replica) stays as it was. Returns those
   * this call added.
   */
  async recordSeen(items: SeenItem[]): Promise<SeenItem[]> {
    const added: SeenItem[] = [];
    for (let i = 0; i < items.length; i += ROWS_PER_INSERT) {
      const batch = items.slice(i, i + ROWS_PER_INSERT);
      const inserted = await this.db
        .insertInto('feed_item')
        .values(
          batch.map((item) => ({
            incident_id: this.incidentId,
            feed_id: item.feedId,
            item_key: item.itemKey,
            item_ref: item.itemRef,
            title: item.title,
            link: item.link ?? null,
            published: iso(item.published),
            matched: JSON.stringify(item.matched),
            post: item.post ? 1 : 0,
            seen_at: item.seenAt.toISOString(),
            held: item.held ? 1 : 0,
            more_count: item.more ?? null,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .returning('item_key')
        .execute();
      const keys = new Set(inserted.map((r) => r.item_key));
      for (const item of batch) if (keys.has(item.itemKey)) added.push(item);
    }
    return added;
  }

  /** Items to post, seen in (from, to]. */
  async toPost(from: Date, to: Date): Promise<SeenItem[]> {
    const rows = await this.db
      .selectFrom('feed_item')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('post', '=', 1)
      .where('seen_at', '>', from.toISOString())
      .where('seen_at', '<=', to.toISOString())
      .orderBy('seen_at')
      .execute();
    return rows.map(toItem);
  }

  async item(itemRef: string): Promise<SeenItem | undefined> {
    const r = await this.db
      .selectFrom('feed_item')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('item_ref', '=', itemRef)
      .executeTakeFirst();
    return r && toItem(r);
  }

  /** A feed's latest items, newest first (a poll's summary row is not an item). */
  async latest(feedId: string, limit: number): Promise<SeenItem[]> {
    const rows = await this.db
      .selectFrom('feed_item')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('feed_id', '=', feedId)
      .where('more_count', 'is', null)
      .orderBy('seen_at', 'desc')
      .orderBy('published', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toItem);
  }

  async recordTriage(t: Triage): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('feed_triage')
        .values({
          incident_id: this.incidentId,
          item_ref: t.itemRef,
          action: t.action,
          detail: t.detail ?? null,
          actor_id: t.actor.id,
          actor_name: t.actor.name,
          at: t.at.toISOString(),
        })
        .execute();
      await audit(tx, this.incidentId, t.actor, t.at, `source.${t.action}`, t.itemRef, { detail: t.detail ?? null });
    });
    this.onCommit();
  }

  /** Every triage of these items, oldest first. */
  async triage(itemRefs: string[]): Promise<Triage[]> {
    if (itemRefs.length === 0) return [];
    const rows = await this.db
      .selectFrom('feed_triage')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('item_ref', 'in', itemRefs)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      itemRef: r.item_ref,
      action: r.action,
      detail: r.detail ?? undefined,
      actor: { id: r.actor_id, name: r.actor_name },
      at: new Date(r.at),
    }));
  }
}

function toState(r: Database['feed_state']): FeedState {
  return {
    feedId: r.feed_id,
    etag: r.etag ?? undefined,
    lastModified: r.last_modified ?? undefined,
    checkedAt: date(r.checked_at),
    baselineAt: date(r.baseline_at),
    lastError: r.last_error ?? undefined,
    failures: Number(r.failures),
    nextPollAt: date(r.next_poll_at),
  };
}

function toItem(r: Database['feed_item']): SeenItem {
  return {
    feedId: r.feed_id,
    itemKey: r.item_key,
    itemRef: r.item_ref,
    title: r.title,
    link: r.link ?? undefined,
    published: date(r.published),
    matched: JSON.parse(r.matched) as string[],
    post: Number(r.post) === 1,
    seenAt: new Date(r.seen_at),
    ...(Number(r.held) === 1 && { held: true }),
    ...(r.more_count !== null && { more: Number(r.more_count) }),
  };
}
