import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../lib/errors';
import type { WebPages } from './pages';

/**
 * The pages on a server of their own: in Socket Mode and in the console, which have no HTTP server for Slack, on
 * PORT (HOST). Anything but /incidents/... gets 404. In HTTP mode the pages share Slack's server instead.
 */
export async function startPageServer(
  pages: WebPages,
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
      `Cannot serve the pages (PUBLIC_URL is set) on ${host ?? 'all interfaces'}, port ${port}: ${code === 'EADDRINUSE' ? 'the port is already in use by another program' : (code ?? String(e))}. Set PORT to a free port, or unset PUBLIC_URL.`,
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
