import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stateful fake of GitHub's REST API on 127.0.0.1, answering as GitHub does for what summit-bot uses: issues
 * (create, list with since/creator/sort, update state, state_reason and assignees), comments (create, list with
 * since), the repository's issue events (newest first, paged, with an ETag: a matching If-None-Match gets 304 and
 * costs no rate limit, as GitHub documents for conditional requests), GET /user and GET /repos/{o}/{r}.
 * It refuses what GitHub refuses: a wrong token (401 "Bad credentials"), an unknown repository or issue (404), a
 * deleted issue (410), a label that does not exist (422 with `errors`), past the rate limit (403 with
 * x-ratelimit-remaining 0 and x-ratelimit-reset), and faults injected per request (a status with headers, a hang,
 * a connection dropped before or after the change is made).
 *
 * Sources: docs.github.com/en/rest/issues/issues ("Update an issue": state_reason completed, not_planned, reopened,
 * changed only with state), /rest/issues/events, /rest/using-the-rest-api/rate-limits-for-the-rest-api (403 or 429,
 * x-ratelimit-remaining, x-ratelimit-reset in epoch seconds, retry-after), /rest/using-the-rest-api/best-practices
 * (conditional requests: a 304 does not count against the primary rate limit).
 */

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  state_reason: string | null;
  assignees: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  deleted?: boolean;
  user: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}

interface FakeEvent {
  id: number;
  event: 'closed' | 'reopened' | 'assigned' | 'labeled';
  issue: number;
  actor: string;
  assignee?: string;
  state_reason?: string | null;
  created_at: string;
}

interface FakeRepo {
  issues: FakeIssue[];
  comments: FakeComment[];
  events: FakeEvent[];
  labels: Set<string>;
  hasIssues: boolean;
}

export type Fault =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | 'hang'
  /** The connection is dropped before the request does anything. */
  | 'drop'
  /** The request does what it asks, then the connection is dropped before the answer (GitHub's answer is lost). */
  | 'drop-after';

export interface Recorded {
  method: string;
  path: string;
  status: number;
  conditional: boolean;
}

export const BOT_LOGIN = 'summit-bot-user';

export class FakeGitHub {
  token = 'github_pat_fake_0123456789abcdefghij';
  readonly repos = new Map<string, FakeRepo>();
  readonly requests: Recorded[] = [];
  /** Primary rate limit: remaining in the window. */
  rateLimit = 5000;
  remaining = 5000;
  resetAt = Math.floor(Date.now() / 1000) + 3600;
  private faults: { match: (method: string, path: string) => boolean; fault: Fault }[] = [];
  private server?: Server;
  private hung: ServerResponse[] = [];
  private nextId = 1000;
  /** GitHub's clock is the real time (what `since` filters compare with). */
  private clockMs = Date.now();
  /**
   * GitHub's secondary limit on content-creating requests, scaled: a write sooner than this after the last one is
   * refused with 403 and retry-after, as GitHub refuses writes made faster than it allows (0: no such limit).
   */
  minWriteGapMs = 0;
  /** Writes refused by that limit. */
  writesRefused = 0;
  private lastWriteAt = -Infinity;
  /** Called when an issue is created, before its answer is sent. */
  onCreate?: (issue: FakeIssue) => void;

  repo(name: string, labels: string[] = []): FakeRepo {
    const repo: FakeRepo = { issues: [], comments: [], events: [], labels: new Set(labels), hasIssues: true };
    this.repos.set(name.toLowerCase(), repo);
    return repo;
  }

  /** The next matching request gets `fault` (once). */
  fail(method: string, pathPattern: RegExp, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push({ match: (m, p) => m === method && pathPattern.test(p), fault });
  }

  /** GitHub's clock: the real time, each change at least a millisecond after the last. */
  private tick(): string {
    this.clockMs = Math.max(this.clockMs + 1, Date.now());
    return new Date(this.clockMs).toISOString();
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  /** Requests that change something at GitHub (content-creating or updating). */
  writes(): Recorded[] {
    return this.requests.filter((r) => r.method !== 'GET' && r.status < 300);
  }

  // -- what people do on GitHub ------------------------------------------------------------------------------------

  /** Someone closes an issue on GitHub (optionally commenting first). Returns the webhook payload GitHub would send. */
  closeBy(repoName: string, number: number, login: string, reason: 'completed' | 'not_planned', comment?: string) {
    const { repo, issue } = this.issueIn(repoName, number);
    if (comment)
      repo.comments.push({ id: this.nextId++, issue: number, body: comment, user: login, created_at: this.tick() });
    issue.state = 'closed';
    issue.state_reason = reason;
    issue.closed_at = this.tick();
    issue.updated_at = issue.closed_at;
    repo.events.push({
      id: this.nextId++,
      event: 'closed',
      issue: number,
      actor: login,
      state_reason: reason,
      created_at: issue.closed_at,
    });
    return this.payload('closed', repoName, issue, login);
  }

  reopenBy(repoName: string, number: number, login: string) {
    const { repo, issue } = this.issueIn(repoName, number);
    issue.state = 'open';
    issue.state_reason = 'reopened';
    issue.closed_at = null;
    issue.updated_at = this.tick();
    repo.events.push({
      id: this.nextId++,
      event: 'reopened',
      issue: number,
      actor: login,
      created_at: issue.updated_at,
    });
    return this.payload('reopened', repoName, issue, login);
  }

  assignBy(repoName: string, number: number, login: string, assignee: string) {
    const { repo, issue } = this.issueIn(repoName, number);
    issue.assignees = [...new Set([...issue.assignees, assignee])];
    issue.updated_at = this.tick();
    repo.events.push({
      id: this.nextId++,
      event: 'assigned',
      issue: number,
      actor: login,
      assignee,
      created_at: issue.updated_at,
    });
    return { ...this.payload('assigned', repoName, issue, login), assignee: { login: assignee } };
  }

  /** `n` events the bot does not act on (labels added), as a busy repository has. */
  labelBy(repoName: string, number: number, login: string, n: number): void {
    const repo = this.mustRepo(repoName);
    for (let i = 0; i < n; i++)
      repo.events.push({ id: this.nextId++, event: 'labeled', issue: number, actor: login, created_at: this.tick() });
  }

  payload(action: string, repoName: string, issue: FakeIssue, login: string) {
    return {
      action,
      issue: {
        number: issue.number,
        title: issue.title,
        state: issue.state,
        state_reason: issue.state_reason,
        html_url: this.htmlUrl(repoName, issue.number),
        closed_at: issue.closed_at,
        updated_at: issue.updated_at,
      },
      repository: { full_name: repoName },
      sender: { login },
    };
  }

  htmlUrl(repoName: string, n: number): string {
    return `https://github.com/${repoName}/issues/${n}`;
  }

  private issueIn(repoName: string, number: number): { repo: FakeRepo; issue: FakeIssue } {
    const repo = this.mustRepo(repoName);
    const issue = repo.issues.find((i) => i.number === number);
    if (!issue) throw new Error(`no fake issue ${repoName}#${number}`);
    return { repo, issue };
  }

  private mustRepo(name: string): FakeRepo {
    const r = this.repos.get(name.toLowerCase());
    if (!r) throw new Error(`no fake repo ${name}`);
    return r;
  }

  // -- the API ---------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body =
      chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const conditional = req.headers['if-none-match'] !== undefined;
    const record = (status: number) => this.requests.push({ method, path, status, conditional });

    const faultAt = this.faults.findIndex((f) => f.match(method, path));
    const fault = faultAt >= 0 ? this.faults.splice(faultAt, 1)[0]!.fault : undefined;
    if (fault === 'hang') {
      record(0);
      this.hung.push(res);
      return;
    }
    if (fault === 'drop') {
      record(0);
      req.socket.destroy();
      return;
    }
    if (fault && typeof fault === 'object') {
      record(fault.status);
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      res.end(JSON.stringify(fault.body ?? { message: 'fault' }));
      return;
    }

    const auth = String(req.headers.authorization ?? '');
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      record(status);
      if (fault === 'drop-after') {
        req.socket.destroy();
        return;
      }
      const counted = !(status === 304);
      if (counted && status !== 401) this.remaining = Math.max(0, this.remaining - 1);
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': String(this.rateLimit),
        'x-ratelimit-remaining': String(this.remaining),
        'x-ratelimit-reset': String(this.resetAt),
        ...headers,
      });
      res.end(status === 304 ? undefined : JSON.stringify(data));
    };
    if (auth !== `token ${this.token}` && auth !== `Bearer ${this.token}`)
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    if (method !== 'GET' && this.minWriteGapMs > 0) {
      const now = performance.now();
      if (now - this.lastWriteAt < this.minWriteGapMs) {
        this.writesRefused += 1;
        return send(
          403,
          {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
          },
          { 'retry-after': '1' },
        );
      }
      this.lastWriteAt = now;
    }
    if (this.remaining <= 0)
      return send(403, {
        message: 'API rate limit exceeded for user.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
      });

    if (method === 'GET' && path === '/user') return send(200, { login: BOT_LOGIN, id: 1 });
    const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
    if (!m) return send(404, { message: 'Not Found' });
    const repoName = `${m[1]}/${m[2]}`;
    const repo = this.repos.get(repoName.toLowerCase());
    if (!repo) return send(404, { message: 'Not Found' });
    const rest = m[3] ?? '';
    const issueJson = (i: FakeIssue) => ({
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason,
      labels: i.labels.map((name) => ({ name })),
      assignees: i.assignees.map((login) => ({ login })),
      html_url: this.htmlUrl(repoName, i.number),
      user: { login: i.user },
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
    });

    if (method === 'GET' && rest === '') return send(200, { full_name: repoName, has_issues: repo.hasIssues });
    if (rest === '/issues' && method === 'POST') {
      const labels = (body.labels as string[] | undefined) ?? [];
      const unknown = labels.filter((l) => !repo.labels.has(l));
      if (unknown.length > 0)
        return send(422, {
          message: 'Validation Failed',
          errors: unknown.map((value) => ({ resource: 'Label', code: 'invalid', field: 'labels', value })),
        });
      const at = this.tick();
      const issue: FakeIssue = {
        number: repo.issues.length + 1,
        title: String(body.title),
        body: String(body.body ?? ''),
        labels,
        state: 'open',
        state_reason: null,
        assignees: [],
        created_at: at,
        updated_at: at,
        closed_at: null,
        user: BOT_LOGIN,
      };
      repo.issues.push(issue);
      this.onCreate?.(issue);
      return send(201, issueJson(issue));
    }
    if (rest === '/issues' && method === 'GET') {
      const since = url.searchParams.get('since');
      const creator = url.searchParams.get('creator');
      let list = repo.issues.filter((i) => !i.deleted);
      if (since) list = list.filter((i) => i.updated_at >= since);
      if (creator) list = list.filter((i) => i.user === creator);
      if (url.searchParams.get('direction') === 'desc') list = [...list].reverse();
      return send(200, page(list, url).map(issueJson));
    }
    if (rest === '/issues/events' && method === 'GET') {
      const all = [...repo.events].reverse();
      const etag = `W/"${createHash('sha1')
        .update(`${all.length}:${all[0]?.id ?? 0}:${url.search}`)
        .digest('hex')}"`;
      if (req.headers['if-none-match'] === etag) return send(304, undefined, { etag });
      return send(
        200,
        page(all, url).map((e) => ({
          id: e.id,
          event: e.event,
          actor: { login: e.actor },
          ...(e.assignee && { assignee: { login: e.assignee } }),
          state_reason: e.state_reason ?? null,
          created_at: e.created_at,
          issue: { number: e.issue, state_reason: repo.issues.find((i) => i.number === e.issue)?.state_reason ?? null },
        })),
        { etag },
      );
    }
    const im = /^\/issues\/(\d+)(\/comments)?$/.exec(rest);
    if (!im) return send(404, { message: 'Not Found' });
    const issue = repo.issues.find((i) => i.number === Number(im[1]));
    if (!issue) return send(404, { message: 'Not Found' });
    if (issue.deleted) return send(410, { message: 'This issue was deleted' });
    if (im[2] && method === 'POST') {
      const at = this.tick();
      const c: FakeComment = {
        id: this.nextId++,
        issue: issue.number,
        body: String(body.body),
        user: BOT_LOGIN,
        created_at: at,
      };
      repo.comments.push(c);
      issue.updated_at = at;
      return send(201, {
        id: c.id,
        body: c.body,
        user: { login: c.user },
        html_url: `${this.htmlUrl(repoName, issue.number)}#issuecomment-${c.id}`,
        created_at: at,
      });
    }
    if (im[2] && method === 'GET') {
      const since = url.searchParams.get('since');
      const list = repo.comments.filter((c) => c.issue === issue.number && (!since || c.created_at >= since));
      return send(
        200,
        page(list, url).map((c) => ({
          id: c.id,
          body: c.body,
          user: { login: c.user },
          html_url: `${this.htmlUrl(repoName, issue.number)}#issuecomment-${c.id}`,
          created_at: c.created_at,
        })),
      );
    }
    if (!im[2] && method === 'PATCH') {
      const at = this.tick();
      if (body.state === 'closed' || body.state === 'open') {
        if (body.state !== issue.state) {
          issue.state = body.state;
          issue.closed_at = body.state === 'closed' ? at : null;
          repo.events.push({
            id: this.nextId++,
            event: body.state === 'closed' ? 'closed' : 'reopened',
            issue: issue.number,
            actor: BOT_LOGIN,
            state_reason: (body.state_reason as string) ?? null,
            created_at: at,
          });
        }
        issue.state_reason =
          (body.state_reason as string | undefined) ?? (body.state === 'closed' ? 'completed' : 'reopened');
      }
      if (Array.isArray(body.assignees)) {
        for (const a of body.assignees as string[])
          if (!issue.assignees.includes(a))
            repo.events.push({
              id: this.nextId++,
              event: 'assigned',
              issue: issue.number,
              actor: BOT_LOGIN,
              assignee: a,
              created_at: at,
            });
        issue.assignees = body.assignees as string[];
      }
      issue.updated_at = at;
      return send(200, issueJson(issue));
    }
    return send(404, { message: 'Not Found' });
  }
}

function page<T>(list: T[], url: URL): T[] {
  const per = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
  const n = Number(url.searchParams.get('page') ?? 1);
  return list.slice((n - 1) * per, n * per);
}
