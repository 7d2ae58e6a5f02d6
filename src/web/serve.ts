import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../lib/errors';

/** What a server of the bot answers besides Slack: the pages, GitHub's webhooks. */
export interface Front {
  handles(url: string | undefined): boolean;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

/** Several fronts as one: the first that handles a request answers it. */
export function frontsOf(...fronts: (Front | undefined)[]): Front | undefined {
  const list = fronts.filter((f): f is Front => f !== undefined);
  if (list.length <= 1) return list[0];
  return {
    handles: (url) => list.some((f) => f.handles(url)),
    serve: (req, res) => list.find((f) => f.handles(req.url))?.serve(req, res),
  };
}

/**
 * The pages on a server of their own: in Socket Mode and in the console, which have no HTTP server for Slack, on
 * PORT (HOST). Anything but /incidents/... gets 404. In HTTP mode the pages share Slack's server instead.
 */
export async function startPageServer(
  pages: Front,
  port: number,
  host?: string,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (pages.handles(req.url)) return pages.serve(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found.');
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      'settings_invalid',
      `Cannot serve the pages (PUBLIC_URL) or GitHub's webhooks (GITHUB_WEBHOOK_SECRET) on ${host ?? 'all interfaces'}, port ${port}: ${code === 'EADDRINUSE' ? 'the port is already in use by another program' : (code ?? String(e))}. Set PORT to a free port, or unset PUBLIC_URL and GITHUB_WEBHOOK_SECRET.`,
      { cause: e },
    );
  }
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
