import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the bot counts, for /metrics (Prometheus text format). One instance per process. */
export class Metrics {
  readonly registry = new Registry();
  private readonly commands = new Counter({
    name: 'summit_commands_total',
    help: 'Slash commands answered, by verb and outcome',
    labelNames: ['command', 'outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'summit_command_duration_seconds',
    help: 'Time from receiving a slash command to answering it',
    labelNames: ['command'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly reminders = new Counter({
    name: 'summit_reminders_total',
    help: 'Reminder deliveries, by result (sent, late, skipped, failed, retrying)',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly ticks = new Counter({
    name: 'summit_scheduler_ticks_total',
    help: 'Reminder ticks finished, by outcome (ok, store_down, failed)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  private readonly feedPolls = new Counter({
    name: 'summit_feed_polls_total',
    help: 'Polls of watched feeds, by feed id and result (ok, baseline, not_modified, timeout, invalid_feed, http_500...)',
    labelNames: ['feed', 'result'],
    registers: [this.registry],
  });
  private readonly trackerRequests = new Counter({
    name: 'summit_tracker_requests_total',
    help: 'Requests to the issue tracker (GitHub), by operation and result (ok, not_modified, unreachable, limited, auth, not-found, invalid)',
    labelNames: ['op', 'result'],
    registers: [this.registry],
  });
  private readonly trackerEvents = new Counter({
    name: 'summit_tracker_events_total',
    help: 'Changes from the issue tracker, by how they came (webhook, poll) and what was done (applied, ignored, echo, duplicate, refused)',
    labelNames: ['via', 'result'],
    registers: [this.registry],
  });
  private readonly slackErrors = new Counter({
    name: 'summit_slack_api_errors_total',
    help: 'Slack Web API errors, by error code',
    labelNames: ['code'],
    registers: [this.registry],
  });
  private readonly storeErrors = new Counter({
    name: 'summit_store_errors_total',
    help: 'Operations that failed because the store was unavailable',
    registers: [this.registry],
  });
  private readonly internalErrors = new Counter({
    name: 'summit_internal_errors_total',
    help: 'Operations that failed for another reason than an outage, by code',
    labelNames: ['code'],
    registers: [this.registry],
  });

  private readonly replies = new Counter({
    name: 'summit_replies_total',
    help: 'Replies to reusable commands, by how they were made: reused before Bolt (receiver), reused in the listener, or made',
    labelNames: ['path'],
    registers: [this.registry],
  });

  constructor(withProcessMetrics = true) {
    if (withProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'summit_' });
  }

  /**
   * The series of each label set, found once: every command counts twice, and prom-client hashes the labels on
   * each call otherwise. Verbs and outcomes are fixed names, so these stay small (a few dozen).
   */
  private readonly commandSeries = new Map<string, { count: Counter.Internal; latency: Histogram.Internal<string> }>();
  private readonly replySeries = new Map<string, Counter.Internal>();

  command(verb: string, seconds: number, outcome: 'ok' | 'error' | 'degraded'): void {
    const key = `${verb} ${outcome}`;
    let series = this.commandSeries.get(key);
    if (!series) {
      series = {
        count: this.commands.labels({ command: verb, outcome }),
        latency: this.latency.labels({ command: verb }),
      };
      this.commandSeries.set(key, series);
    }
    series.count.inc();
    series.latency.observe(seconds);
  }

  /** A reusable command's reply: `receiver` and `listener` were reused, `made` was made anew. */
  reply(path: 'receiver' | 'listener' | 'made'): void {
    let series = this.replySeries.get(path);
    if (!series) {
      series = this.replies.labels({ path });
      this.replySeries.set(path, series);
    }
    series.inc();
  }

  reminder(result: 'sent' | 'late' | 'skipped' | 'failed' | 'retrying', n = 1): void {
    if (n > 0) this.reminders.inc({ result }, n);
  }

  tick(outcome: 'ok' | 'store_down' | 'failed'): void {
    this.ticks.inc({ outcome });
  }

  /** `feed` is a data-set id and `result` a fixed label: neither is free text. */
  feedPoll(feed: string, result: string): void {
    this.feedPolls.inc({ feed, result });
  }

  trackerRequest(op: string, result: string): void {
    this.trackerRequests.inc({ op, result });
  }

  trackerEvent(via: 'webhook' | 'poll', result: string): void {
    this.trackerEvents.inc({ via, result });
  }

  slackError(code: string): void {
    this.slackErrors.inc({ code });
  }

  storeError(): void {
    this.storeErrors.inc();
  }

  /** `code` is a stable code (a driver's error code, a class name), never free text. */
  internalError(code: string): void {
    this.internalErrors.inc({ code });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
