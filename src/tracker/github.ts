import { Octokit } from '@octokit/core';
import type { Logger } from 'pino';
import type { Metrics } from '../lib/metrics';
import {
  TrackerError,
  type EventsPage,
  type IssueComment,
  type IssueRef,
  type IssueTracker,
  type PolledEvent,
} from './port';

/**
 * GitHub Issues behind the tracker seam, through Octokit's REST client (@octokit/core: the token, the API address,
 * GitHub's error answers). Retries and rate limits are the sender's (tracker/sync.ts), not Octokit's plugins: what
 * is to be sent is stored first and retried from the store, across restarts, so a retry held in memory would only
 * keep a request from the next one and be lost in a crash. Every request is given `timeoutMs`: a hung connection
 * is a failure like any other, never a wait without end.
 */

export interface GitHubOptions {
  token: string;
  apiUrl: string;
  log: Logger;
  metrics?: Metrics;
  timeoutMs?: number;
  /** The real time (tests give their own); what Retry-After and x-ratelimit-reset are counted from. */
  realNow?: () => number;
}

/** Events a page of the repository's issue events holds (GitHub's most). */
const EVENTS_PER_PAGE = 100;
/** How many pages a look for a marker reads at most (100 issues or comments each). */
const LOOKUP_PAGES = 3;

interface GitHubIssue {
  number: number;
  html_url: string;
  body?: string | null;
  pull_request?: unknown;
}

interface GitHubEvent {
  id: number;
  event: string;
  actor?: { login?: string } | null;
  assignee?: { login?: string } | null;
  created_at: string;
  state_reason?: string | null;
  issue?: { number: number; pull_request?: unknown; state_reason?: string | null };
}

export class GitHubTracker implements IssueTracker {
  private readonly octokit: Octokit;
  private readonly timeoutMs: number;
  private readonly realNow: () => number;
  private login?: Promise<string | undefined>;

  constructor(private readonly options: GitHubOptions) {
    const { log } = options;
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: options.apiUrl,
      userAgent: 'summit-bot',
      // Octokit's own warnings (deprecations) go to the bot's log, never to the console.
      log: {
        debug: () => undefined,
        info: () => undefined,
        warn: (message: string) => log.warn({ github: true }, message),
        error: (message: string) => log.error({ github: true }, message),
      },
    });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.realNow = options.realNow ?? Date.now;
  }

  /** One request, its failure in the seam's words, counted by operation and result. */
  private async call<T>(
    op: string,
    route: string,
    params: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<{ data: T; headers: Record<string, string | number | undefined>; status: number }> {
    try {
      const r = await this.octokit.request(route, {
        ...params,
        headers,
        request: { signal: AbortSignal.timeout(this.timeoutMs) },
      });
      this.options.metrics?.trackerRequest(op, 'ok');
      return { data: r.data as T, headers: r.headers as Record<string, string | number | undefined>, status: r.status };
    } catch (error) {
      if (statusOf(error) === 304) {
        this.options.metrics?.trackerRequest(op, 'not_modified');
        throw error;
      }
      const failure = this.failure(error);
      this.options.metrics?.trackerRequest(op, failure.kind);
      throw failure;
    }
  }

  /** GitHub's answer as the seam's failure, with a sentence that names no secret. */
  failure(error: unknown): TrackerError {
    const status = statusOf(error);
    const headers = headersOf(error);
    if (status === undefined || status >= 500 || isAbort(error)) {
      const why = isAbort(error)
        ? `GitHub did not answer within ${Math.round(this.timeoutMs / 1000)} s`
        : status !== undefined && status >= 500 && !networkFailure(error)
          ? `GitHub answered ${status}`
          : 'GitHub could not be reached';
      return new TrackerError('unreachable', why, undefined, { cause: error });
    }
    const retryAfter = Number(headers['retry-after']);
    const remaining = headers['x-ratelimit-remaining'];
    const reset = Number(headers['x-ratelimit-reset']);
    if ((status === 403 || status === 429) && (Number.isFinite(retryAfter) || String(remaining) === '0')) {
      const until = Number.isFinite(retryAfter)
        ? new Date(this.realNow() + retryAfter * 1000)
        : Number.isFinite(reset)
          ? new Date(reset * 1000)
          : new Date(this.realNow() + 60_000);
      return new TrackerError('limited', `GitHub's rate limit was reached (until ${until.toISOString()})`, until, {
        cause: error,
      });
    }
    if (status === 401)
      return new TrackerError(
        'auth',
        'GitHub refused the bot’s token (401): it was revoked or has expired',
        undefined,
        {
          cause: error,
        },
      );
    if (status === 403)
      return new TrackerError(
        'auth',
        'GitHub refused the request (403): the token lacks Issues read and write on this repository',
        undefined,
        { cause: error },
      );
    if (status === 404 || status === 410)
      return new TrackerError(
        'not-found',
        status === 410
          ? 'GitHub says the issue was deleted (410)'
          : 'GitHub found no such repository or issue (404), or the token cannot see it',
        undefined,
        { cause: error },
      );
    return new TrackerError('invalid', `GitHub refused it (${status}): ${validationOf(error)}`, undefined, {
      cause: error,
    });
  }

  whoAmI(): Promise<string | undefined> {
    this.login ??= this.call<{ login?: string }>('user', 'GET /user', {}).then(
      (r) => r.data.login,
      () => {
        this.login = undefined;
        return undefined;
      },
    );
    return this.login;
  }

  async createIssue(repo: string, issue: { title: string; body: string; labels: string[] }): Promise<IssueRef> {
    const r = await this.call<GitHubIssue>('create', 'POST /repos/{owner}/{repo}/issues', {
      ...parts(repo),
      title: issue.title,
      body: issue.body,
      ...(issue.labels.length > 0 && { labels: issue.labels }),
    });
    return { number: r.data.number, url: r.data.html_url };
  }

  async findIssue(repo: string, marker: string, since: Date): Promise<IssueRef | undefined> {
    const me = await this.whoAmI();
    for (let page = 1; page <= LOOKUP_PAGES; page++) {
      const r = await this.call<GitHubIssue[]>('find', 'GET /repos/{owner}/{repo}/issues', {
        ...parts(repo),
        state: 'all',
        sort: 'created',
        direction: 'desc',
        since: since.toISOString(),
        per_page: 100,
        page,
        ...(me !== undefined && { creator: me }),
      });
      const found = r.data.find((i) => !i.pull_request && (i.body ?? '').includes(marker));
      if (found) return { number: found.number, url: found.html_url };
      if (r.data.length < 100) return undefined;
    }
    return undefined;
  }

  async comment(repo: string, number: number, body: string): Promise<void> {
    await this.call('comment', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      ...parts(repo),
      issue_number: number,
      body,
    });
  }

  async hasComment(repo: string, number: number, marker: string, since: Date): Promise<boolean> {
    const me = await this.whoAmI();
    const list = await this.comments(repo, number, since);
    return list.some((c) => c.body.includes(marker) && (me === undefined || c.login === me));
  }

  async comments(repo: string, number: number, since: Date): Promise<IssueComment[]> {
    const out: IssueComment[] = [];
    for (let page = 1; page <= LOOKUP_PAGES; page++) {
      const r = await this.call<
        { user?: { login?: string } | null; body?: string | null; html_url: string; created_at: string }[]
      >('comments', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...parts(repo),
        issue_number: number,
        since: since.toISOString(),
        per_page: 100,
        page,
      });
      for (const c of r.data)
        out.push({ login: c.user?.login ?? '', body: c.body ?? '', url: c.html_url, at: new Date(c.created_at) });
      if (r.data.length < 100) break;
    }
    return out;
  }

  async setState(
    repo: string,
    number: number,
    state: 'open' | 'closed',
    reason?: 'completed' | 'not_planned',
  ): Promise<void> {
    // state_reason changes only together with state (GitHub's REST reference, "Update an issue").
    await this.call('state', 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...parts(repo),
      issue_number: number,
      state,
      state_reason: state === 'open' ? 'reopened' : (reason ?? 'completed'),
    });
  }

  async setAssignees(repo: string, number: number, logins: string[]): Promise<void> {
    await this.call('assign', 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...parts(repo),
      issue_number: number,
      assignees: logins,
    });
  }

  async events(repo: string, etag: string | undefined, page: number): Promise<EventsPage> {
    try {
      const r = await this.call<GitHubEvent[]>(
        'events',
        'GET /repos/{owner}/{repo}/issues/events',
        { ...parts(repo), per_page: EVENTS_PER_PAGE, page },
        etag !== undefined && page === 1 ? { 'if-none-match': etag } : {},
      );
      const events: PolledEvent[] = [];
      for (const e of r.data) {
        if (!e.issue || e.issue.pull_request) continue;
        if (e.event !== 'closed' && e.event !== 'reopened' && e.event !== 'assigned') continue;
        const reason = e.state_reason ?? e.issue.state_reason ?? undefined;
        events.push({
          id: Number(e.id),
          repo,
          number: e.issue.number,
          kind: e.event,
          ...(e.event === 'closed' && {
            reason: reason === 'not_planned' || reason === 'duplicate' ? 'not_planned' : 'completed',
          }),
          login: e.actor?.login ?? '',
          ...(e.assignee?.login && { assignee: e.assignee.login }),
          at: new Date(e.created_at),
        });
      }
      const tag = r.headers.etag;
      const ids = r.data.map((e) => Number(e.id));
      return {
        notModified: false,
        ...(typeof tag === 'string' && { etag: tag }),
        events,
        ...(ids.length > 0 && { newestId: Math.max(...ids), oldestId: Math.min(...ids) }),
        full: r.data.length >= EVENTS_PER_PAGE,
      };
    } catch (error) {
      if (statusOf(error) === 304) return { notModified: true };
      throw error;
    }
  }

  async reach(repo: string): Promise<true | TrackerError> {
    try {
      const r = await this.call<{ has_issues?: boolean }>('repo', 'GET /repos/{owner}/{repo}', parts(repo));
      return r.data.has_issues === false
        ? new TrackerError('invalid', 'the repository has issues turned off (Settings > Features > Issues)')
        : true;
    } catch (error) {
      return error instanceof TrackerError ? error : this.failure(error);
    }
  }
}

function parts(repo: string): { owner: string; repo: string } {
  const [owner = '', name = ''] = repo.split('/');
  return { owner, repo: name };
}

function statusOf(error: unknown): number | undefined {
  const s = (error as { status?: unknown } | null)?.status;
  return typeof s === 'number' ? s : undefined;
}

function headersOf(error: unknown): Record<string, string | number | undefined> {
  return (
    (error as { response?: { headers?: Record<string, string | number | undefined> } } | null)?.response?.headers ?? {}
  );
}

/** A request given up on (our timeout): Octokit reports it as a 500 whose cause is the abort. */
function isAbort(error: unknown): boolean {
  for (let e: unknown = error, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'AbortError' || name === 'TimeoutError') return true;
  }
  return false;
}

/** Octokit reports a failed connection as a 500 without a response. */
function networkFailure(error: unknown): boolean {
  return (error as { response?: unknown } | null)?.response === undefined;
}

/** What GitHub's 422 says was wrong (its `errors`), in a few words. */
function validationOf(error: unknown): string {
  const data = (error as { response?: { data?: { message?: string; errors?: unknown[] } } } | null)?.response?.data;
  const details = (data?.errors ?? [])
    .map((e) =>
      typeof e === 'string'
        ? e
        : [(e as { field?: string }).field, (e as { code?: string }).code, (e as { value?: unknown }).value]
            .filter((x) => x !== undefined)
            .join(' '),
    )
    .join('; ');
  return [data?.message ?? 'refused', details]
    .filter((x) => x !== '')
    .join(': ')
    .slice(0, 300);
}
