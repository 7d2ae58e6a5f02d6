import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { StoreUnavailableError } from '../lib/errors';
import type { Metrics } from '../lib/metrics';
import type { ReminderDelivery } from './delivery';
import type { FeedWatcher } from '../watch/watcher';

/** The tick: every 15 seconds (node-cron's six-field form puts seconds first). */
export const TICK_EXPRESSION = '*/15 * * * * *';

/**
 * The one place that imports node-cron: it only says when to tick. What is due and how it is delivered is the
 * ReminderDelivery's business, so tests call tick() with a set clock instead of waiting.
 */
export class Scheduler {
  private task?: ScheduledTask;
  private running?: Promise<unknown>;

  constructor(
    private readonly delivery: ReminderDelivery,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
    /** Polls the watched feeds first on each tick, so what it finds is delivered in the same tick. */
    private readonly watcher?: FeedWatcher,
  ) {}

  start(): void {
    this.task = cron.schedule(TICK_EXPRESSION, () => this.runTick(), { name: 'summit-reminders', noOverlap: true });
    void this.runTick();
  }

  /** One tick now, never throwing: a failure is logged and the next tick tries again. */
  runTick(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = (this.watcher ? this.watcher.tick() : Promise.resolve([]))
      .then(() => this.delivery.tick())
      .then((report) => {
        for (const result of ['sent', 'late', 'skipped', 'failed', 'retrying'] as const)
          this.metrics?.reminder(result, report[result]);
        if (report.sent + report.skipped + report.retrying + report.failed > 0)
          this.log.info({ ...report }, 'reminder tick');
        this.metrics?.tick('ok');
      })
      .catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) {
          // Reminders that fall due meanwhile are caught up by the catchUp rule once the store is back.
          this.metrics?.storeError();
          this.metrics?.tick('store_down');
          this.log.warn({ err: error.cause }, 'reminder tick skipped: the store is unavailable');
        } else {
          this.metrics?.tick('failed');
          this.log.error({ err: error }, 'reminder tick failed');
        }
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops ticking and waits for the deliveries in flight. */
  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    await this.running;
  }
}
