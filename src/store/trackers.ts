import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../incident/model';
import type { Database, TrackerLinkTable } from './schema';

/**
 * What the store keeps for questions as tracker issues: each question's link (asked for, made, or gone), which of
 * its changes were sent, the webhook deliveries applied, each repository's polling state, and the lease that lets
 * one replica at a time send and poll. None of it is recorded state: the issue itself is recorded as the question's
 * `issue` assignment once it exists (with its audit row), as every change is.
 */

export interface TrackerLink {
  incidentId: string;
  questionId: string;
  repo: string;
  state: 'creating' | 'linked' | 'gone' | 'refused';
  number?: number;
  url?: string;
  title: string;
  body: string;
  labels: string[];
  requestedBy: Actor;
  requestedAt: Date;
  attempts: number;
  nextAt: Date;
  /** A request to the tracker for this link's next step was begun and may have reached it. */
  begunAt?: Date;
  lastError?: string;
  /** The question's changes and assignments up to these ids were sent (or are not to be). */
  changeCursor: number;
  assignmentCursor: number;
}

export type NewLink = Pick<
  TrackerLink,
  | 'incidentId'
  | 'questionId'
  | 'repo'
  | 'title'
  | 'body'
  | 'labels'
  | 'requestedBy'
  | 'changeCursor'
  | 'assignmentCursor'
> & {
  at: Date;
  /** When the sender may first try (real time). */
  nextAt: Date;
};

function linkOf(r: Selectable<TrackerLinkTable>): TrackerLink {
  return {
    incidentId: r.incident_id,
    questionId: r.question_id,
    repo: r.repo,
    state: r.state,
    ...(r.number !== null && { number: Number(r.number) }),
    ...(r.url !== null && { url: r.url }),
    title: r.title,
    body: r.body,
    labels: JSON.parse(r.labels) as string[],
    requestedBy: { id: r.actor_id, name: r.actor_name },
    requestedAt: new Date(r.requested_at),
    attempts: Number(r.attempts),
    nextAt: new Date(r.next_at),
    ...(r.begun_at !== null && { begunAt: new Date(r.begun_at) }),
    ...(r.last_error !== null && { lastError: r.last_error }),
    changeCursor: Number(r.change_cursor),
    assignmentCursor: Number(r.assignment_cursor),
  };
}

/** How long a webhook delivery being applied is held before a redelivery may apply it (its applier died). */
export const DELIVERY_HOLD_MS = 60_000;
/**
 * How long a delivery's id is kept: past the 3 days GitHub.com and the 7 days GitHub Enterprise Server let a delivery
 * be redelivered (docs.github.com, Redelivering webhooks), so the table holds about a week of deliveries, not all.
 */
export const DELIVERY_KEEP_MS = 8 * 86_400_000;
/** How often the ids past their time are deleted (by each process, as it claims one). */
const DELIVERY_PRUNE_EVERY_MS = 60_000;

export class TrackerStore {
  private prunedAt = -Infinity;

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Asks for a question's issue: the new link, or the one it already has (made, being made, or gone). One row per
   * question, by its key: two requests, from two replicas or one person twice, make one issue.
   */
  async request(link: NewLink): Promise<{ link: TrackerLink; first: boolean }> {
    // What is asked now: the new row, or what a refused one becomes when asked again.
    const asked = {
      repo: link.repo,
      state: 'creating' as const,
      title: link.title,
      body: link.body,
      labels: JSON.stringify(link.labels),
      actor_id: link.requestedBy.id,
      actor_name: link.requestedBy.name,
      requested_at: link.at.toISOString(),
      next_at: link.nextAt.toISOString(),
      attempts: 0,
      begun_at: null,
      last_error: null,
      change_cursor: link.changeCursor,
      assignment_cursor: link.assignmentCursor,
    };
    const r = await this.db
      .insertInto('tracker_link')
      .values({ incident_id: link.incidentId, question_id: link.questionId, number: null, url: null, ...asked })
      // A refused request asked again is tried again, as asked now; any other is kept as it is.
      .onConflict((oc) =>
        oc.columns(['incident_id', 'question_id']).doUpdateSet(asked).where('tracker_link.state', '=', 'refused'),
      )
      .executeTakeFirst();
    const first = Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    const kept = await this.link(link.incidentId, link.questionId);
    if (!kept) throw new Error('a tracker link vanished as it was asked for');
    return { link: kept, first };
  }

  link(incidentId: string, questionId: string): Promise<TrackerLink | undefined> {
    return this.one({ incident_id: incidentId, question_id: questionId });
  }

  byIssue(repo: string, number: number): Promise<TrackerLink | undefined> {
    return this.one({ repo, number });
  }

  /** The link whose columns have these values, if any. */
  private async one(
    match: { incident_id: string; question_id: string } | { repo: string; number: number },
  ): Promise<TrackerLink | undefined> {
    const r = await this.db
      .selectFrom('tracker_link')
      .selectAll()
      .where((eb) => eb.and(match))
      .executeTakeFirst();
    return r && linkOf(r);
  }

  /** Every link, or those of one state. */
  async links(state?: TrackerLink['state']): Promise<TrackerLink[]> {
    let q = this.db.selectFrom('tracker_link').selectAll();
    if (state) q = q.where('state', '=', state);
    return (await q.orderBy('requested_at').execute()).map(linkOf);
  }

  /** How many links have a step due now that no recorded change would show: an issue to make, a retry. */
  async due(now: Date): Promise<number> {
    const r = await this.db
      .selectFrom('tracker_link')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where((eb) =>
        eb.and([
          eb('next_at', '<=', now.toISOString()),
          eb.or([eb('state', '=', 'creating'), eb.and([eb('state', '=', 'linked'), eb('attempts', '>', 0)])]),
        ]),
      )
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  private async set(l: { incidentId: string; questionId: string }, values: Partial<Selectable<TrackerLinkTable>>) {
    await this.db
      .updateTable('tracker_link')
      .set(values)
      .where('incident_id', '=', l.incidentId)
      .where('question_id', '=', l.questionId)
      .execute();
  }

  /** A request for the link's next step is about to be made: after a crash, a retry looks for what it made. */
  begin(l: TrackerLink, at: Date): Promise<void> {
    return this.set(l, { begun_at: at.toISOString() });
  }

  /** The issue exists. */
  made(l: TrackerLink, number: number, url: string): Promise<void> {
    return this.set(l, { state: 'linked', number, url, begun_at: null, attempts: 0, last_error: null });
  }

  /** Tried and failed for a while: tried again at `nextAt`, the error kept for /summit issue and the logs. */
  retry(l: TrackerLink, error: string, nextAt: Date): Promise<void> {
    return this.set(l, { attempts: l.attempts + 1, last_error: error.slice(0, 500), next_at: nextAt.toISOString() });
  }

  /**
   * A request the tracker refused as it stands (no such repository, an unknown label): no issue is made, and the
   * reason is kept for whoever asked; asking again (after the data set or token is fixed) tries again.
   */
  refuse(l: TrackerLink, error: string): Promise<void> {
    return this.set(l, { state: 'refused', last_error: error.slice(0, 500), begun_at: null });
  }

  /** The issue was deleted (or its repository): nothing more is sent to it. */
  gone(l: TrackerLink, error: string): Promise<void> {
    return this.set(l, { state: 'gone', last_error: error.slice(0, 500), begun_at: null });
  }

  /** Changes and assignments up to these ids are sent (or not to be): the next step starts clean. */
  advance(l: TrackerLink, cursor: { change?: number; assignment?: number }): Promise<void> {
    return this.set(l, {
      ...(cursor.change !== undefined && { change_cursor: cursor.change }),
      ...(cursor.assignment !== undefined && { assignment_cursor: cursor.assignment }),
      begun_at: null,
      attempts: 0,
      last_error: null,
    });
  }

  /**
   * Claims a webhook delivery: true the first time it is seen (or when an applier that claimed it did not finish
   * within DELIVERY_HOLD_MS), false when it was applied or is being applied.
   */
  async claimDelivery(id: string, now: Date): Promise<boolean> {
    if (now.getTime() - this.prunedAt >= DELIVERY_PRUNE_EVERY_MS) {
      this.prunedAt = now.getTime();
      const old = new Date(now.getTime() - DELIVERY_KEEP_MS).toISOString();
      await this.db.deleteFrom('tracker_delivery').where('received_at', '<', old).execute();
    }
    const held = new Date(now.getTime() - DELIVERY_HOLD_MS).toISOString();
    const r = await this.db
      .insertInto('tracker_delivery')
      .values({ delivery_id: id, state: 'applying', received_at: now.toISOString() })
      .onConflict((oc) =>
        oc
          .column('delivery_id')
          .doUpdateSet({ received_at: now.toISOString() })
          .where('tracker_delivery.state', '=', 'applying')
          .where('tracker_delivery.received_at', '<', held),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** A delivery that could not be applied: a redelivery of it is applied. */
  async releaseDelivery(id: string): Promise<void> {
    await this.db
      .deleteFrom('tracker_delivery')
      .where('delivery_id', '=', id)
      .where('state', '=', 'applying')
      .execute();
  }

  async deliveryDone(id: string): Promise<void> {
    await this.db.updateTable('tracker_delivery').set({ state: 'done' }).where('delivery_id', '=', id).execute();
  }

  async poll(repo: string): Promise<{ etag?: string; since?: string }> {
    const r = await this.db.selectFrom('tracker_poll').selectAll().where('repo', '=', repo).executeTakeFirst();
    return { ...(r?.etag && { etag: r.etag }), ...(r?.since && { since: r.since }) };
  }

  async polled(repo: string, etag: string | undefined, since: string | undefined, at: Date): Promise<void> {
    const values = { etag: etag ?? null, since: since ?? null, polled_at: at.toISOString() };
    await this.db
      .insertInto('tracker_poll')
      .values({ repo, ...values })
      .onConflict((oc) => oc.column('repo').doUpdateSet(values))
      .execute();
  }

  /** Takes or renews the lease `name` for `ms`: true when this holder has it. */
  async lease(name: string, holder: string, now: Date, ms: number): Promise<boolean> {
    const until = new Date(now.getTime() + ms).toISOString();
    const r = await this.db
      .insertInto('tracker_lease')
      .values({ name, holder, until })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, until })
          .where((eb) =>
            eb.or([eb('tracker_lease.holder', '=', holder), eb('tracker_lease.until', '<', now.toISOString())]),
          ),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('tracker_lease').where('name', '=', name).where('holder', '=', holder).execute();
  }
}
