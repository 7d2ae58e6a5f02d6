/**
 * The seam between summit-bot and an issue tracker: what the bot asks of one, in its own words. GitHub is the one
 * adapter (github.ts); Jira or Linear would be another implementing the same interface.
 */

/** An issue as the bot knows it. */
export interface IssueRef {
  number: number;
  /** Its web address. */
  url: string;
}

/** A change made in the tracker that the bot may apply to a question. */
export interface IssueEvent {
  repo: string;
  number: number;
  kind: 'closed' | 'reopened' | 'assigned';
  /** How it was closed: completed, or not planned (a duplicate counts as not planned). */
  reason?: 'completed' | 'not_planned';
  /** Who did it (a login). */
  login: string;
  /** The person assigned (assigned). */
  assignee?: string;
  /** When the tracker says it happened. */
  at: Date;
}

/** A comment, as the bot reads one back. */
export interface IssueComment {
  login: string;
  body: string;
  url: string;
  at: Date;
}

/**
 * Why a request failed, as the bot acts on it: `unreachable` (down, slow, 5xx: retried), `limited` (rate limit:
 * retried from `until`), `auth` (the token was refused: retried, an operator must act), `not-found` (no such
 * repository or issue), `invalid` (refused as it stands, such as an unknown label).
 */
export type TrackerFailure = 'unreachable' | 'limited' | 'auth' | 'not-found' | 'invalid';

export class TrackerError extends Error {
  constructor(
    readonly kind: TrackerFailure,
    message: string,
    readonly until?: Date,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TrackerError';
  }

  /** Whether trying again later may succeed without anyone changing anything. */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'limited' || this.kind === 'auth';
  }
}

/** A page of a repository's issue events since an earlier poll, or that nothing changed (which cost nothing). */
export type EventsPage =
  | { notModified: true }
  | {
      notModified: false;
      etag?: string;
      /** The events the bot acts on (closed, reopened, assigned, on issues). */
      events: PolledEvent[];
      /** Of every event on the page, whatever its kind: the newest and oldest ids, and whether the page was full. */
      newestId?: number;
      oldestId?: number;
      full: boolean;
    };

export interface PolledEvent extends IssueEvent {
  /** The tracker's id of the event: increasing, so a poll goes on from the last one seen. */
  id: number;
}

export interface IssueTracker {
  /** The login the token acts as (its own changes come back as events, and are not applied). */
  whoAmI(): Promise<string | undefined>;
  createIssue(repo: string, issue: { title: string; body: string; labels: string[] }): Promise<IssueRef>;
  /** The issue made with this marker in its body since `since`, if one was (a retry after a crash looks first). */
  findIssue(repo: string, marker: string, since: Date): Promise<IssueRef | undefined>;
  comment(repo: string, number: number, body: string): Promise<void>;
  /** Whether a comment with this marker was made on the issue since `since`. */
  hasComment(repo: string, number: number, marker: string, since: Date): Promise<boolean>;
  /** The comments made on the issue since `since`, oldest first. */
  comments(repo: string, number: number, since: Date): Promise<IssueComment[]>;
  setState(repo: string, number: number, state: 'open' | 'closed', reason?: 'completed' | 'not_planned'): Promise<void>;
  setAssignees(repo: string, number: number, logins: string[]): Promise<void>;
  /** The repository's issue events, newest first, page `page`; with `etag`, answered "not modified" at no cost. */
  events(repo: string, etag: string | undefined, page: number): Promise<EventsPage>;
  /** Whether the token can reach the repository (said at start and in /summit incidents). */
  reach(repo: string): Promise<true | TrackerError>;
}
