import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, type HTTPReceiverOptions, type Logger } from '@slack/bolt';

/** Slack signs requests with its clock; five minutes either way is the window it documents. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Bolt's HTTP receiver, plus the check Bolt leaves out: a request stamped more than five minutes in the future
 * gets 401 like a stale one, so a signed request captured now cannot be replayed later.
 */
export class SummitHTTPReceiver extends HTTPReceiver {
  constructor(options: HTTPReceiverOptions & { logger: Logger; realNow?: () => number }) {
    super(options);
    const realNow = options.realNow ?? Date.now;
    const log = options.logger;
    const inner = this.requestListener;
    this.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      const header = req.headers['x-slack-request-timestamp'];
      const ts = typeof header === 'string' ? Number(header) : NaN;
      if (req.method === 'POST' && Number.isFinite(ts) && ts - realNow() / 1000 > MAX_CLOCK_SKEW_SECONDS) {
        log.warn('Rejected a request whose x-slack-request-timestamp is more than 5 minutes in the future');
        res.writeHead(401).end();
        req.resume();
        return;
      }
      inner(req, res);
    };
  }
}
