import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, HTTPReceiverDeferredRequestError, type HTTPReceiverOptions, type Logger } from '@slack/bolt';
import { truncate } from '../views/format';
import { readSlackPayload } from './payload';

/** Slack signs requests with its clock; five minutes either way is the window it documents. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * The largest body accepted. Slack's largest payload is a view submission of a 100-block modal: 100 sections of
 * 3,000 characters, even all non-ASCII (3 bytes each in UTF-8, 9 once form-encoded), is 2.7 MB.
 */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** An unsigned body may be an `ssl_check` (Slack's certificate check): tiny, and answered without any parsing. */
const SSL_CHECK_MAX_BYTES = 1024;

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** A request that passed the screen: its verified bytes, and the response it will be answered on. */
export interface ScreenedRequest extends IncomingMessage {
  rawBody?: Buffer;
  /** A slash command's fields, when the body is one. */
  slashCommand?: URLSearchParams;
  summitResponse?: ServerResponse;
}

/**
 * What a listener may do with the HTTP response before it acks: mark it as JSON, so that an ack given as an
 * already-serialised JSON string (a reused reply) is sent as it is. Bolt writes a string ack after writeHead(200),
 * which keeps headers set before it; without this it would serialise the same reply again on every request.
 */
export type AckAsJson = () => void;

/** The incidents' pages as a front end on this server: which requests are theirs, and how they are answered. */
export interface PageFront {
  handles(url: string | undefined): boolean;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

/** The serialised ack for a slash command whose reply is already made, or undefined to let Bolt handle it. */
export type ReusedAnswer = (command: URLSearchParams) => Buffer | undefined;

/**
 * Answers a slash command on the response itself (true), or leaves it to Bolt (false). `requestKey` is the
 * request's signature, as Bolt's context would carry it.
 */
export type DirectCommand = (command: URLSearchParams, res: ServerResponse, requestKey: string) => boolean;

export interface SummitReceiverOptions extends HTTPReceiverOptions {
  logger: Logger;
  signingSecret: string;
  realNow?: () => number;
}

/**
 * Bolt's HTTP receiver behind a screen that every POST passes first. Bolt itself decodes a form body before it
 * checks the signature (for `ssl_check`), so one large unsigned body could exhaust the heap; here nothing is
 * parsed until the signature is verified over the raw bytes:
 * - a media type other than form or JSON gets 415, a body over MAX_BODY_BYTES 413 (by its Content-Length at once,
 *   or as soon as the stream passes the limit);
 * - missing or malformed signature headers, or a timestamp more than five minutes off either way (Bolt checks only
 *   the past), get 401 without reading the body;
 * - the HMAC is computed as the body streams in, so checking it is linear and never holds the event loop;
 * - a verified body that lacks the fields Slack always sends gets 400 before any listener runs.
 * The verified bytes are handed to Bolt as its already-buffered body, so they are read once.
 */
export class SummitHTTPReceiver extends HTTPReceiver {
  constructor(options: SummitReceiverOptions) {
    super({
      ...options,
      bodyLimit: MAX_BODY_BYTES,
      // The screen below has verified every request that reaches Bolt, over the same raw bytes; Bolt's own check
      // would compute the HMAC twice more (tsscmp) for nothing.
      signatureVerification: false,
      // A request for no route is logged by its path alone: a query may hold a page link's token (Bolt's own
      // handler logs the whole URL).
      dispatchErrorHandler: async ({ error, logger, request, response }) => {
        if (error instanceof HTTPReceiverDeferredRequestError) {
          logger.info(`Unhandled HTTP request (${String(request.method)}) made to ${pathOf(request.url)}`);
          response.writeHead(404).end();
          return;
        }
        logger.error(`A request could not be dispatched: ${pathOf(request.url)} (${(error as Error).message})`);
        response.writeHead(500).end();
      },
      customPropertiesExtractor: (req) => ({
        // The signature identifies one request: the command path uses it to apply a change only once.
        requestKey: String(req.headers['x-slack-signature'] ?? ''),
        ackAsJson: (() =>
          (req as ScreenedRequest).summitResponse?.setHeader('content-type', 'application/json')) satisfies AckAsJson,
      }),
    });
    const screen = new RequestScreen(options.signingSecret, options.logger, options.realNow ?? Date.now);
    const inner = this.requestListener;
    this.requestListener = (req: IncomingMessage, res: ServerResponse) => {
      // The incidents' pages (web/), when they are on: read-only, with their own rules (tokens, GET and HEAD only).
      if (this.pages?.handles(req.url)) return this.pages.serve(req, res);
      if (req.method !== 'POST') return inner(req, res);
      void screen.check(req, res).then((passed) => {
        if (!passed) return;
        const screened = req as ScreenedRequest;
        const command = screened.slashCommand;
        const reused = command && this.reusedAnswer?.(command);
        if (reused) {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': reused.length }).end(reused);
          return;
        }
        if (command && this.directCommand?.(command, res, String(req.headers['x-slack-signature'] ?? ''))) return;
        screened.summitResponse = res;
        inner(req, res);
      });
    };
  }

  private reusedAnswer?: ReusedAnswer;
  private directCommand?: DirectCommand;
  private pages?: PageFront;

  /** Serves the incidents' pages (/incidents/...) on this server, beside Slack's requests. */
  servePagesWith(pages: PageFront): void {
    this.pages = pages;
  }

  /**
   * Slash commands whose reply is already made (a reply the registry lets be reused, for the same state version,
   * minute and admin standing) are answered here, before Bolt's dispatch, with the serialised reply: they cost
   * neither Bolt's middleware nor any JSON work. Anything else goes on to Bolt as before.
   */
  answerReusedWith(answer: ReusedAnswer): void {
    this.reusedAnswer = answer;
  }

  /**
   * Slash commands whose reply is not already made are answered by the same answering code as Bolt's listener
   * (listeners/commands.ts, answerCommand), called here rather than through Bolt's dispatch: every request this
   * receiver passes has been screened (signature, size, timestamp, fields) exactly as before; only Bolt's own
   * per-request work (its middleware chain, built for every kind of event) is left out.
   */
  answerCommandsWith(answer: DirectCommand): void {
    this.directCommand = answer;
  }
}

/** The checks themselves, separate from Bolt so each rule reads on its own. */
export class RequestScreen {
  constructor(
    private readonly secret: string,
    private readonly log: Logger,
    private readonly realNow: () => number,
  ) {}

  /** True when the request may go on to Bolt; otherwise it has been answered. Never throws. */
  async check(req: ScreenedRequest, res: ServerResponse): Promise<boolean> {
    try {
      return await this.checkOrAnswer(req, res);
    } catch (error) {
      this.log.warn(`Rejected a request that could not be read: ${(error as Error).message}`);
      refuse(req, res, 400);
      return false;
    }
  }

  private async checkOrAnswer(req: ScreenedRequest, res: ServerResponse): Promise<boolean> {
    const mediaType =
      String(req.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim()
        .toLowerCase() ?? '';
    if (mediaType !== FORM && mediaType !== JSON_TYPE) return refuse(req, res, 415);
    // Bolt compares the content type exactly; parameters such as a charset would send a form to its JSON parser.
    req.headers['content-type'] = mediaType;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_BODY_BYTES) return refuse(req, res, 413);

    const signature = req.headers['x-slack-signature'];
    const timestamp = req.headers['x-slack-request-timestamp'];
    if (
      typeof signature !== 'string' ||
      typeof timestamp !== 'string' ||
      !SIGNATURE.test(signature) ||
      !TIMESTAMP.test(timestamp)
    ) {
      if (mediaType === FORM && declared <= SSL_CHECK_MAX_BYTES) return this.sslCheck(req, res);
      this.log.warn('Rejected a request without a well-formed Slack signature');
      return refuse(req, res, 401);
    }
    if (Math.abs(Number(timestamp) - this.realNow() / 1000) > MAX_CLOCK_SKEW_SECONDS) {
      this.log.warn('Rejected a request whose x-slack-request-timestamp is more than 5 minutes off');
      return refuse(req, res, 401);
    }

    const hmac = createHmac('sha256', this.secret).update(`v0:${timestamp}:`);
    const body = await readLimited(req, MAX_BODY_BYTES, (chunk) => hmac.update(chunk));
    if (body === undefined) return refuse(req, res, 413);
    const expected = Buffer.from(`v0=${hmac.digest('hex')}`);
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      this.log.warn('Rejected a request with a bad signature');
      return refuse(req, res, 401);
    }
    const { problem, slashCommand } = readSlackPayload(mediaType === FORM ? 'form' : 'json', body);
    if (problem) {
      this.log.warn(`Rejected a signed request that Slack would not send: ${problem}`);
      return refuse(req, res, 400);
    }
    req.rawBody = body;
    req.slashCommand = slashCommand;
    return true;
  }

  /** Slack's unsigned certificate check: `ssl_check=1` gets 200; any other unsigned body 401. */
  private async sslCheck(req: ScreenedRequest, res: ServerResponse): Promise<boolean> {
    const body = await readLimited(req, SSL_CHECK_MAX_BYTES, () => undefined);
    const isCheck = body !== undefined && new URLSearchParams(body.toString('utf8')).get('ssl_check') === '1';
    if (!isCheck) this.log.warn('Rejected a request without a well-formed Slack signature');
    return refuse(req, res, isCheck ? 200 : 401);
  }
}

/**
 * Reads a body of at most `limit` bytes, handing each chunk to `onChunk` as it arrives. Resolves undefined (and
 * stops reading) as soon as the body passes the limit.
 */
function readLimited(
  req: IncomingMessage,
  limit: number,
  onChunk: (chunk: Buffer) => void,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        resolve(undefined);
        return;
      }
      onChunk(chunk);
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

/**
 * Answers with a status and no body, then lets the rest of the request go: drained up to the body limit (so the
 * client reads the answer), the connection cut beyond it.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number): false {
  if (!res.headersSent) res.writeHead(status, { 'content-length': '0', connection: 'close' }).end();
  let drained = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_BODY_BYTES) req.destroy();
  });
  req.resume();
  return false;
}

/** A request's path as it may be logged: without its query (which may hold a token), at most 200 characters. */
export function pathOf(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  return truncate(path, 200);
}
