import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { addressesOf, guardedLookup, InsideAddressError, isInsideAddress, systemResolve, type Resolve } from './inside';

/**
 * Fetching a feed politely and defensively: a conditional GET (ETag / Last-Modified), a deadline for the whole
 * exchange, a cap on the body, at most a few redirects and only to http(s), never led inside from outside, and a
 * User-Agent that says who asks. Every failure is a FeedFetchError whose `result` is a stable label (for /metrics
 * and /summit sources).
 */

export const USER_AGENT = 'summit-bot/0.1 (incident follow-up; polls this feed for new posts)';

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  /** How names resolve (dns.lookup by default; tests give their own). */
  resolve?: Resolve;
  /** Which addresses are inside (inside.ts by default; tests may count a loopback address as outside). */
  isInside?: (address: string) => boolean;
}

export const FETCH_DEFAULTS: FetchOptions = { timeoutMs: 10_000, maxBytes: 2 * 1024 * 1024, maxRedirects: 3 };

export type Fetched = { kind: 'not-modified' } | { kind: 'ok'; body: string; etag?: string; lastModified?: string };

export class FeedFetchError extends Error {
  constructor(
    /** timeout, too_large, redirect_loop, too_many_redirects, not_http, refused_inside, http_<status>, network */
    readonly result: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

/**
 * Fetches a feed. A feed configured at an outside address (or a name that resolves only to outside ones) may not be
 * led inside (inside.ts): every connection it makes, the first and each redirect's, is checked at connect time
 * against what the name resolves to then. A feed the operator configured at an inside address (an intranet feed) is
 * polled as configured.
 */
export async function fetchFeed(
  url: string,
  cache: { etag?: string; lastModified?: string },
  options: FetchOptions = FETCH_DEFAULTS,
): Promise<Fetched> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const resolve = options.resolve ?? systemResolve;
  const inside = options.isInside ?? isInsideAddress;
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
  };
  if (cache.etag) headers['if-none-match'] = cache.etag;
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;
  const visited = new Set<string>();
  let current = url;
  try {
    const configured = await addressesOf(new URL(url).hostname, resolve);
    const allowInside = configured.length > 0 && configured.every(inside);
    const lookup = guardedLookup(resolve, allowInside, inside);
    for (let hop = 0; ; hop++) {
      const target = new URL(current);
      if (!/^https?:$/.test(target.protocol)) throw new FeedFetchError('not_http', `${current} is not http(s)`);
      if (visited.has(current)) throw new FeedFetchError('redirect_loop', `redirected back to ${current}`);
      visited.add(current);
      // A literal address never goes through lookup: checked here.
      const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
      if (!allowInside && isIP(literal) && inside(literal)) throw new InsideAddressError(literal, literal);
      const res = await get(target, headers, signal, lookup);
      const status = res.statusCode ?? 0;
      const header = (name: string) => {
        const v = res.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      if (status >= 300 && status < 400 && status !== 304) {
        res.resume();
        const location = header('location');
        if (!location) throw new FeedFetchError(`http_${status}`, `a ${status} without a Location`);
        if (hop >= options.maxRedirects)
          throw new FeedFetchError('too_many_redirects', `more than ${options.maxRedirects} redirects`);
        current = new URL(location, current).href;
        continue;
      }
      if (status === 304) {
        res.resume();
        return { kind: 'not-modified' };
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw new FeedFetchError(`http_${status}`, `the feed answered ${status}`);
      }
      const declared = Number(header('content-length') ?? NaN);
      if (declared > options.maxBytes) {
        res.destroy();
        throw new FeedFetchError('too_large', `${declared} bytes; at most ${options.maxBytes}`);
      }
      const body = await readCapped(res, options.maxBytes);
      return { kind: 'ok', body, etag: header('etag'), lastModified: header('last-modified') };
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    if (error instanceof InsideAddressError) throw new FeedFetchError('refused_inside', error.message);
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted)
      throw new FeedFetchError('timeout', `no whole answer within ${options.timeoutMs} ms`);
    throw new FeedFetchError('network', (error as Error).message);
  }
}

/** One GET with Node's own client (its `lookup` is what lets every connection be checked). */
function get(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  lookup: ReturnType<typeof guardedLookup>,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      signal,
      lookup: lookup as never,
      agent: false,
    });
    request.once('response', resolve);
    request.once('error', reject);
    request.end();
  });
}

/** The body as text, stopping (and failing) as soon as it passes `max` bytes. */
async function readCapped(res: IncomingMessage, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > max) {
      res.destroy();
      throw new FeedFetchError('too_large', `more than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
