import type { Kysely } from 'kysely';
import type { Actor } from '../incident/model';
import { audit } from './audit';
import type { Database } from './schema';

/** A feed's polling state, as kept for conditional GETs, backoff and /summit sources. */
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
}

export interface Triage {
  itemRef: string;
  action: 'update' | 'answer' | 'dismissed';
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
  constructor(private readonly db: Kysely<Database>) {}

  async state(feedId: string): Promise<FeedState | undefined> {
    const r = await this.db.selectFrom('feed_state').selectAll().where('feed_id', '=', feedId).executeTakeFirst();
    return r && toState(r);
  }

  async states(): Promise<FeedState[]> {
    return (await this.db.selectFrom('feed_state').selectAll().execute()).map(toState);
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
      .values({ feed_id: s.feedId, ...row })
      .onConflict((oc) => oc.column('feed_id').doUpdateSet(row))
      .execute();
  }

  /** The keys of a feed's items already seen, among `keys`. */
  async seenKeys(feedId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('feed_item')
      .select('item_key')
      .where('feed_id', '=', feedId)
      .where('item_key', 'in', keys)
      .execute();
    return new Set(rows.map((r) => r.item_key));
  }

  /** Records items as seen; one already recorded (by another replica) stays as it was. Returns those this call added. */
  async recordSeen(items: SeenItem[]): Promise<SeenItem[]> {
    const added: SeenItem[] = [];
    for (const i of items) {
      const r = await this.db
        .insertInto('feed_item')
        .values({
          feed_id: i.feedId,
          item_key: i.itemKey,
          item_ref: i.itemRef,
          title: i.title,
          link: i.link ?? null,
          published: iso(i.published),
          matched: JSON.stringify(i.matched),
          post: i.post ? 1 : 0,
          seen_at: i.seenAt.toISOString(),
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) === 1) added.push(i);
    }
    return added;
  }

  /** Items to post, seen in (from, to]. */
  async toPost(from: Date, to: Date): Promise<SeenItem[]> {
    const rows = await this.db
      .selectFrom('feed_item')
      .selectAll()
      .where('post', '=', 1)
      .where('seen_at', '>', from.toISOString())
      .where('seen_at', '<=', to.toISOString())
      .orderBy('seen_at')
      .execute();
    return rows.map(toItem);
  }

  async item(itemRef: string): Promise<SeenItem | undefined> {
    const r = await this.db.selectFrom('feed_item').selectAll().where('item_ref', '=', itemRef).executeTakeFirst();
    return r && toItem(r);
  }

  /** A feed's latest items, newest first. */
  async latest(feedId: string, limit: number): Promise<SeenItem[]> {
    const rows = await this.db
      .selectFrom('feed_item')
      .selectAll()
      .where('feed_id', '=', feedId)
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
          item_ref: t.itemRef,
          action: t.action,
          detail: t.detail ?? null,
          actor_id: t.actor.id,
          actor_name: t.actor.name,
          at: t.at.toISOString(),
        })
        .execute();
      await audit(tx, t.actor, t.at, `source.${t.action}`, t.itemRef, { detail: t.detail ?? null });
    });
  }

  /** Every triage of these items, oldest first. */
  async triage(itemRefs: string[]): Promise<Triage[]> {
    if (itemRefs.length === 0) return [];
    const rows = await this.db
      .selectFrom('feed_triage')
      .selectAll()
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
  };
}
