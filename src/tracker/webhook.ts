import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../lib/metrics';
import type { TrackerStore } from '../store/trackers';
import type { IssueEvent } from './port';

/**
 * POST /github/events: GitHub's webhook deliveries, checked as Slack's requests are. Nothing is parsed before the
 * signature is verified over the raw bytes: a body over MAX_WEBHOOK_BYTES gets 413 (by its Content-Length at once,
 * or as soon as the stream passes it), a missing or malformed X-Hub-Signature-256 gets 401 before the body is read,
 * a wrong one 401 after. Each X-GitHub-Delivery is applied once across replicas (the store keeps it); `ping` is
 * answered; events that are not about a linked issue, or that the bot does not act on, are acknowledged and ignored.
 */

export const WEBHOOK_PATH = '/github/events';
/** GitHub caps payloads at 25 MB, but an issues event is a few KB: 1 MB is ample. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export interface WebhookOptions {
  secret: string;
  trackers: TrackerStore;
  apply: (event: IssueEvent) => Promise<unknown>;
  /** Whether deliveries may be applied yet (the bot has finished starting); before then they get 503. */
  ready?: () => boolean;
  log: Logger;
  metrics?: Metrics;
  now?: () => Date;
}

/** `sha256=` and the hex HMAC-SHA256 of the body with the secret, as GitHub signs a delivery. */
export function signature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export class GitHubWebhooks {
  constructor(private readonly o: WebhookOptions) {}

  handles(url: string | undefined): boolean {
    return url !== undefined && (url === WEBHOOK_PATH || url.startsWith(`${WEBHOOK_PATH}?`));
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    void this.answer(req, res).catch((error: unknown) => {
      this.o.log.error({ error: error instanceof Error ? error.message : String(error) }, 'webhook delivery failed');
      if (!res.headersSent) reply(res, 500, 'Not applied; GitHub may deliver it again.');
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const count = (result: string) => this.o.metrics?.trackerEvent('webhook', result);
    if (req.method !== 'POST') return reply(res, 405, 'POST only.', { allow: 'POST' });
    const length = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(length) && length > MAX_WEBHOOK_BYTES) {
      count('refused');
      return reply(res, 413, 'Too large.', { connection: 'close' }, req);
    }
    const given = String(req.headers['x-hub-signature-256'] ?? '');
    if (!/^sha256=[0-9a-f]{64}$/.test(given)) {
      count('refused');
      return reply(res, 401, 'A signed delivery is required (X-Hub-Signature-256).', { connection: 'close' }, req);
    }
    // The HMAC is computed as the body streams in; the bytes are kept only up to the limit.
    const hmac = createHmac('sha256', this.o.secret);
    const chunks: Buffer[] = [];
    let size = 0;
    const within = await new Promise<boolean>((resolve, reject) => {
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_WEBHOOK_BYTES) {
          req.removeAllListeners('data');
          req.pause();
          resolve(false);
          return;
        }
        hmac.update(chunk);
        chunks.push(chunk);
      });
      req.on('end', () => resolve(true));
      req.on('error', reject);
    });
    if (!within) {
      count('refused');
      return reply(res, 413, 'Too large.', { connection: 'close' }, req);
    }
    const expected = Buffer.from(`sha256=${hmac.digest('hex')}`);
    if (!timingSafeEqual(expected, Buffer.from(given))) {
      count('refused');
      this.o.log.warn({ path: WEBHOOK_PATH }, 'webhook delivery with a wrong signature refused');
      return reply(res, 401, 'The signature does not match (check the webhook’s Secret).');
    }
    const kind = String(req.headers['x-github-event'] ?? '');
    const delivery = String(req.headers['x-github-delivery'] ?? '');
    if (kind === 'ping') return reply(res, 200, 'pong');
    if (!/^[A-Za-z0-9-]{1,100}$/.test(delivery)) {
      count('refused');
      return reply(res, 400, 'X-GitHub-Delivery is missing.');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      count('refused');
      return reply(res, 400, 'The body is not JSON.');
    }
    const event = kind === 'issues' ? eventOf(payload) : undefined;
    if (!event) {
      count('ignored');
      return reply(res, 202, 'Not an event summit-bot acts on.');
    }
    if (this.o.ready && !this.o.ready()) {
      count('refused');
      return reply(res, 503, 'summit-bot is starting; deliver it again in a moment.', { 'retry-after': '5' });
    }
    if (!(await this.o.trackers.claimDelivery(delivery, this.o.now?.() ?? new Date()))) {
      count('duplicate');
      return reply(res, 200, 'Already applied.');
    }
    try {
      await this.o.apply(event);
    } catch (error) {
      // Not applied (the store or GitHub failed): the claim is given back, so GitHub's redelivery applies it.
      await this.o.trackers.releaseDelivery(delivery).catch(() => undefined);
      throw error;
    }
    await this.o.trackers.deliveryDone(delivery);
    reply(res, 200, 'Applied.');
  }
}

/** An `issues` delivery as the seam's event, or undefined when it is not one the bot acts on (or not an event). */
export function eventOf(payload: unknown): IssueEvent | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const p = payload as {
    action?: unknown;
    issue?: {
      number?: unknown;
      state_reason?: unknown;
      closed_at?: unknown;
      updated_at?: unknown;
      pull_request?: unknown;
    };
    repository?: { full_name?: unknown };
    sender?: { login?: unknown };
    assignee?: { login?: unknown } | null;
  };
  const action = p.action;
  if (action !== 'closed' && action !== 'reopened' && action !== 'assigned') return undefined;
  const number = p.issue?.number;
  const repo = p.repository?.full_name;
  const login = p.sender?.login;
  if (typeof number !== 'number' || typeof repo !== 'string' || typeof login !== 'string' || p.issue?.pull_request)
    return undefined;
  const when = action === 'closed' ? p.issue?.closed_at : p.issue?.updated_at;
  const at = typeof when === 'string' && !Number.isNaN(Date.parse(when)) ? new Date(when) : new Date();
  const reason = p.issue?.state_reason;
  const assignee = p.assignee?.login;
  if (action === 'assigned' && typeof assignee !== 'string') return undefined;
  return {
    repo,
    number,
    kind: action,
    ...(action === 'closed' && {
      reason: reason === 'not_planned' || reason === 'duplicate' ? ('not_planned' as const) : ('completed' as const),
    }),
    login,
    ...(typeof assignee === 'string' && { assignee }),
    at,
  };
}

function reply(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
  drain?: IncomingMessage,
): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(`${text}\n`);
  // A refused body is not read: the connection is closed once the answer is written.
  if (drain) res.on('finish', () => drain.destroy());
}
