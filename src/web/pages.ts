import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { scopeTo } from '../commands/resolve';
import { parseCommand } from '../commands/registry';
import { runCommand } from '../commands/run';
import type { RequestContext } from '../commands/types';
import { eventNow } from '../core/countdown';
import { applyFollowUps } from '../core/follow-up';
import type { Catalog } from '../incident/catalog';
import type { Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import { StoreUnavailableError } from '../lib/errors';
import { MAX_TOKEN_CHARS, revokedBy, verifyLink, type LinkRefusal } from '../lib/links';
import { clientAddress, MinuteLimiter, normalAddress } from '../lib/limiter';
import { Memo } from '../lib/memo';
import { parseInstant } from '../settings';
import type { FollowUpStore } from '../store/repository';
import { calendarIcs } from '../views/calendar';
import { formatInZone } from '../views/format';
import { PAGE_ASSETS, pageHtml, refusedHtml, withoutCommands } from '../views/page';
import { summaryText } from '../views/replies';
import { timelineSvg } from '../views/timeline-svg';
import { PAGE_CSS, PAGE_ICON, PAGE_JS } from './assets';

/**
 * The web front end: each incident's read-only page (`/incidents/<id>`) and calendar (`/incidents/<id>/calendar.ics`),
 * opened only with a link's token (lib/links.ts). Like the console, it is another front end on the one command path:
 * the page's sections are the replies of read commands run for the incident at the page's moment, so "as of" a
 * date shows exactly what `/summit ... --at` shows. Only GET and HEAD; nothing is ever written.
 */

export interface WebDeps {
  catalog: Catalog;
  store: FollowUpStore;
  clock: Clock;
  log: Logger;
  /** WEB_LINK_SECRET. */
  secret: string;
  /** PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  /** Proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); others' is ignored. */
  trustedProxies?: readonly string[];
  /** Real time, for the per-token budget (whatever the bot's clock says). */
  realNow?: () => number;
}

/** Page fetches one token may make a minute; past it, 429. */
export const FETCHES_PER_MINUTE = 60;
/** Pages and calendars kept made, by incident, state version, moment and token. */
export const PAGE_CACHE_ENTRIES = 100;
/** When to try a page again while the store is unavailable (Retry-After). */
const STORE_RETRY_SECONDS = 30;
/** Refused page requests one client address may make a minute; past it, 429 before any work. */
export const REFUSALS_PER_MINUTE = 30;
/** Client addresses whose refusals are counted at once (the oldest forgotten first). */
const REFUSAL_ADDRESSES = 4096;
/** Tokens whose budget is remembered at once. */
const BUDGET_ENTRIES = 10_000;

const PAGE_PATH = /^\/incidents\/([a-z0-9][a-z0-9-]{0,38}[a-z0-9])(\/calendar\.ics)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The read commands whose replies make the page, in its order. */
const SECTIONS: { id: string; text: string }[] = [
  { id: 'event', text: 'when' },
  { id: 'facts', text: 'facts' },
  { id: 'open-questions', text: 'questions open' },
  { id: 'updates', text: 'updates' },
  { id: 'answers', text: 'questions answered' },
  { id: 'timeline-list', text: 'timeline' },
];

const REFUSALS: Record<LinkRefusal | 'unknown', string> = {
  missing: 'This page opens only with a link given in Slack (/summit link).',
  malformed: 'This link is not valid. Ask for a new one in Slack with /summit link.',
  signature: 'This link is not valid. Ask for a new one in Slack with /summit link.',
  expired: 'This link has expired. Ask for a new one in Slack with /summit link.',
  revoked: 'This link was revoked. Ask for a new one in Slack with /summit link.',
  'other-incident': 'This link is for another page.',
  unknown: 'This link does not open a page.',
};

/** The page's own assets, by path. */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  [PAGE_ASSETS.css]: { type: 'text/css; charset=utf-8', body: Buffer.from(PAGE_CSS) },
  [PAGE_ASSETS.js]: { type: 'text/javascript; charset=utf-8', body: Buffer.from(PAGE_JS) },
  [PAGE_ASSETS.icon]: { type: 'image/svg+xml', body: Buffer.from(PAGE_ICON) },
};

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  // The address holds the token: never kept by a shared cache.
  'cache-control': 'private, no-store',
};

export class WebPages {
  private readonly made = new Memo<string, { type: string; body: Buffer }>(PAGE_CACHE_ENTRIES);
  private readonly budgets: Memo<string, { minute: number; count: number }>;

  private readonly refusals: MinuteLimiter;
  private readonly trusted: ReadonlySet<string>;

  constructor(private readonly deps: WebDeps) {
    this.budgets = new Memo(BUDGET_ENTRIES, 120_000, deps.realNow);
    this.refusals = new MinuteLimiter(REFUSALS_PER_MINUTE, REFUSAL_ADDRESSES, deps.realNow);
    this.trusted = new Set((deps.trustedProxies ?? []).map(normalAddress));
  }

  /** Whether a request is the pages' (anything under /incidents/). */
  handles(url: string | undefined): boolean {
    return (
      url !== undefined && (url === '/incidents' || url.startsWith('/incidents/') || url.startsWith('/incidents?'))
    );
  }

  /** Answers a request under /incidents/; never throws (a failure is logged and answered 500). */
  serve(req: IncomingMessage, res: ServerResponse): void {
    void this.answer(req, res).catch((error: unknown) => {
      const path = (req.url ?? '').split('?')[0];
      if (error instanceof StoreUnavailableError) {
        // An outage the bot lives through, not a fault of the page: said so, with when to try again.
        this.deps.log.warn({ path }, 'page not shown: the store is unavailable');
        if (res.headersSent) return void res.end();
        return this.send(
          req,
          res,
          503,
          { ...HTML_HEADERS, 'retry-after': String(STORE_RETRY_SECONDS) },
          Buffer.from(
            refusedHtml(
              503,
              'This page cannot be shown right now: its records are unavailable. Try again in a minute.',
            ),
          ),
        );
      }
      this.deps.log.error({ err: error, path }, 'page failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Something went wrong showing this page.');
    });
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    headers: Record<string, string | number>,
    body: Buffer,
  ): void {
    res.writeHead(status, { ...headers, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private refuse(
    req: IncomingMessage,
    res: ServerResponse,
    status: 400 | 403 | 404 | 405 | 429,
    sentence: string,
    extra: Record<string, string> = {},
  ): void {
    this.send(req, res, status, { ...HTML_HEADERS, ...extra }, Buffer.from(refusedHtml(status, sentence)));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://page.invalid');
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return this.refuse(req, res, 405, 'Pages are only read (GET and HEAD).', { allow: 'GET, HEAD' });
    const asset = ASSETS[url.pathname];
    if (asset)
      return this.send(
        req,
        res,
        200,
        { 'content-type': asset.type, 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
        asset.body,
      );
    const m = PAGE_PATH.exec(url.pathname);
    if (!m) return this.refuse(req, res, 404, 'There is no page here.');
    const [, id, calendar] = m as unknown as [string, string, string | undefined];
    const token = url.searchParams.get('token') ?? undefined;
    // Refusals are limited per client address, in a memory of their own: a flood of made-up links costs a
    // signature check and a map lookup each and keeps nothing per token; a real link, from anywhere, still opens.
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.trusted);
    const refused = (sentence: string) => {
      const wait = this.refusals.over(address);
      if (wait !== undefined)
        return this.refuse(req, res, 429, 'Too many refused requests; try again in a minute.', {
          'retry-after': String(wait),
        });
      this.refusals.count(address);
      return this.refuse(req, res, 403, sentence);
    };
    if (token !== undefined && token.length > MAX_TOKEN_CHARS) return refused(REFUSALS.malformed);
    const incident = this.deps.catalog.get(id);
    if (!incident) return refused(REFUSALS.unknown);
    const now = this.deps.clock.now();
    // The signature first (no store read), then whether the incident's links were revoked since.
    const verdict = verifyLink(this.deps.secret, token, id, now.getTime());
    if (!verdict.ok) return refused(REFUSALS[verdict.why]);
    const store = this.deps.store.scoped(id);
    if (revokedBy(verdict.claims, await store.linksRevokedAt())) return refused(REFUSALS.revoked);
    // Only a verified link has a budget, kept by its one spelling.
    const realNow = (this.deps.realNow ?? Date.now)();
    const minute = Math.floor(realNow / 60_000);
    const budget = this.budgets.get(token as string);
    const count = budget?.minute === minute ? budget.count + 1 : 1;
    this.budgets.set(token as string, { minute, count });
    if (count > FETCHES_PER_MINUTE)
      return this.refuse(req, res, 429, 'Too many requests for this link; try again in a minute.', {
        'retry-after': String(60 - Math.floor((realNow % 60_000) / 1000)),
      });
    const asOf = url.searchParams.get('as_of') ?? '';
    if (asOf !== '' && (!DATE.test(asOf) || parseInstant(asOf, incident.zone) === undefined))
      return this.refuse(req, res, 400, 'as_of must be a date such as 2024-09-03.');
    const version = await this.deps.store.stateVersion();
    const key = `${calendar ? 'ics' : 'page'}|${id}|${this.deps.catalog.generation}|${version}|${asOf || `now:${Math.floor(now.getTime() / 60_000)}`}|${token}`;
    let made = this.made.get(key);
    if (!made) {
      made = calendar
        ? {
            type: 'text/calendar; charset=utf-8',
            body: Buffer.from(await this.calendar(incident, token as string, now)),
          }
        : {
            type: 'text/html; charset=utf-8',
            body: Buffer.from(await this.page(incident, token as string, now, asOf)),
          };
      this.made.set(key, made);
    }
    this.deps.log.info({ path: url.pathname, asOf: asOf || undefined }, 'page');
    if (calendar)
      return this.send(
        req,
        res,
        200,
        {
          'content-type': made.type,
          'content-disposition': `inline; filename="${id}.ics"`,
          'cache-control': 'private, no-store',
          'x-content-type-options': 'nosniff',
        },
        made.body,
      );
    return this.send(req, res, 200, HTML_HEADERS, made.body);
  }

  /** The incident's page at `now`, or at the start of `asOf` in the event's zone (as `--at` reads a date). */
  private async page(incident: Incident, token: string, realNow: Date, asOf: string): Promise<string> {
    const zone = incident.zone;
    const now = asOf === '' ? realNow : (parseInstant(asOf, zone) as Date);
    const req: RequestContext = {
      catalog: this.deps.catalog,
      now,
      actor: { id: 'web', name: 'page reader' },
      isAdminOf: async () => false,
      store: this.deps.store,
    };
    const ctx = scopeTo(req, incident);
    const sections = [];
    for (const s of SECTIONS)
      sections.push({ id: s.id, reply: withoutCommands((await runCommand(parseCommand(s.text), ctx)).reply) });
    const applied = applyFollowUps(incident, await ctx.store.state());
    const asOfText = `As of ${formatInZone(now, zone, asOf === '')}${asOf === '' ? '' : ' (the start of that day)'}`;
    return pageHtml({
      title: incident.title,
      state: incident.state,
      summary: summaryText(applied, eventNow(applied, now)),
      asOf: asOf === '' ? undefined : asOf,
      today: new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(realNow),
      token,
      asOfText,
      ...(asOf === '' && { asOfMoment: now.toISOString() }),
      zone,
      svg: timelineSvg(applied, now, asOf === '' ? 'Today' : `As of ${asOf}`),
      sections,
    });
  }

  private async calendar(incident: Incident, token: string, now: Date): Promise<string> {
    const applied = applyFollowUps(incident, await this.deps.store.scoped(incident.id).state());
    const pageUrl = `${this.deps.publicUrl}/incidents/${incident.id}?token=${encodeURIComponent(token)}`;
    return calendarIcs({ incident: applied, now, pageUrl });
  }
}
