import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedItemSpec {
  guid?: string;
  title: string;
  link?: string;
  description?: string;
  pubDate?: string;
}

/** What a feed answers: the feed, or a fault a real feed server can have. */
export type FeedBehaviour =
  | { kind: 'feed' }
  | { kind: 'down' }
  | { kind: 'hang' }
  | { kind: 'huge'; bytes: number }
  | { kind: 'text'; body: string; contentType?: string }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; to: string };

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An RSS 2.0 document of these items. */
export function rss(items: FeedItemSpec[]): string {
  const body = items
    .map(
      (i) =>
        `<item>${i.guid ? `<guid isPermaLink="false">${escape(i.guid)}</guid>` : ''}<title>${escape(i.title)}</title>${i.link ? `<link>${escape(i.link)}</link>` : ''}${i.description ? `<description>${escape(i.description)}</description>` : ''}${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ''}</item>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test blog</title><link>https://blog.example/</link><description>Test</description>${body}</channel></rss>`;
}

/**
 * A feed server on 127.0.0.1, as a WordPress blog answers: the feed with an ETag, 304 to a matching If-None-Match,
 * or a chosen fault per path. Records each request's headers.
 */
export class FeedServer {
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  private readonly items = new Map<string, FeedItemSpec[]>();
  private readonly behaviours = new Map<string, FeedBehaviour>();
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  base = '';

  /** Listens on `host` (another loopback address, 127.0.0.2, stands for a server elsewhere in tests). */
  async start(host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, host, resolve));
    this.base = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  setItems(path: string, items: FeedItemSpec[]): void {
    this.items.set(path, items);
  }

  behave(path: string, behaviour: FeedBehaviour): void {
    this.behaviours.set(path, behaviour);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.requests.push({ path, headers: req.headers });
    const b = this.behaviours.get(path) ?? { kind: 'feed' };
    switch (b.kind) {
      case 'down':
        req.socket.destroy();
        return;
      case 'hang':
        this.hanging.add(res);
        return;
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end('x'.repeat(b.bytes));
        return;
      case 'text':
        res.writeHead(200, { 'content-type': b.contentType ?? 'text/html' });
        res.end(b.body);
        return;
      case 'status':
        res.writeHead(b.status).end();
        return;
      case 'redirect':
        res.writeHead(301, { location: b.to }).end();
        return;
      case 'feed': {
        const body = rss(this.items.get(path) ?? []);
        const etag = `"${Buffer.from(body).length}-${body.length % 9973}"`;
        if (req.headers['if-none-match'] === etag) {
          res.writeHead(304, { etag }).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8', etag });
        res.end(body);
      }
    }
  }
}
