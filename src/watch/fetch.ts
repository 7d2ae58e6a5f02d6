/**
 * Fetching a feed politely and defensively: a conditional GET (ETag / Last-Modified), a deadline for the whole
 * exchange, a cap on the body, at most a few redirects and only to http(s), and a User-Agent that says who asks.
 * Every failure is a FeedFetchError whose `result` is a stable label (for /metrics and /summit sources).
 */

export const USER_AGENT = 'summit-bot/0.1 (incident follow-up; polls this feed for new posts)';

export interface FetchOptions {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
}

export const FETCH_DEFAULTS: FetchOptions = { timeoutMs: 10_000, maxBytes: 2 * 1024 * 1024, maxRedirects: 3 };

export type Fetched = { kind: 'not-modified' } | { kind: 'ok'; body: string; etag?: string; lastModified?: string };

export class FeedFetchError extends Error {
  constructor(
    /** timeout, too_large, redirect_loop, too_many_redirects, not_http, http_<status>, network */
    readonly result: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

export async function fetchFeed(
  url: string,
  cache: { etag?: string; lastModified?: string },
  options: FetchOptions = FETCH_DEFAULTS,
): Promise<Fetched> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
  };
  if (cache.etag) headers['if-none-match'] = cache.etag;
  if (cache.lastModified) headers['if-modified-since'] = cache.lastModified;
  const visited = new Set<string>();
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      if (!/^https?:$/.test(new URL(current).protocol))
        throw new FeedFetchError('not_http', `${current} is not http(s)`);
      if (visited.has(current)) throw new FeedFetchError('redirect_loop', `redirected back to ${current}`);
      visited.add(current);
      const res = await fetch(current, { headers, redirect: 'manual', signal });
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel();
        const location = res.headers.get('location');
        if (!location) throw new FeedFetchError(`http_${res.status}`, `a ${res.status} without a Location`);
        if (hop >= options.maxRedirects)
          throw new FeedFetchError('too_many_redirects', `more than ${options.maxRedirects} redirects`);
        current = new URL(location, current).href;
        continue;
      }
      if (res.status === 304) {
        await res.body?.cancel();
        return { kind: 'not-modified' };
      }
      if (!res.ok) {
        await res.body?.cancel();
        throw new FeedFetchError(`http_${res.status}`, `the feed answered ${res.status}`);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (declared > options.maxBytes) {
        await res.body?.cancel();
        throw new FeedFetchError('too_large', `${declared} bytes; at most ${options.maxBytes}`);
      }
      const body = await readCapped(res, options.maxBytes);
      return {
        kind: 'ok',
        body,
        etag: res.headers.get('etag') ?? undefined,
        lastModified: res.headers.get('last-modified') ?? undefined,
      };
    }
  } catch (error) {
    if (error instanceof FeedFetchError) throw error;
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError' || signal.aborted)
      throw new FeedFetchError('timeout', `no whole answer within ${options.timeoutMs} ms`);
    throw new FeedFetchError('network', (error as Error).message);
  }
}

/** The body as text, stopping (and failing) as soon as it passes `max` bytes. */
async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new FeedFetchError('too_large', `more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
