import { randomBytes } from 'node:crypto';
import { sql, type Insertable, type Kysely, type QueryCreator } from 'kysely';
import type { DialectSeam } from './dialect';
import { advanceWatermarkIn, ReminderStore } from './reminders';
import { audit, auditRow } from './audit';
import { FeedStore } from './feeds';
import { TrackerStore } from './trackers';
import type {
  Actor,
  AuditEntry,
  FollowUpState,
  RecordedAssignment,
  RecordedChange,
  RecordedCuration,
  RecordedQuestion,
  RecordedUpdate,
} from '../core/records';
import type { MessageSource } from '../incident/model';
import type { StartedIncident } from '../incident/started';
import type { Database } from './schema';
import { extended, readState, type StateRead, type StateRows } from './state-read';

/** What a write is given: the record without the id the database assigns. */
export type NewChange = Omit<RecordedChange, 'id'>;
export type NewUpdate = Omit<RecordedUpdate, 'id'>;
export type NewAssignment = Omit<RecordedAssignment, 'id'>;
export type NewCuration = Omit<RecordedCuration, 'id'>;

/** What a change is called in the audit log. */
const CHANGE_ACTION: Record<RecordedChange['status'], string> = {
  open: 'question.reopened',
  partial: 'question.partial',
  answered: 'question.answered',
  dropped: 'question.dropped',
  superseded: 'question.superseded',
};

/** The table of each kind of follow-up row with a serial id. */
const TABLE_OF = {
  changes: 'question_change',
  assignments: 'assignment',
  curations: 'curation',
  updates: 'follow_up_update',
} as const;

/** How long a request key is remembered: twice Slack's five-minute signature window. */
export const REQUEST_KEY_TTL_MS = 10 * 60_000;
/** How long a command waits for its author to choose its incident from a menu. */
export const HELD_COMMAND_TTL_MS = 24 * 3_600_000;
/** How many held commands one person keeps at once (bounds what typing makes the store keep). */
export const HELD_COMMANDS_PER_USER = 50;
/** How often the request keys past their time are deleted (by each process, as it claims one). */
const REQUEST_KEYS_CLEAR_MS = 60_000;

/**
 * How long a state version read from PostgreSQL is taken as current. Another replica's commit shows within this
 * (as on SQLite within a millisecond); this process's own commits show at once.
 */
const PG_VERSION_FRESH_MS = 2;

/**
 * Longest the store's count is held while this process's one-statement writes are in flight (see committed): a
 * write that hangs never keeps other replicas' changes from showing for longer.
 */
const WRITE_HOLD_MAX_MS = 50;

/** The store's count of changes and every incident's own version, as one statement saw them. */
interface Versions {
  count: number;
  incidents: Map<string, string>;
}

/** Reads the versions in one statement (one round trip): the count beside each incident's version. */
async function versionsIn(db: Kysely<Database>): Promise<Versions> {
  const rows = await db
    .selectFrom('state_version as s')
    .leftJoin('incident_version as i', (j) => j.onTrue())
    .select(['s.v as count', 'i.incident_id as incident', 'i.v as v'])
    .where('s.id', '=', 1)
    .execute();
  const incidents = new Map<string, string>();
  for (const r of rows) if (r.incident !== null) incidents.set(r.incident, String(r.v));
  return { count: Number(rows[0]?.count ?? 0), incidents };
}

/**
 * The one store layer: append-only writes, each with its audit row in the same transaction (on PostgreSQL, a
 * follow-up row and its audit row in one statement), and reads that return plain records. The same code runs on SQLite and PostgreSQL.
 */
/**
 * What every incident's view of one store shares: the writes this process committed and the last state version
 * read, so a change in any incident is seen at once by all of them.
 */
class VersionTracker {
  /** Writes of recorded state this process committed (see stateVersion). */
  ownWrites = 0;
  versionRead?: Promise<string>;
  lastVersion?: { value: string; at: number; own: number };
  /** The store's views per incident, made once each. */
  readonly scopes = new Map<string, FollowUpStore>();
  follows?: { version: string; own: string; map: Map<string, ChannelFollow> };
  /** What else closes with the store (PostgreSQL's version watch). */
  onClose?: () => Promise<void>;
  /** Every incident's own version, as read at one state version (read again only when that moves). */
  incidentVersions?: { version: string; map: Promise<Map<string, string>> };
  /** When this process last deleted the request keys past their time (real time, ms). */
  requestKeysClearedAt = -Infinity;
  heldCommandsClearedAt = -Infinity;
  /** Tells the change counter (PostgreSQL's version watch) a count this process's own commit reached. */
  advanceCount?: (count: number) => void;
  /**
   * A value that moves whenever another process may have changed subscriptions or snoozes (SQLite: its
   * data_version; PostgreSQL: the watch's count of such notifications), undefined when that cannot be known.
   */
  remindersCounter?: () => number | undefined;
  /** This process's own writes of subscriptions, snoozes and triage. */
  ownReminderWrites = 0;
  /** One-statement writes in flight, and the count the state version keeps meanwhile (see committed). */
  writing = 0;
  held?: { count: number; at: number };
}

/** The audit rows of the store as a whole (channel follows) go under this incident id, which no data set can have. */
const FOLLOWS = '';

/** A channel's latest follow: the incident its commands are about (undefined after an unfollow). */
export interface ChannelFollow {
  channelId: string;
  incidentId: string | undefined;
  actor: Actor;
  at: Date;
}

export class FollowUpStore {
  /** Subscriptions, delivery claims and snoozes, on the same database. */
  readonly reminders: ReminderStore;
  readonly feeds: FeedStore;
  /** Questions as tracker issues: links, what was sent, deliveries, polling, the sender's lease. */
  readonly trackers: TrackerStore;

  /**
   * @param changeCounter where the database can say cheaply whether another connection committed since
   * (SQLite's data_version); without it the version is read from the audit table.
   * @param incidentId the incident whose records this view reads and writes; '' for the store as a whole (the
   * channel follows, request keys, the state version), which writes no incident's records.
   */
  constructor(
    readonly db: Kysely<Database>,
    private readonly seam: DialectSeam,
    private readonly changeCounter?: () => number | undefined,
    readonly incidentId = '',
    private readonly tracker = new VersionTracker(),
  ) {
    // Their audited writes count as this process's own commits, which SQLite's data_version does not show.
    const counted = () => {
      this.tracker.ownWrites += 1;
      this.tracker.ownReminderWrites += 1;
    };
    this.reminders = new ReminderStore(db, incidentId, counted, () => {
      const others = this.tracker.remindersCounter?.();
      return others === undefined ? undefined : `${others}:${this.tracker.ownReminderWrites}`;
    });
    this.feeds = new FeedStore(db, incidentId, counted);
    this.trackers = new TrackerStore(db);
    this.versionQuery = db.selectFrom('state_version').select('v').where('id', '=', 1).compile();
  }

  /** The same store, reading and writing one incident's records (made once per incident). */
  scoped(incidentId: string): FollowUpStore {
    let view = this.tracker.scopes.get(incidentId);
    if (!view) {
      view = new FollowUpStore(this.db, this.seam, this.changeCounter, incidentId, this.tracker);
      this.tracker.scopes.set(incidentId, view);
    }
    return view;
  }

  private get incident(): string {
    if (this.incidentId === '') throw new Error('a record written without its incident (use store.scoped(id))');
    return this.incidentId;
  }

  /** The columns every follow-up row has: its incident, who recorded it and when. */
  private stamped(r: { actor: Actor; at: Date }) {
    return { incident_id: this.incident, actor_id: r.actor.id, actor_name: r.actor.name, at: r.at.toISOString() };
  }

  async recordChange(change: NewChange): Promise<RecordedChange> {
    const id = await this.recorded(
      'changes',
      {
        ...this.stamped(change),
        question_id: change.questionId,
        status: change.status,
        answer: change.answer ?? null,
        source_url: change.sourceUrl ?? null,
        note: change.note ?? null,
        superseded_by: change.supersededBy ?? null,
      },
      [
        CHANGE_ACTION[change.status],
        change.questionId,
        { answer: change.answer, sourceUrl: change.sourceUrl, note: change.note, supersededBy: change.supersededBy },
      ],
    );
    return { ...change, id };
  }

  /**
   * Records one row of this incident's follow-up state (a change, an assignment, a curation, an update) with its
   * audit row (action, subject, detail; by the row's actor, at its time); returns the row's id.
   */
  private async recorded<K extends keyof typeof TABLE_OF>(
    kind: K,
    values: Omit<StateRows[K][number], 'id'>,
    [action, subject, detail]: [string, string, Record<string, unknown>],
  ): Promise<number> {
    let id = 0;
    const row = auditRow(
      this.incident,
      { id: values.actor_id, name: values.actor_name },
      new Date(values.at),
      action,
      subject,
      detail,
    );
    await this.committed(
      async (db) => {
        id = Number(await this.withAudit(db, TABLE_OF[kind], values, row, true));
      },
      () => ({ [kind]: [{ ...values, id }] }),
      true,
    );
    return id;
  }

  /**
   * Inserts one row of `table` and its audit row; returns the row's id when `returningId`. On PostgreSQL one
   * statement (the two inserts as data-modifying parts of it), atomic on its own, so it needs no transaction and
   * takes one round trip instead of four; on SQLite two, in the caller's transaction.
   */
  private async withAudit(
    db: Kysely<Database>,
    table: (typeof TABLE_OF)[keyof typeof TABLE_OF] | 'added_question',
    values: object,
    row: Insertable<Database['audit']>,
    returningId: boolean,
  ): Promise<number | undefined> {
    const pg = this.seam.kind === 'postgres';
    // The audit insert as a part of the statement ("a", which the insert itself never names).
    const into: QueryCreator<Database> = pg
      ? (db.with('a', (w) => w.insertInto('audit').values(row)) as unknown as QueryCreator<Database>)
      : db;
    const insert = into.insertInto(table as 'question_change').values(values as never);
    const id = returningId ? Number((await insert.returning('id').executeTakeFirstOrThrow()).id) : undefined;
    if (!returningId) await insert.execute();
    if (!pg) await db.insertInto('audit').values(row).execute();
    return id;
  }

  /**
   * Adds a question under the next free id. `nextId` picks it from the ids already taken; if another process
   * takes the same id first, the unique key refuses the insert and it tries the next one. A question tracked from
   * a Slack message is added once: if the message was tracked already, that question's id comes back instead.
   */
  async addQuestion(
    q: { text: string; actor: Actor; at: Date; message?: MessageSource },
    nextId: (taken: string[]) => string,
  ): Promise<{ added: RecordedQuestion } | { alreadyTracked: string }> {
    for (let attempt = 0; ; attempt++) {
      const earlier = q.message && (await this.trackedFrom(q.message.channel, q.message.ts));
      if (earlier) return { alreadyTracked: earlier };
      // The ids taken, as the kept state has them (read for the request that asks); an id taken meanwhile by
      // another process is refused by the unique key, and the next round reads them from the database.
      const kept = attempt === 0 ? this.cached?.state.questions.map((r) => r.questionId) : undefined;
      const taken =
        kept ??
        (
          await this.db
            .selectFrom('added_question')
            .select('question_id')
            .where('incident_id', '=', this.incident)
            .execute()
        ).map((r) => r.question_id);
      const questionId = nextId(taken);
      try {
        const values = {
          ...this.stamped(q),
          question_id: questionId,
          text: q.text,
          source_channel: q.message?.channel ?? null,
          source_ts: q.message?.ts ?? null,
          source_url: q.message?.permalink ?? null,
          source_author: q.message?.author ?? null,
        };
        const row = auditRow(this.incident, q.actor, q.at, 'question.added', questionId, {
          text: q.text,
          message: q.message?.permalink,
        });
        await this.committed(
          async (db) => {
            await this.withAudit(db, 'added_question', values, row, false);
          },
          () => ({ questions: [values] }),
          true,
        );
        return { added: { questionId, ...q } };
      } catch (e) {
        // Either the id was taken meanwhile, or the message was tracked meanwhile (the next round says which).
        if (!this.seam.isUniqueViolation(e) || attempt >= 20) throw e;
      }
    }
  }

  /** The question tracked from a Slack message, if one was (in this incident). */
  async trackedFrom(channel: string, ts: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('added_question')
      .select('question_id')
      .where('incident_id', '=', this.incident)
      .where('source_channel', '=', channel)
      .where('source_ts', '=', ts)
      .executeTakeFirst();
    return row?.question_id;
  }

  /** Sets (or clears) a question's owner or due date: a new row, the older ones kept. */
  async recordAssignment(a: NewAssignment): Promise<RecordedAssignment> {
    const id = await this.recorded(
      'assignments',
      {
        ...this.stamped(a),
        question_id: a.questionId,
        field: a.field,
        value: a.value ?? null,
      },
      [`question.${a.field}`, a.questionId, { value: a.value ?? null }],
    );
    return { ...a, id };
  }

  /**
   * An incident started in Slack, with its audit row; false when its id is taken already (another replica, or the
   * same form submitted twice).
   */
  async startIncident(s: StartedIncident): Promise<boolean> {
    return this.committed(async (tx) => {
      const r = await tx
        .insertInto('started_incident')
        .values({
          incident_id: s.id,
          title: s.title,
          summary: s.summary,
          timezone: s.timezone,
          github_repo: s.githubRepo ?? null,
          actor_id: s.actor.id,
          actor_name: s.actor.name,
          at: s.at.toISOString(),
        })
        .onConflict((oc) => oc.column('incident_id').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
      await audit(tx, s.id, s.actor, s.at, 'incident.started', s.id, { title: s.title, timezone: s.timezone });
      return true;
    });
  }

  /** Every incident started in Slack, oldest first. */
  async startedIncidents(): Promise<StartedIncident[]> {
    const rows = await this.db
      .selectFrom('started_incident')
      .selectAll()
      .orderBy('at')
      .orderBy('incident_id')
      .execute();
    return rows.map((r) => ({
      id: r.incident_id,
      title: r.title,
      summary: r.summary,
      timezone: r.timezone,
      ...(r.github_repo !== null && { githubRepo: r.github_repo }),
      actor: { id: r.actor_id, name: r.actor_name },
      at: new Date(r.at),
    }));
  }

  /** A source, fact, timeline entry or expected update added, corrected or retracted, with its audit row. */
  async recordCuration(c: NewCuration): Promise<RecordedCuration> {
    const id = await this.recorded(
      'curations',
      {
        ...this.stamped(c),
        kind: c.kind,
        item_id: c.itemId,
        action: c.action,
        entry: c.entry === undefined ? null : JSON.stringify(c.entry),
        base: c.base ?? null,
        reason: c.reason ?? null,
      },
      [`${c.kind}.${c.action}`, c.itemId, { entry: c.entry, reason: c.reason }],
    );
    return { ...c, id };
  }

  async recordUpdate(update: NewUpdate): Promise<RecordedUpdate> {
    const id = await this.recorded(
      'updates',
      {
        ...this.stamped(update),
        expected_id: update.expectedId ?? null,
        text: update.text,
        url: update.url ?? null,
      },
      ['update.recorded', update.expectedId ?? '', { text: update.text, url: update.url }],
    );
    return { ...update, id };
  }

  /**
   * A value that changes whenever anything recorded changes: every write adds an audit row in the same
   * transaction, whichever process or replica made it. SQLite: its data_version (other connections' commits) and
   * this process's own commits. PostgreSQL: the audit count kept in state_version by a trigger (migration 0007),
   * pushed to every replica at commit (migration 0012, store/version-watch.ts); while that watch is down, read at
   * most once per PG_VERSION_FRESH_MS (requests arriving meanwhile share the one read), and at once after this
   * process commits.
   */
  async stateVersion(): Promise<string> {
    const now = this.stateVersionNow();
    if (now !== undefined) return now;
    const t = this.tracker;
    t.versionRead ??= this.readVersion().finally(() => {
      t.versionRead = undefined;
    });
    return t.versionRead;
  }

  private async readVersion(): Promise<string> {
    const own = this.tracker.ownWrites;
    const at = performance.now();
    const result = await this.db.executeQuery(this.versionQuery);
    const value = `${String(result.rows[0]?.v ?? 0)}:${own}`;
    this.tracker.lastVersion = { value, at, own };
    return value;
  }

  /**
   * The state version when it can be had without waiting: always on SQLite, and on PostgreSQL while its version
   * watch is live; else while the last read is fresh and this process has committed nothing since.
   */
  stateVersionNow(): string | undefined {
    const own = this.tracker.ownWrites;
    const counted = this.changeCounter?.();
    if (counted !== undefined) {
      const held = this.tracker.held;
      return `${held && performance.now() - held.at < WRITE_HOLD_MAX_MS ? held.count : counted}:${own}`;
    }
    const last = this.tracker.lastVersion;
    if (last && last.own === own && performance.now() - last.at < PG_VERSION_FRESH_MS) return last.value;
    return undefined;
  }

  /** Built and compiled once: it runs on every command and tick. */
  private readonly versionQuery;

  /**
   * Everything recorded about this view's incident, each list oldest first (ties in recording order). Read again
   * only when the store changed.
   */
  async state(): Promise<FollowUpState> {
    const version = await this.stateVersion();
    const cached = this.cached;
    if (cached?.version === version) return cached.state;
    // The store changed; if not this incident's records, what was read stays current (same object, so what was
    // made from it, the applied model and the reminder plan, stays too).
    const own = await this.incidentVersion(version);
    if (cached && cached.own === own) {
      this.cached = { ...cached, version };
      return cached.state;
    }
    // One read per change of this incident's records: requests that arrive while it is in flight (on PostgreSQL,
    // every request after a write, each otherwise reading the whole state again) wait for the same one.
    let reading = this.reading;
    if (reading?.own !== own) {
      // From the last read: only what was recorded since is fetched (all of it the first time).
      reading = { own, seq: ++this.readings, promise: this.readState(cached?.read) };
      const started = reading;
      this.reading = started;
      const settled = () => {
        if (this.reading === started) this.reading = undefined;
      };
      started.promise.then(settled, settled);
    }
    const read = await reading.promise;
    const state = read.state;
    // A read started earlier that settles later never replaces a newer one.
    if (!this.cached || reading.seq > this.cached.seq) this.cached = { version, own, state, read, seq: reading.seq };
    else if (this.cached.seq === reading.seq && this.cached.version !== version)
      this.cached = { ...this.cached, version };
    return state;
  }

  private cached?: { version: string; own: string; state: FollowUpState; read: StateRead; seq: number };
  /** The read of this incident's records in flight, if any, for the incident version it was started at. */
  private reading?: { own: string; seq: number; promise: Promise<StateRead> };
  private readings = 0;

  /**
   * This incident's own version (its audit rows, counted by a trigger), read for every incident at once, once per
   * state version: a write to one incident costs the others one shared read, not a read of their records.
   */
  private async incidentVersion(version: string, incidentId = this.incident): Promise<string> {
    const t = this.tracker;
    if (t.incidentVersions?.version !== version)
      t.incidentVersions = {
        version,
        map: this.db
          .selectFrom('incident_version')
          .selectAll()
          .execute()
          .then((rows) => new Map(rows.map((r) => [r.incident_id, String(r.v)]))),
      };
    const map = await t.incidentVersions.map.catch((error: unknown) => {
      if (t.incidentVersions?.version === version) t.incidentVersions = undefined;
      throw error;
    });
    return map.get(incidentId) ?? '0';
  }

  /** This incident's records: what changed since `previous` read, or all of them (see store/state-read.ts). */
  private readState(previous?: StateRead): Promise<StateRead> {
    return readState(this.db, this.incident, previous);
  }

  /** The audit log: this incident's rows, or every row for the store as a whole. */
  async auditLog(): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit').selectAll().orderBy('id');
    if (this.incidentId !== '') q = q.where('incident_id', '=', this.incidentId);
    const rows = await q.execute();
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at),
      actorId: r.actor_id,
      action: r.action,
      subject: r.subject,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
    }));
  }

  /**
   * Runs a write transaction and counts it once it has committed. On PostgreSQL with the version watch live, the
   * versions after the write (the store's count and every incident's, which the audit triggers have moved) are read
   * in one statement: the watch knows the new count at once, before the notification comes back, so one write moves
   * the state version once (not at commit and again at the notification), and the incident versions need no read of
   * their own after it.
   *
   * `rows`: what the write added to this incident's recorded state (one audit row with it). Its incident's version
   * is read with the write too; when it is the kept state's plus this one write, nothing else was recorded before
   * it (any other writer's audit row would count too), so the kept state with these rows is the state now, and the
   * next request needs no read of it at all.
   *
   * `oneStatement`: the work is a single statement on PostgreSQL (store rows and audit row as parts of one insert),
   * atomic on its own: it runs without a transaction, and the versions are read just after it (a count read later
   * may include other writers' commits too, which only makes it a later count; the incident's version then tells
   * that another write came first). Else they are read inside the transaction, which holds what the triggers moved.
   */
  private async committed<T>(
    work: (db: Kysely<Database>) => Promise<T>,
    rows?: () => Partial<StateRows>,
    oneStatement = false,
  ): Promise<T> {
    const t = this.tracker;
    const learn = t.advanceCount !== undefined && this.changeCounter?.() !== undefined;
    let after: Versions | undefined;
    let mine: string | undefined;
    const versions = async (db: Kysely<Database>) => {
      if (learn) {
        after = await versionsIn(db);
        mine = after.incidents.get(this.incident);
      } else if (rows) {
        const v = await db
          .selectFrom('incident_version')
          .select('v')
          .where('incident_id', '=', this.incident)
          .executeTakeFirst();
        mine = v === undefined ? undefined : String(v.v);
      }
    };
    let result: T;
    if (oneStatement && this.seam.kind === 'postgres') {
      // The write commits before its versions are read, and its notification may come back in between: the count
      // the state version shows is held until this write is counted as this process's own, so one write moves it
      // once (as a transaction's does), not at the notification and again just after. The own part stays live.
      const counted = learn ? this.changeCounter?.() : undefined;
      if (counted !== undefined && t.writing++ === 0) t.held = { count: counted, at: performance.now() };
      const release = () => {
        if (counted !== undefined && --t.writing === 0) t.held = undefined;
      };
      try {
        result = await work(this.db);
        // Committed: a failure to read the versions now leaves them to be read as after any other change.
        await versions(this.db).catch(() => {
          after = undefined;
          mine = undefined;
        });
      } catch (error) {
        release();
        throw error;
      }
      release();
    } else
      result = await this.db.transaction().execute(async (tx) => {
        const done = await work(tx);
        await versions(tx);
        return done;
      });
    t.ownWrites += 1;
    if (after) {
      t.advanceCount?.(after.count);
      const version = this.stateVersionNow();
      // Only when nothing newer has been seen meanwhile (another replica's commit, notified before ours).
      if (version === `${after.count}:${t.ownWrites}`)
        t.incidentVersions = { version, map: Promise.resolve(after.incidents) };
    }
    const kept = this.cached;
    if (rows && mine !== undefined && kept && Number(kept.own) === Number(mine) - 1) {
      const read = extended(kept.read, rows());
      // Not tied to a state version: the next state() learns the incident's version as it does after any change,
      // finds this one, and takes it. A read still in flight from before settles as older (seq) and is dropped.
      this.cached = { version: '', own: mine, state: read.state, read, seq: ++this.readings };
    }
    return result;
  }

  /**
   * Makes a channel follow an incident (undefined: follow none). Returns false when it already did; a row per
   * change, with its audit row, so the history of who made a channel follow what is kept.
   */
  async setFollow(channelId: string, incidentId: string | undefined, actor: Actor, at: Date): Promise<boolean> {
    const current = (await this.follows()).get(channelId);
    if (current?.incidentId === incidentId) return false;
    await this.committed(async (tx) => {
      await tx
        .insertInto('channel_follow')
        .values({
          channel_id: channelId,
          incident_id: incidentId ?? null,
          actor_id: actor.id,
          actor_name: actor.name,
          at: at.toISOString(),
        })
        .execute();
      await audit(
        tx,
        // Under no incident: the store-wide rows, whose own version says when the follows changed.
        FOLLOWS,
        actor,
        at,
        incidentId ? 'channel.followed' : 'channel.unfollowed',
        channelId,
        { incident: incidentId ?? current?.incidentId },
      );
    });
    return true;
  }

  /**
   * Every channel's latest follow (those that follow none included), read again only when the follows changed (the
   * audit rows of follows are the store-wide ones, under no incident, with a version of their own).
   */
  async follows(): Promise<Map<string, ChannelFollow>> {
    const version = await this.stateVersion();
    const cached = this.followsNow(version);
    if (cached) return cached;
    const own = await this.incidentVersion(version, FOLLOWS);
    const earlier = this.tracker.follows;
    if (earlier && earlier.own === own) {
      this.tracker.follows = { ...earlier, version };
      return earlier.map;
    }
    const rows = await this.db.selectFrom('channel_follow').selectAll().orderBy('id').execute();
    const map = new Map<string, ChannelFollow>();
    for (const r of rows)
      map.set(r.channel_id, {
        channelId: r.channel_id,
        incidentId: r.incident_id ?? undefined,
        actor: { id: r.actor_id, name: r.actor_name },
        at: new Date(r.at),
      });
    this.tracker.follows = { version, own, map };
    return map;
  }

  /** The follows as last read, however old (what a channel follows while the store is down). */
  followsLastRead(): Map<string, ChannelFollow> | undefined {
    return this.tracker.follows?.map;
  }

  /** The follows as last read, when that read is still current at `version`; else undefined (no waiting). */
  /**
   * How many curations this incident has, when its recorded state was read at `version` already (else undefined):
   * for the path that answers before the framework, which waits on nothing.
   */
  curationsNow(version: string | undefined): number | undefined {
    const c = this.cached;
    return c && version !== undefined && c.version === version ? c.state.curations.length : undefined;
  }

  followsNow(version: string | undefined): Map<string, ChannelFollow> | undefined {
    const f = this.tracker.follows;
    return f && version !== undefined && f.version === version ? f.map : undefined;
  }

  /**
   * Claims a request key: true the first time, false if it was claimed within REQUEST_KEY_TTL_MS (a replay).
   * Keys are kept by real time, since Slack's signature window is real time whatever the bot's clock says; old
   * ones are cleared at most once a minute (a key past its time is claimed again as new, cleared or not). One atomic
   * statement, so two replicas cannot both claim the same key.
   */
  async claimRequest(key: string, realNow: Date = new Date()): Promise<boolean> {
    const expired = new Date(realNow.getTime() - REQUEST_KEY_TTL_MS).toISOString();
    const t = this.tracker;
    if (realNow.getTime() - t.requestKeysClearedAt >= REQUEST_KEYS_CLEAR_MS) {
      t.requestKeysClearedAt = realNow.getTime();
      await this.db.deleteFrom('request_seen').where('seen_at', '<', expired).execute();
    }
    const seenAt = realNow.toISOString();
    const r = await this.db
      .insertInto('request_seen')
      .values({ request_key: key.slice(0, 200), seen_at: seenAt })
      .onConflict((oc) =>
        oc.column('request_key').doUpdateSet({ seen_at: seenAt }).where('request_seen.seen_at', '<', expired),
      )
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /**
   * Holds a command its author is to run for the incident they choose (the "which incident?" menu): a reference to
   * it, random and unguessable, for the menu to carry. Commands held longer than HELD_COMMAND_TTL_MS are deleted
   * (at most once a minute, as request keys are).
   */
  async holdCommand(userId: string, text: string, realNow: Date = new Date()): Promise<string> {
    const ref = randomBytes(12).toString('base64url');
    // Those past their time are deleted at most once a minute (a held command past its time is refused anyway).
    const t = this.tracker;
    if (realNow.getTime() - t.heldCommandsClearedAt >= REQUEST_KEYS_CLEAR_MS) {
      t.heldCommandsClearedAt = realNow.getTime();
      const expired = new Date(realNow.getTime() - HELD_COMMAND_TTL_MS).toISOString();
      await this.db.deleteFrom('held_command').where('held_at', '<', expired).execute();
    }
    await this.db
      .insertInto('held_command')
      .values({ ref, user_id: userId, text, held_at: realNow.toISOString() })
      .execute();
    // Each person holds at most HELD_COMMANDS_PER_USER: their oldest menus stop working first.
    await this.db
      .deleteFrom('held_command')
      .where('user_id', '=', userId)
      .where(
        'ref',
        'not in',
        this.db
          .selectFrom('held_command')
          .select('ref')
          .where('user_id', '=', userId)
          .orderBy('held_at', 'desc')
          .orderBy('ref')
          .limit(HELD_COMMANDS_PER_USER),
      )
      .execute();
    return ref;
  }

  /** The command held under `ref` for this user, if it is still held. */
  async heldCommand(ref: string, userId: string, realNow: Date = new Date()): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('held_command')
      .select(['text', 'held_at'])
      .where('ref', '=', ref)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row || Date.parse(row.held_at) < realNow.getTime() - HELD_COMMAND_TTL_MS) return undefined;
    return row.text;
  }

  /** Revokes every link to this incident's page and calendar given until `at` (a row, with its audit row). */
  async revokeLinks(actor: Actor, at: Date): Promise<void> {
    await this.committed(async (tx) => {
      await tx
        .insertInto('link_revocation')
        .values({
          incident_id: this.incident,
          revoked_at: at.toISOString(),
          actor_id: actor.id,
          actor_name: actor.name,
        })
        .execute();
      await audit(tx, this.incident, actor, at, 'links.revoked', this.incident, {});
    });
  }

  /** When this incident's links were last revoked (ms), if ever: links given until then are refused. */
  async linksRevokedAt(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('link_revocation')
      .select((eb) => eb.fn.max('revoked_at').as('at'))
      .where('incident_id', '=', this.incident)
      .executeTakeFirst();
    return row?.at ? new Date(row.at).getTime() : undefined;
  }

  /** Every incident's watermark, by incident id. */
  async watermarks(): Promise<Map<string, Date>> {
    const rows = await this.db.selectFrom('scheduler_state').selectAll().where('name', 'like', 'watermark:%').execute();
    return new Map(rows.map((r) => [r.name.slice('watermark:'.length), new Date(r.value)]));
  }

  /** Moves several incidents' watermarks forward in one transaction (the scheduler's, after a tick). */
  async advanceWatermarks(entries: { incidentId: string; at: Date }[]): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const e of entries) await advanceWatermarkIn(tx, e.incidentId, e.at);
    });
  }

  /** Whether the database answers (for /healthz). */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.seam.kind;
  }

  async close(): Promise<void> {
    await this.tracker.onClose?.();
    this.tracker.onClose = undefined;
    await this.db.destroy();
  }

  /** What else closes with the store, whichever of its views is closed (PostgreSQL's version watch). */
  closing(close: () => Promise<void>): void {
    this.tracker.onClose = close;
  }

  /** Where this process's own commits report the store's count they reached (PostgreSQL's version watch). */
  countsTo(advance: (count: number) => void): void {
    this.tracker.advanceCount = advance;
  }

  /** What says that another process changed subscriptions or snoozes (see VersionTracker.remindersCounter). */
  remindersCountedBy(counter: () => number | undefined): void {
    this.tracker.remindersCounter = counter;
  }
}
