import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { StoreUnavailableError } from '../lib/errors';
import type { Metrics } from '../lib/metrics';
import type { ReminderDelivery, TickReport, WatermarkWrites } from './delivery';
import type { FeedWatcher, SharedFetches } from '../watch/watcher';

/** The tick: every 15 seconds (node-cron's six-field form puts seconds first). */
export const TICK_EXPRESSION = '*/15 * * * * *';

/** One incident's part of a tick: its deliveries, and its feeds' watcher when it watches any. */
export interface IncidentWork {
  incidentId: string;
  delivery: ReminderDelivery;
  watcher?: FeedWatcher;
}

/**
 * The one place that imports node-cron: it only says when to tick. What is due and how it is delivered is the
 * ReminderDelivery's business (one per active incident), so tests call tick() with a set clock instead of waiting.
 */
export class Scheduler {
  private task?: ScheduledTask;
  private running?: Promise<unknown>;
  private readonly work: IncidentWork[];

  constructor(
    work: ReminderDelivery | IncidentWork[],
    private readonly log: Logger,
    private readonly metrics?: Metrics,
    /** Polls the watched feeds first on each tick, so what it finds is delivered in the same tick. */
    watcher?: FeedWatcher,
    /** Cleared at each tick: a feed URL several incidents watch is fetched once per tick. */
    private readonly shared?: SharedFetches,
    /** Every incident's watermark, written once after each tick. */
    private readonly watermarks?: WatermarkWrites,
  ) {
    this.work = Array.isArray(work) ? work : [{ incidentId: '', delivery: work, watcher }];
  }

  /** One incident's failure is its own: the others' reminders still go out in the same tick. */
  private async tickAll(): Promise<TickReport> {
    this.shared?.clear();
    for (const w of this.work) if (w.watcher) await w.watcher.tick();
    const total: TickReport = { sent: 0, late: 0, skipped: 0, retrying: 0, failed: 0 };
    let storeDown: unknown;
    for (const w of this.work) {
      try {
        const r = await w.delivery.tick();
        for (const k of Object.keys(total) as (keyof TickReport)[]) total[k] += r[k];
      } catch (error) {
        if (error instanceof StoreUnavailableError) storeDown ??= error;
        else if (this.work.length === 1) throw error;
        else this.log.error({ err: error, incident: w.incidentId }, 'reminder tick failed for one incident');
      }
    }
    await this.watermarks?.flush();
    if (storeDown) throw storeDown;
    return total;
  }

  start(): void {
    this.task = cron.schedule(TICK_EXPRESSION, () => this.runTick(), { name: 'summit-reminders', noOverlap: true });
    void this.runTick();
  }

  /** One tick now, never throwing: a failure is logged and the next tick tries again. */
  runTick(): Promise<unknown> {
    if (this.running) return this.running;
    this.running = this.tickAll()
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
