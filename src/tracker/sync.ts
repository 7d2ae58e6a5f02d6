import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { applyFollowUps } from '../core/follow-up';
import { isPursued, issueOf, questionAsOf, type QuestionState } from '../core/questions';
import type { FollowUpState, RecordedAssignment, RecordedChange } from '../core/records';
import type { IssueOutcome, IssueRequests } from '../commands/types';
import type { Catalog } from '../incident/catalog';
import type { Actor, GitHubTracking, Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import { linkUrl } from '../lib/links';
import type { Metrics } from '../lib/metrics';
import type { FollowUpStore } from '../store/repository';
import type { TrackerLink } from '../store/trackers';
import {
  assignmentStep,
  changeStep,
  issueBody,
  issueMarker,
  issueTitle,
  withMarker,
  type IssueStep,
} from '../views/tracker';
import { WritePace } from './pace';
import { TrackerError, type IssueEvent, type IssueTracker, type PolledEvent } from './port';

/**
 * Questions as tracker issues, both ways, exactly once.
 *
 * Slack to the tracker: the store is the outbox. Asking for an issue stores its request (one row per question, so
 * never two issues); every change to a linked question is already a stored row (the follow-up tables are
 * append-only), and each link keeps a cursor of the rows sent. One replica at a time (a lease) works through them,
 * one request at a time, paced, backing off while the tracker fails or limits. Before each request it notes that it
 * began; a step found begun (the process died mid-send) is looked for first by its hidden marker, so a crash between
 * the tracker's answer and the bot's record makes neither a second issue nor a second comment.
 *
 * The tracker to Slack: an event (a webhook, or a poll of the repository's issue events) about a linked issue is
 * applied as a change of its question, by the tracker's login, at the tracker's time; one the question already
 * reflects, or made by the bot's own login, changes nothing. Changes that came from the tracker are passed over by
 * the sender: they are never sent back.
 */

export interface TrackerSyncOptions {
  catalog: Catalog;
  store: FollowUpStore;
  tracker: IssueTracker;
  clock: Clock;
  log: Logger;
  metrics?: Metrics;
  /** Pages (PUBLIC_URL): an issue's body links the incident's page. */
  links?: { publicUrl: string; secret: string };
  /** Least time between two writes to the tracker (default a second: under GitHub's 80 a minute). */
  writeIntervalMs?: number;
  /** Most writes in an hour (default 500, GitHub's hourly limit on content-creating requests). */
  writesPerHour?: number;
  /** How often the sender looks for work. */
  tickMs?: number;
  /** Polling (no webhook secret): how often; undefined, no polling. */
  pollMs?: number;
  /** How long /summit issue waits for the issue before replying that it will be made. */
  replyWaitMs?: number;
  /** Real time for leases and pacing (tests give their own). */
  realNow?: () => number;
}

/** A change from the tracker, recorded: what the front end tells people (the owner's Home tab, the console's screen). */
export interface TrackerChange {
  incidentId: string;
  questionId: string;
  /** The question's owner afterwards (a Slack user id), if any. */
  owner?: string;
  /** What happened, in a few words: "answered by octo-ada on GitHub". */
  what: string;
}

/**
 * What /summit issue gets in a run at another moment on a copy of the store (--at, SUMMIT_NOW): GitHub's issues are
 * real, so none is made or changed from such a run.
 */
export const AT_ANOTHER_MOMENT: IssueRequests = {
  request: async () => ({
    kind: 'off',
    why: 'This run is at another moment, on a copy of the store: GitHub’s issues are real, so none is made or changed from it. Nothing was changed.',
  }),
  unreachable: () => undefined,
};

/** An actor from the tracker, as recorded: "via GitHub", never sent back. */
export const TRACKER_ACTOR_PREFIX = 'github:';
const trackerActor = (login: string): Actor => ({ id: `${TRACKER_ACTOR_PREFIX}${login}`, name: `${login} via GitHub` });
const fromTracker = (a: Actor) => a.id.startsWith(TRACKER_ACTOR_PREFIX);

/** How long a lease lasts unless renewed: a replica that died gives way within it. */
const LEASE_MS = 15_000;
/** The longest the sender goes without a whole pass over the links (a request made on another replica). */
const FULL_PASS_MS = 10_000;
/** Backoff after a failure: doubling from 5 s to 15 minutes. */
const backoffMs = (attempts: number) => Math.min(15 * 60_000, 5_000 * 2 ** Math.min(attempts, 10));
/** A step begun earlier is looked for from a little before it began (the tracker's clock may differ). */
const LOOK_BACK_MS = 10 * 60_000;
/** Most pages of events one poll reads (100 each) when many changed since the last. */
const POLL_PAGES = 10;
/** Longest answer taken from a closing comment. */
const ANSWER_MAX = 3_000;

type Item = { kind: 'change'; row: RecordedChange } | { kind: 'assignment'; row: RecordedAssignment };

export class TrackerSync implements IssueRequests {
  /** Each repository tried at start: true, or why the token cannot reach it (for /summit incidents). */
  readonly reached = new Map<string, true | string>();
  /**
   * Tries every repository the data sets name: one the token cannot reach is logged and named by /summit incidents,
   * and the bot carries on (its questions' issues wait until it can).
   */
  async checkRepos(): Promise<void> {
    const repos = new Set(this.o.catalog.incidents.flatMap((i) => (i.github ? [i.github.repo.toLowerCase()] : [])));
    for (const repo of repos) {
      const r = await this.o.tracker.reach(repo);
      if (r !== true)
        this.o.log.warn({ repo, error: r.message }, 'a data set names a GitHub repository the token cannot reach');
      this.reached.set(repo, r === true ? true : r.message);
    }
  }

  unreachable(repo: string): string | undefined {
    const r = this.reached.get(repo.toLowerCase());
    return r === true ? undefined : r;
  }

  /** Told of each change from the tracker once it is recorded (set by the front end). */
  onChange?: (change: TrackerChange) => void;
  private readonly holder = randomBytes(8).toString('hex');
  private readonly realNow: () => number;
  private timer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private polling?: Promise<void>;
  private again = false;
  /** A request asked for a pass: made even when nothing recorded changed. */
  private forced = false;
  private lastPass?: { version: string; at: number };
  private stopped = false;
  /** No request before this (a rate limit's reset). */
  private heldUntil = 0;
  private readonly pacer: WritePace;

  constructor(private readonly o: TrackerSyncOptions) {
    this.realNow = o.realNow ?? Date.now;
    this.pacer = new WritePace(
      { intervalMs: o.writeIntervalMs ?? 1_000, perWindow: o.writesPerHour ?? 500, windowMs: 3_600_000 },
      this.realNow,
    );
  }

  /** Whether start() was called: the front end is up, and changes may be sent and applied. */
  get started(): boolean {
    return this.timer !== undefined && !this.stopped;
  }

  /** Sends, polls (without webhooks) and tries every repository the data sets name. */
  start(): void {
    this.stopped = false;
    void this.checkRepos().catch((e) => this.logFailure('reach', e));
    this.timer = setInterval(() => this.wake(), this.o.tickMs ?? 2_000);
    this.timer.unref();
    if (this.o.pollMs !== undefined) {
      const poll = () => {
        if (this.polling || this.stopped) return;
        this.polling = this.pollAll()
          .catch((e) => this.logFailure('poll', e))
          .finally(() => (this.polling = undefined));
      };
      this.pollTimer = setInterval(poll, this.o.pollMs);
      this.pollTimer.unref();
      poll();
    }
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.pollTimer);
    await this.running;
    await this.polling;
    await this.o.store.trackers.release('tracker-send', this.holder).catch(() => undefined);
  }

  /**
   * Works through the outbox now (or again as soon as the run in progress ends). `force`: a whole pass even when
   * nothing recorded changed since the last.
   */
  wake(force = false): Promise<void> {
    if (force) this.forced = true;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.sendAll();
        } while (this.again && !this.stopped);
      } catch (error) {
        this.logFailure('send', error);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  // ------------------------------------------------------------------------------------------------------------
  // Slack to the tracker

  async request(incident: Incident, questionId: string, actor: Actor, now: Date): Promise<IssueOutcome> {
    const github = incident.github as GitHubTracking;
    const repo = github.repo;
    const scoped = this.o.store.scoped(incident.id);
    const state = await scoped.state();
    const applied = applyFollowUps(incident, state);
    const q = applied.questions.find((x) => x.id === questionId);
    if (!q) throw new Error(`no question ${questionId}`);
    const s = questionAsOf(q, now);
    const page = this.pageLink(incident, now);
    const { link, first } = await this.o.store.trackers.request({
      incidentId: incident.id,
      questionId,
      repo: repo.toLowerCase(),
      title: issueTitle(s),
      body: issueBody(incident, github, s, actor.name, page),
      labels: github.labels,
      requestedBy: actor,
      at: now,
      nextAt: new Date(this.realNow()),
      // What the body already says is not sent again as comments.
      changeCursor: maxId(state.changes, questionId),
      assignmentCursor: maxId(state.assignments, questionId),
    });
    if (!first) {
      const outcome = this.outcomeOf(link, true);
      if (outcome.kind !== 'pending' || link.attempts > 0 || link.begunAt) return outcome;
    }
    // The sender makes it (on this replica when it holds the lease); the reply waits a moment for it.
    void this.wake(true);
    const until = this.realNow() + (this.o.replyWaitMs ?? 2_500);
    for (;;) {
      const now2 = await this.o.store.trackers.link(incident.id, questionId);
      if (!now2) return { kind: 'pending', repo };
      if (now2.state !== 'creating' || now2.attempts > 0) return this.outcomeOf(now2, false);
      if (this.realNow() >= until) return { kind: 'pending', repo };
      await sleep(50);
    }
  }

  private outcomeOf(link: TrackerLink, already: boolean): IssueOutcome {
    const repo = link.repo;
    if (link.state === 'linked' && link.number !== undefined && link.url)
      return { kind: 'linked', repo, url: link.url, number: link.number, already };
    if (link.state === 'gone') return { kind: 'gone', repo, ...(link.url && { url: link.url }) };
    if (link.state === 'refused') return { kind: 'refused', repo, why: link.lastError ?? 'GitHub refused it' };
    return { kind: 'pending', repo, ...(link.lastError && { why: link.lastError }) };
  }

  private pageLink(incident: Incident, now: Date): string | undefined {
    const web = this.o.links;
    if (!web) return undefined;
    // As /summit link gives one, for the longest a link may hold (a year); revoking links revokes it too.
    const issuedAt = now.getTime();
    return linkUrl(web, { incident: incident.id, issuedAt, expiresAt: issuedAt + 365 * 86_400_000 });
  }

  /** One pass over every link: issues to make, then changes to send. One replica at a time. */
  private async sendAll(): Promise<void> {
    const trackers = this.o.store.trackers;
    if (this.stopped || this.realNow() < this.heldUntil) return;
    const forced = this.forced;
    this.forced = false;
    if (!(await trackers.lease('tracker-send', this.holder, new Date(this.realNow()), LEASE_MS))) return;
    let leasedAt = this.realNow();
    // Nothing recorded since the last pass, nothing asked for, no retry due: the pass is skipped (a pass is made at
    // least every FULL_PASS_MS all the same).
    const version = await this.o.store.stateVersion();
    const due = await trackers.due(new Date(this.realNow()));
    const last = this.lastPass;
    if (!forced && due === 0 && last?.version === version && this.realNow() - last.at < FULL_PASS_MS) return;
    this.lastPass = { version, at: this.realNow() };
    const states = new Map<string, Promise<FollowUpState>>();
    const stateOf = (id: string) => {
      let s = states.get(id);
      if (!s) {
        s = this.o.store.scoped(id).state();
        states.set(id, s);
      }
      return s;
    };
    for (const link of await trackers.links()) {
      if (this.stopped || this.realNow() < this.heldUntil) return;
      if (link.state === 'gone' || link.state === 'refused') continue;
      if (link.nextAt.getTime() > this.realNow()) continue;
      const incident = this.o.catalog.get(link.incidentId);
      if (!incident?.github) continue;
      try {
        if (link.state === 'creating') await this.create(link, incident);
        else await this.sendChanges(link, incident, await stateOf(link.incidentId));
      } catch (error) {
        await this.failed(link, error);
      }
      // A long pass keeps its lease.
      if (this.realNow() - leasedAt > LEASE_MS / 3) {
        await trackers.lease('tracker-send', this.holder, new Date(this.realNow()), LEASE_MS);
        leasedAt = this.realNow();
      }
    }
  }

  private async create(link: TrackerLink, incident: Incident): Promise<void> {
    const { tracker, store } = this.o;
    const marker = issueMarker(incident.id, link.questionId);
    let made = link.begunAt
      ? await tracker.findIssue(link.repo, marker, new Date(link.begunAt.getTime() - LOOK_BACK_MS))
      : undefined;
    if (!made) {
      await store.trackers.begin(link, new Date(this.realNow()));
      await this.pace();
      made = await tracker.createIssue(link.repo, { title: link.title, body: link.body, labels: link.labels });
    }
    await store.trackers.made(link, made.number, made.url);
    // Reachable after all (/summit incidents says so from now on).
    this.reached.set(link.repo, true);
    await this.recordIssue(incident, link.questionId, made.url, link.requestedBy);
    this.o.log.info(
      { incident: incident.id, question: link.questionId, issue: `${link.repo}#${made.number}` },
      'issue created',
    );
  }

  /** The question's `issue` assignment: how every view shows the issue, and the history says when it was made. */
  private async recordIssue(incident: Incident, questionId: string, url: string, actor: Actor): Promise<void> {
    const scoped = this.o.store.scoped(incident.id);
    const state = await scoped.state();
    const last = recordedIssue(state, questionId);
    if (last?.value === url) return;
    await scoped.recordAssignment({
      questionId,
      field: 'issue',
      value: url,
      actor,
      at: new Date(Math.max(this.o.clock.now().getTime(), last ? last.at.getTime() : 0)),
    });
  }

  private async sendChanges(link: TrackerLink, incident: Incident, state: FollowUpState): Promise<void> {
    const { store } = this.o;
    const github = incident.github as GitHubTracking;
    // The issue is recorded on the question even when the process died between making it and recording it.
    if (link.url && !recordedIssue(state, link.questionId))
      await this.recordIssue(incident, link.questionId, link.url, link.requestedBy);
    let begun = link.begunAt;
    for (const item of pending(link, state)) {
      const row = item.row;
      const step: IssueStep | undefined = fromTracker(row.actor)
        ? undefined
        : item.kind === 'change'
          ? changeStep(item.row, this.mergedInto(item.row, state))
          : assignmentStep(item.row, github);
      if (step)
        try {
          await this.sendStep(
            link,
            step,
            issueMarker(incident.id, link.questionId, `${item.kind === 'change' ? 'c' : 'a'}${row.id}`),
            begun,
          );
        } catch (error) {
          if (!(error instanceof TrackerError) || error.kind !== 'invalid') throw error;
          // A step GitHub will never take as it stands (an assignee it refuses): said in the log, passed over.
          this.o.log.warn(
            { incident: link.incidentId, question: link.questionId, error: error.message },
            'a change GitHub refused was passed over',
          );
        }
      const cursor = item.kind === 'change' ? { change: row.id } : { assignment: row.id };
      await store.trackers.advance(link, cursor);
      if (item.kind === 'change') link.changeCursor = row.id;
      else link.assignmentCursor = row.id;
      begun = undefined;
    }
  }

  /** One change sent: its comment (unless a begun try made it), then the issue's state and assignees. */
  private async sendStep(link: TrackerLink, step: IssueStep, marker: string, begun: Date | undefined): Promise<void> {
    const { tracker, store } = this.o;
    const number = link.number as number;
    const commented =
      begun !== undefined &&
      (await tracker.hasComment(link.repo, number, marker, new Date(begun.getTime() - LOOK_BACK_MS)));
    await store.trackers.begin(link, new Date(this.realNow()));
    if (!commented) {
      await this.pace();
      await tracker.comment(link.repo, number, withMarker(step.comment, marker));
    }
    if (step.state) {
      await this.pace();
      await tracker.setState(link.repo, number, step.state.state, step.state.reason);
    }
    if (step.assignees) {
      await this.pace();
      await tracker.setAssignees(link.repo, number, step.assignees);
    }
  }

  private mergedInto(c: RecordedChange, state: FollowUpState) {
    if (c.status !== 'superseded' || !c.supersededBy) return undefined;
    const url = recordedIssue(state, c.supersededBy)?.value;
    const issue = url === undefined ? undefined : issueOf(url);
    return { id: c.supersededBy, ...(issue && { issue: issue.number }) };
  }

  /** A failed step: retried later (a rate limit holds every request), or for good when GitHub refused it. */
  private async failed(link: TrackerLink, error: unknown): Promise<void> {
    const trackers = this.o.store.trackers;
    if (!(error instanceof TrackerError)) {
      this.logFailure('send', error, link);
      await trackers.retry(
        link,
        'an unexpected error (see the log)',
        new Date(this.realNow() + backoffMs(link.attempts)),
      );
      return;
    }
    const where = { incident: link.incidentId, question: link.questionId, repo: link.repo, kind: error.kind };
    if (error.kind === 'limited') {
      this.heldUntil = error.until?.getTime() ?? this.realNow() + 60_000;
      this.o.log.warn({ ...where, until: new Date(this.heldUntil).toISOString() }, 'GitHub rate limit: sends wait');
      await trackers.retry(link, error.message, new Date(this.heldUntil));
      return;
    }
    // What /summit incidents says of the repository follows what GitHub last said of it.
    if (error.kind === 'not-found' || error.kind === 'auth') this.reached.set(link.repo, error.message);
    if (!error.transient && link.state === 'creating') {
      this.o.log.warn({ ...where, error: error.message }, 'issue refused by GitHub: nothing was created');
      await trackers.refuse(link, error.message);
      return;
    }
    if (error.kind === 'not-found') {
      this.o.log.warn({ ...where, error: error.message }, 'issue gone on GitHub: nothing more is sent to it');
      await trackers.gone(link, error.message);
      return;
    }
    this.o.log.warn({ ...where, attempts: link.attempts + 1, error: error.message }, 'GitHub failed: retried later');
    await trackers.retry(link, error.message, new Date(this.realNow() + backoffMs(link.attempts)));
  }

  /** Keeps writes at the tracker's pace (pace.ts). */
  private pace(): Promise<void> {
    return this.pacer.turn();
  }

  // ------------------------------------------------------------------------------------------------------------
  // The tracker to Slack

  /** Applies a change made in the tracker: 'applied', or why not. */
  async apply(event: IssueEvent, via: 'webhook' | 'poll'): Promise<'applied' | 'ignored' | 'echo'> {
    const result = await this.applyOnce(event);
    this.o.metrics?.trackerEvent(via, result);
    if (result === 'applied')
      this.o.log.info(
        { issue: `${event.repo}#${event.number}`, kind: event.kind, by: event.login, via },
        'change from GitHub recorded',
      );
    return result;
  }

  private async applyOnce(event: IssueEvent): Promise<'applied' | 'ignored' | 'echo'> {
    const link = await this.o.store.trackers.byIssue(event.repo.toLowerCase(), event.number);
    if (!link || link.state !== 'linked') return 'ignored';
    const me = await this.o.tracker.whoAmI().catch(() => undefined);
    if (me !== undefined && event.login.toLowerCase() === me.toLowerCase()) return 'echo';
    const incident = this.o.catalog.get(link.incidentId);
    if (!incident?.github) return 'ignored';
    const scoped = this.o.store.scoped(incident.id);
    const now = this.o.clock.now();
    const applied = applyFollowUps(incident, await scoped.state());
    const q = applied.questions.find((x) => x.id === link.questionId);
    if (!q) return 'ignored';
    const s = questionAsOf(q, now);
    // The tracker's time, but never later than the bot's now (what is recorded "as of" must have happened).
    const at = new Date(Math.min(event.at.getTime(), now.getTime()));
    // A change made on GitHub before the question's latest change is not applied over it: the later one stands
    // (and the sender takes it to GitHub).
    if (event.kind !== 'assigned' && s.since !== undefined && event.at < s.since) return 'ignored';
    const actor = trackerActor(event.login);
    const base = { questionId: q.id, actor, at };
    if (event.kind === 'closed' && event.reason !== 'not_planned') {
      if (s.status === 'answered' || s.status === 'superseded') return 'ignored';
      const said = await this.lastWords(link, event);
      await scoped.recordChange({
        ...base,
        status: 'answered',
        answer: said ?? `Closed as completed on GitHub by ${event.login}.`,
        sourceUrl: link.url,
      });
    } else if (event.kind === 'closed') {
      if (!isPursued(s.status)) return 'ignored';
      const said = await this.lastWords(link, event);
      await scoped.recordChange({
        ...base,
        status: 'dropped',
        note: said ?? `Closed as not planned on GitHub by ${event.login}.`,
        sourceUrl: link.url,
      });
    } else if (event.kind === 'reopened') {
      if (isPursued(s.status)) return 'ignored';
      await scoped.recordChange({ ...base, status: 'open', note: `Reopened on GitHub by ${event.login}.` });
    } else {
      const slackUser = event.assignee ? incident.github.people[event.assignee] : undefined;
      if (!slackUser || s.owner === slackUser) return 'ignored';
      await scoped.recordAssignment({ ...base, field: 'owner', value: slackUser });
    }
    const what =
      event.kind === 'closed'
        ? event.reason === 'not_planned'
          ? 'marked not pursued'
          : 'answered'
        : event.kind === 'reopened'
          ? 'reopened'
          : 'given an owner';
    const owner = ownerAfter(s, event, incident.github);
    this.onChange?.({
      incidentId: incident.id,
      questionId: q.id,
      ...(owner !== undefined && { owner }),
      what: `${what} by ${event.login} on GitHub`,
    });
    return 'applied';
  }

  /** The closing person's last comment (not one of the bot's), as the answer's or reason's text. */
  private async lastWords(link: TrackerLink, event: IssueEvent): Promise<string | undefined> {
    try {
      // The tracker's own clock: the day before it closed the issue.
      const since = new Date(event.at.getTime() - 86_400_000);
      const comments = await this.o.tracker.comments(link.repo, link.number as number, since);
      const last = comments.filter((c) => c.login === event.login && !c.body.includes('<!-- summit-bot:')).pop();
      return last ? last.body.trim().slice(0, ANSWER_MAX) || undefined : undefined;
    } catch {
      // The change is recorded without the comment's words rather than not at all.
      return undefined;
    }
  }

  /** One poll of every repository with linked issues (one replica at a time). */
  async pollAll(): Promise<void> {
    const trackers = this.o.store.trackers;
    if (this.realNow() < this.heldUntil) return;
    if (!(await trackers.lease('tracker-poll', this.holder, new Date(this.realNow()), LEASE_MS))) return;
    const repos = new Set((await trackers.links('linked')).map((l) => l.repo));
    for (const repo of repos) {
      try {
        await this.pollRepo(repo);
      } catch (error) {
        if (error instanceof TrackerError && error.kind === 'limited')
          this.heldUntil = error.until?.getTime() ?? this.realNow() + 60_000;
        this.logFailure('poll', error, undefined, repo);
      }
    }
  }

  /** A repository's issue events since the last poll, oldest first; an unchanged repository costs one 304. */
  async pollRepo(repo: string): Promise<number> {
    const trackers = this.o.store.trackers;
    const kept = await trackers.poll(repo);
    const lastSeen = kept.since === undefined ? undefined : Number(kept.since);
    const first = await this.o.tracker.events(repo, kept.etag, 1);
    if (first.notModified) return 0;
    const newer = (events: PolledEvent[]) => events.filter((e) => lastSeen === undefined || e.id > lastSeen);
    let found = newer(first.events);
    // Further pages (newest first) while the last one was full and every event on it was new since the last poll.
    let page = first;
    for (let n = 2; n <= POLL_PAGES && lastSeen !== undefined; n++) {
      if (!page.full || page.oldestId === undefined || page.oldestId <= lastSeen) break;
      const next = await this.o.tracker.events(repo, undefined, n);
      if (next.notModified) break;
      found = [...found, ...newer(next.events)];
      page = next;
    }
    let applied = 0;
    for (const e of found.sort((a, b) => a.id - b.id)) if ((await this.apply(e, 'poll')) === 'applied') applied++;
    const newest = Math.max(lastSeen ?? 0, first.newestId ?? 0);
    await trackers.polled(repo, first.etag, String(newest), new Date(this.realNow()));
    return applied;
  }

  private logFailure(what: string, error: unknown, link?: TrackerLink, repo?: string): void {
    this.o.log.warn(
      {
        what,
        ...(link && { incident: link.incidentId, question: link.questionId }),
        ...(repo && { repo }),
        error: error instanceof Error ? error.message : String(error),
      },
      'GitHub work failed; it is tried again',
    );
  }
}

/** The question's changes and assignments not sent yet, in the order they were made. */
function pending(link: TrackerLink, state: FollowUpState): Item[] {
  const rows = byQuestion(state);
  const items: Item[] = [
    ...(rows.changes.get(link.questionId) ?? [])
      .filter((c) => c.id > link.changeCursor)
      .map((row) => ({ kind: 'change' as const, row })),
    ...(rows.assignments.get(link.questionId) ?? [])
      .filter((a) => a.id > link.assignmentCursor)
      .map((row) => ({ kind: 'assignment' as const, row })),
  ];
  return items.sort((a, b) => a.row.at.getTime() - b.row.at.getTime() || a.row.id - b.row.id);
}

/** A state's changes and assignments by question, once per state (a pass over 1,000 links reads each once). */
function byQuestion(state: FollowUpState) {
  let out = grouped.get(state);
  if (!out) {
    out = { changes: groupOf(state.changes), assignments: groupOf(state.assignments) };
    grouped.set(state, out);
  }
  return out;
}
const grouped = new WeakMap<
  FollowUpState,
  { changes: Map<string, RecordedChange[]>; assignments: Map<string, RecordedAssignment[]> }
>();

function groupOf<T extends { questionId: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const list = out.get(r.questionId);
    if (list) list.push(r);
    else out.set(r.questionId, [r]);
  }
  return out;
}

/** The question's latest `issue` assignment: its issue as recorded. */
function recordedIssue(state: FollowUpState, questionId: string): RecordedAssignment | undefined {
  const rows = byQuestion(state).assignments.get(questionId) ?? [];
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]?.field === 'issue') return rows[i];
  return undefined;
}

function maxId(rows: readonly { id: number; questionId: string }[], questionId: string): number {
  let max = 0;
  for (const r of rows) if (r.questionId === questionId && r.id > max) max = r.id;
  return max;
}

function ownerAfter(s: QuestionState, event: IssueEvent, github: GitHubTracking): string | undefined {
  return event.kind === 'assigned' && event.assignee ? (github.people[event.assignee] ?? s.owner) : s.owner;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
