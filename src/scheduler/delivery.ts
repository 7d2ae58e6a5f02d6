import type { Logger } from 'pino';
import { countdown } from '../core/countdown';
import { applyFollowUps } from '../core/follow-up';
import type { FollowUpState } from '../core/records';
import { isHandle } from '../core/questions';
import { planReminders, shift, type PlannedReminder } from '../core/plan';
import { questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { Metrics } from '../lib/metrics';
import { targetKey, type Delivery, type Target } from '../store/reminders';
import type { FollowUpStore } from '../store/repository';
import { REMINDER_EVENT_TYPE, SOURCE_EVENT_TYPE } from '../views/ids';
import { sourceItemReply } from '../views/sources';
import { reminderReply } from '../views/reminder';
import { channelStoppedNotice } from '../views/schedule';
import { scopeReply } from '../views/scope';
import { PostError, type ReminderMetadata, type ReminderPoster } from './poster';

/** A claim is held this long; a claim older than this belongs to a process that died and is taken over. */
export const LEASE_MS = 60_000;
/**
 * A reminder posted more than this after its time says it is late, whichever tick or replica posts it: a fan-out
 * to thousands of channels at Slack's pace, or a claim taken over after its lease, is not late within it.
 */
export const LATE_AFTER_MS = 15 * 60_000;
/** Targets posted to at once; one slow channel never holds up the rest. */
const CONCURRENCY = 8;
/** A 429 asking to wait at most this long is retried within the same tick (the claim is kept); longer: next tick. */
const IN_TICK_RETRY_MAX_S = 5;

/** Slack errors after which a channel's reminders stop (marked broken, or off when archived), with a DM. */
const CHANNEL_STOPPED = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
/** Slack errors after which a DM subscription is turned off: the person is gone. */
const GONE = new Set(['channel_not_found', 'account_inactive', 'user_not_found', 'user_disabled']);

export interface TickReport {
  sent: number;
  late: number;
  skipped: number;
  retrying: number;
  failed: number;
}

export interface DeliveryDeps {
  incident: Incident;
  store: FollowUpStore;
  clock: Clock;
  poster: ReminderPoster;
  log: Logger;
  /** Targets that receive reminders unless they unsubscribed (the console); Slack targets come from subscriptions. */
  fixedTargets?: Target[];
  leaseMs?: number;
  metrics?: Metrics;
  /** Where the watermark goes when the scheduler writes every incident's at once (see WatermarkWrites). */
  watermarks?: WatermarkWrites;
}

/**
 * The watermarks of many incidents ticked together: read in one query, and written in one transaction after the
 * tick (one commit, not one per incident), which the scheduler flushes.
 */
export class WatermarkWrites {
  private readonly pending = new Map<FollowUpStore, Date>();
  private stored?: { at: number; map: Promise<Map<string, Date>> };

  /** An incident's watermark as stored: every incident's read in one query, at most once a WATERMARK_EVERY_MS. */
  async read(store: FollowUpStore, now: Date): Promise<Date | undefined> {
    const s = this.stored;
    if (!s || now.getTime() - s.at >= WATERMARK_EVERY_MS || now.getTime() < s.at) {
      const map = store.watermarks();
      this.stored = { at: now.getTime(), map };
      map.catch(() => {
        if (this.stored?.map === map) this.stored = undefined;
      });
    }
    return (await (this.stored as { map: Promise<Map<string, Date>> }).map).get(store.incidentId);
  }

  add(store: FollowUpStore, at: Date): void {
    this.pending.set(store, at);
  }

  async flush(): Promise<void> {
    const entries = [...this.pending];
    this.pending.clear();
    const first = entries[0]?.[0];
    if (first) await first.advanceWatermarks(entries.map(([store, at]) => ({ incidentId: store.incidentId, at })));
  }
}

/**
 * One pass of the scheduler: asks the plan what fell due since the last pass, and delivers each reminder to each
 * target exactly once: claim a row first, post with the key in the message metadata, then mark it sent. Missed
 * reminders within catch-up go out late (saying so); older ones are recorded as skipped. No error escapes a tick.
 */
/** The plan is worked out for this far ahead and reused by later ticks until what was recorded changes. */
const PLAN_AHEAD_MS = 24 * 3_600_000;
/** With nothing due, the watermark is written at most this often. */
const WATERMARK_EVERY_MS = 60_000;

export class ReminderDelivery {
  private planCache?: { state: FollowUpState; from: number; to: number; plan: PlannedReminder[] };
  private watermarkWritten = 0;

  private readonly deps: DeliveryDeps;

  /** Reads and writes the incident's own records, whichever view of the store it is given. */
  constructor(deps: DeliveryDeps) {
    this.deps = { ...deps, store: deps.store.scoped(deps.incident.id) };
  }

  /**
   * The reminders due in (from, to]. The plan is a pure function of the data set, what was recorded and the
   * window, so a plan for a larger window, filtered, is the same plan: it is computed once per change of the
   * recorded state and day ahead, not on every tick.
   */
  private async due(from: Date, to: Date): Promise<PlannedReminder[]> {
    // The store hands out the same state object until this incident's records change.
    const state = await this.deps.store.state();
    const c = this.planCache;
    if (!c || c.state !== state || from.getTime() < c.from || to.getTime() > c.to) {
      const incident = applyFollowUps(this.deps.incident, state);
      const until = new Date(to.getTime() + PLAN_AHEAD_MS);
      this.planCache = {
        state,
        from: from.getTime(),
        to: until.getTime(),
        plan: planReminders(incident, from, until),
      };
    }
    const plan = (this.planCache as { plan: PlannedReminder[] }).plan;
    const reminders = plan.filter((r) => r.at > from && r.at <= to);
    return [...reminders, ...(await this.sourceItems(from, to))];
  }

  /** New items of watched feeds, found by the feed watcher in (from, to]: delivered like reminders, exactly once. */
  private async sourceItems(from: Date, to: Date): Promise<PlannedReminder[]> {
    const feeds = this.deps.incident.watch;
    if (feeds.length === 0) return [];
    const items = await this.deps.store.feeds.toPost(from, to);
    return items.flatMap((i) => {
      const feed = feeds.find((f) => f.id === i.feedId);
      if (!feed) return [];
      return [
        {
          key: `source:${i.itemRef}`,
          series: 'source',
          kind: 'source' as const,
          at: i.seenAt,
          about: {
            kind: 'source' as const,
            feedId: i.feedId,
            publisher: feed.publisher,
            itemRef: i.itemRef,
            title: i.title,
            link: i.link,
            published: i.published,
            matched: i.matched,
            ...(i.more !== undefined && { more: i.more }),
          },
        },
      ];
    });
  }

  private async advanceWatermark(now: Date, force: boolean): Promise<void> {
    if (!force && now.getTime() - this.watermarkWritten < WATERMARK_EVERY_MS) return;
    // With many incidents ticked together, the scheduler writes them all in one transaction after the tick.
    if (this.deps.watermarks) this.deps.watermarks.add(this.deps.store, now);
    else await this.deps.store.reminders.advanceWatermark(now);
    this.watermarkWritten = now.getTime();
    this.watermark = { at: now, readAt: now.getTime() };
  }

  /**
   * Where the last tick left off: the store's watermark (which any replica may have moved), read at most once a
   * WATERMARK_EVERY_MS, and this process's own since then.
   */
  private async lastWatermark(now: Date): Promise<Date | undefined> {
    const w = this.watermark;
    if (w && now.getTime() - w.readAt < WATERMARK_EVERY_MS && now.getTime() >= w.readAt) return w.at;
    const at = this.deps.watermarks
      ? await this.deps.watermarks.read(this.deps.store, now)
      : await this.deps.store.reminders.watermark();
    this.watermark = at === undefined ? undefined : { at, readAt: now.getTime() };
    return at;
  }

  private watermark?: { at: Date; readAt: number };

  async tick(): Promise<TickReport> {
    const { store, clock, log } = this.deps;
    const report: TickReport = { sent: 0, late: 0, skipped: 0, retrying: 0, failed: 0 };
    const incidentConfig = this.deps.incident;
    // Without a reminders: section only watched feeds' items are delivered, with the default catch-up.
    if (!incidentConfig.reminders && incidentConfig.watch.length === 0) return report;
    const config = incidentConfig.reminders ?? DEFAULT_DELIVERY;
    const now = clock.now();
    const catchUpStart = shift(now, config.catchUp, config.zone ?? incidentConfig.zone, -1);
    const reminders = store.reminders;
    const watermark = (await this.lastWatermark(now)) ?? now;
    const from = new Date(Math.min(watermark.getTime(), catchUpStart.getTime()));

    const plan = await this.due(from, now);
    if (plan.length === 0) {
      await this.advanceWatermark(now, false);
      return report;
    }
    const incident = applyFollowUps(this.deps.incident, await store.state());
    const subscribed = (await reminders.subscriptions('active')).map((s) => ({
      target: { kind: s.kind, id: s.id } as Target,
      since: s.createdAt,
    }));
    // A fixed target (the console) receives reminders until it unsubscribes, which the store remembers.
    const fixed = [];
    for (const target of this.deps.fixedTargets ?? [])
      if ((await reminders.subscription(target))?.status !== 'removed') fixed.push({ target, since: new Date(0) });
    const targets = [...fixed, ...subscribed.filter((s) => s.target.kind !== 'console')];
    const existing = new Map(
      (await reminders.deliveriesFor(plan.map((r) => r.key))).map((d) => [`${d.reminderKey} ${d.target}`, d]),
    );
    const snoozes = await reminders.snoozes();

    const jobs: Job[] = [];
    for (const r of plan) {
      // A chase goes to its owner alone, by DM (in the console, to the console); the rest to every target.
      const to =
        r.to === undefined
          ? targets
          : fixed.length > 0
            ? fixed
            : isHandle(r.to)
              ? [] // an owner named in the console by a handle has no Slack DM
              : [{ target: { kind: 'user', id: r.to } as Target, since: new Date(0) }];
      for (const { target, since } of to) {
        if (since > r.at) continue; // subscribed after it was due
        const tk = targetKey(target);
        const d = existing.get(`${r.key} ${tk}`);
        if (d && (d.status === 'sent' || d.status === 'skipped' || d.status === 'failed')) continue;
        if (r.at <= catchUpStart) {
          if (
            !d &&
            (await reminders.recordSkipped(r.key, tk, `missed: due ${r.at.toISOString()}, past catch-up`, now))
          ) {
            report.skipped += 1;
            log.warn(
              { reminder: r.key, target: tk, due: r.at.toISOString() },
              'reminder missed while not running; skipped',
            );
          } else if (d?.status === 'retry') {
            await reminders.expire(r.key, tk, 'gave up: past catch-up', now);
            report.skipped += 1;
          }
          continue;
        }
        const snoozedUntil = snoozes.get(`${r.series} ${tk}`);
        if (snoozedUntil && snoozedUntil > r.at) {
          if (!d && (await reminders.recordSkipped(r.key, tk, `snoozed until ${snoozedUntil.toISOString()}`, now)))
            report.skipped += 1;
          continue;
        }
        if (d && !claimable(d, now)) continue;
        jobs.push({ notBefore: 0, run: (held) => this.deliver(r, target, incident, now, report, held) });
      }
    }
    await runLimited(jobs, CONCURRENCY);
    await this.advanceWatermark(now, true);
    return report;
  }

  /**
   * Delivers one reminder to one target. `held`: the claim is already ours (a retry after a short 429 in this
   * tick). Returns how long to wait before retrying when Slack asked for a short pause.
   */
  private async deliver(
    r: PlannedReminder,
    target: Target,
    incident: Incident,
    now: Date,
    report: TickReport,
    held: boolean,
  ): Promise<number | undefined> {
    const { store, log } = this.deps;
    const tk = targetKey(target);
    const leaseMs = this.deps.leaseMs ?? LEASE_MS;
    try {
      // A claim held over a short 429 keeps what it knew: a look still owed (the history itself answered 429) is
      // still owed, read back from the row.
      const claim = held
        ? {
            claimed: true as const,
            mayHavePosted: (await store.reminders.delivery(r.key, tk))?.postingAt !== undefined,
          }
        : await store.reminders.claim(r.key, tk, now, leaseMs);
      if (!claim.claimed) return undefined;
      if (claim.mayHavePosted) {
        // An earlier attempt began a post that may have reached Slack (a holder that died mid-post, a lost answer):
        // look before posting again. A claim never attempted is taken over without asking Slack anything.
        const since = new Date(r.at.getTime() - 60_000);
        const found = await this.joiningIfNeeded(target, () =>
          this.deps.poster.findPosted(target, metadataOf(r, incident.id), since),
        );
        if (found) {
          await store.reminders.markSent(r.key, tk, found.channel, found.ts, now, 'found in history');
          log.info({ reminder: r.key, target: tk }, 'reminder was already posted; marked sent');
          return undefined;
        }
      }
      // Late: posted more than LATE_AFTER_MS after its time, measured when it is posted (the same for every tick
      // and replica, whichever sends it).
      const postingAt = this.deps.clock.now();
      const late = postingAt.getTime() - r.at.getTime() > LATE_AFTER_MS;
      const reply =
        r.about.kind === 'source'
          ? sourceItemReply(r.about, incident.zone)
          : reminderReply({
              reminder: r,
              zone: incident.zone,
              // Said as of the reminder's planned moment (as its title is); a late one says it is late.
              ...(incident.event && { event: { event: incident.event, countdown: countdown(incident.event, r.at) } }),
              open: questionsAsOf(incident.questions, now, 'open'),
              late,
              tracked: incident.github !== undefined,
            });
      const metadata = metadataOf(r, incident.id);
      // Recorded before the post: if this process dies now, whoever takes the claim over looks first.
      await store.reminders.markPosting(r.key, tk, postingAt);
      let posted;
      try {
        posted = await this.joiningIfNeeded(target, () =>
          this.deps.poster.post(target, scopeReply(reply, incident.id), metadata),
        );
      } catch (error) {
        // A 429 posted nothing, and the history was looked at first if it had to be: nothing is owed.
        if (error instanceof PostError && error.code === 'ratelimited')
          await store.reminders.clearPosting(r.key, tk).catch(() => undefined);
        throw error;
      }
      await store.reminders.markSent(r.key, tk, posted.channel, posted.ts, now, late ? 'late' : undefined);
      report.sent += 1;
      if (late) report.late += 1;
      log.info({ reminder: r.key, target: tk, late }, 'reminder sent');
      return undefined;
    } catch (error) {
      if (
        error instanceof PostError &&
        error.code === 'ratelimited' &&
        (error.retryAfterSeconds ?? 1) <= IN_TICK_RETRY_MAX_S
      ) {
        // A 429 means nothing was posted. Keep the claim (renewed) and try again after Retry-After; the other
        // targets carry on meanwhile.
        this.deps.metrics?.slackError('ratelimited');
        await store.reminders.renew(r.key, tk, this.deps.clock.now(), leaseMs);
        return (error.retryAfterSeconds ?? 1) * 1000;
      }
      await this.handleFailure(r, target, now, error, report).catch((e: unknown) =>
        log.error({ err: e, reminder: r.key, target: tk }, 'could not record a failed delivery'),
      );
      return undefined;
    }
  }

  /**
   * Runs a call to a target's conversation; if Slack answers not_in_channel for a channel, joins it and runs the
   * call once more. Slack lets the bot post in a public channel it has not joined (chat:write.public) but not read
   * its history: so both the post and the history check go through here. Only a channel the bot cannot join
   * (a private one) still fails.
   */
  private async joiningIfNeeded<T>(target: Target, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (
        error instanceof PostError &&
        error.code === 'not_in_channel' &&
        target.kind === 'channel' &&
        (await this.deps.poster.join(target.id))
      )
        return call();
      throw error;
    }
  }

  private async handleFailure(
    r: PlannedReminder,
    target: Target,
    now: Date,
    error: unknown,
    report: TickReport,
  ): Promise<void> {
    const { store, log, poster } = this.deps;
    const tk = targetKey(target);
    const code = error instanceof PostError ? error.code : 'internal';
    if (error instanceof PostError) this.deps.metrics?.slackError(code);
    if (code === 'ratelimited') {
      const wait = ((error as PostError).retryAfterSeconds ?? 1) * 1000;
      await store.reminders.markRetry(r.key, tk, new Date(now.getTime() + wait), 'rate limited', now);
      report.retrying += 1;
      log.warn({ reminder: r.key, target: tk, retryAfterMs: wait }, 'rate limited; will retry after Retry-After');
      return;
    }
    const channelStopped = target.kind === 'channel' && CHANNEL_STOPPED.has(code);
    const personGone = target.kind === 'user' && GONE.has(code);
    if (channelStopped || personGone) {
      // Never switched off in silence. A private channel the bot is not in (or was removed from) answers
      // channel_not_found, as does a deleted one, and the two cannot be told apart: either way the subscription is
      // marked broken and whoever subscribed it is told how to fix it. Archived: turned off, with a DM too. A DM
      // subscription whose person is gone is turned off: nobody is left to tell.
      const archived = code === 'is_archived';
      const status = archived || personGone ? 'disabled' : 'broken';
      const reason = personGone
        ? code
        : `${code}: ${archived ? 'the channel was archived' : 'the bot cannot post or read there'}`;
      await store.reminders.markFailed(r.key, tk, code, now);
      await store.reminders.setStatus(target, status, reason, now);
      report.failed += 1;
      const sub = personGone ? undefined : await store.reminders.subscription(target);
      log.warn({ target: tk, code, status, subscriber: sub?.createdBy }, `subscription ${status}`);
      if (sub?.createdBy && /^[UW]/.test(sub.createdBy)) {
        await poster
          .notify(sub.createdBy, channelStoppedNotice(target.id, code))
          .catch((e: unknown) => log.warn({ err: e }, 'could not tell the subscriber'));
      }
      return;
    }
    const attempts = (await store.reminders.delivery(r.key, tk))?.attempts ?? 1;
    const backoff = Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
    await store.reminders.markRetry(r.key, tk, new Date(now.getTime() + backoff), code, now);
    report.retrying += 1;
    log.warn({ err: error, reminder: r.key, target: tk, code, retryInMs: backoff }, 'delivery failed; will retry');
  }
}

function claimable(d: Delivery, now: Date): boolean {
  if (d.status === 'retry') return !d.nextAttemptAt || d.nextAttemptAt <= now;
  if (d.status === 'claimed') return !d.leaseUntil || d.leaseUntil < now;
  return false;
}

interface Job {
  /** Not before this moment (ms since the epoch, real time): a job waiting out a 429. */
  notBefore: number;
  /** `held`: the claim is already ours. Returns ms to wait before running again, if it must. */
  run: (held: boolean) => Promise<number | undefined>;
  held?: boolean;
}

/**
 * Runs jobs `limit` at a time. A job that must wait (a 429's Retry-After) goes back in the queue with its time,
 * and the workers meanwhile take the jobs that are ready: one rate-limited channel holds up nobody else.
 */
async function runLimited(jobs: Job[], limit: number): Promise<void> {
  const queue = [...jobs];
  const worker = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      const i = queue.findIndex((j) => j.notBefore <= now);
      if (i === -1) {
        if (queue.length === 0) return;
        const wait = Math.max(5, Math.min(...queue.map((j) => j.notBefore)) - now);
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 250)));
        continue;
      }
      const [job] = queue.splice(i, 1) as [Job];
      const again = await job.run(job.held ?? false);
      if (again !== undefined) queue.push({ ...job, held: true, notBefore: Date.now() + again });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
}

/** Delivery settings when the data set has no reminders: section (watched feeds only). */
const DEFAULT_DELIVERY: { catchUp: { amount: number; unit: 'hours'; text: string }; zone?: string } = {
  catchUp: { amount: 6, unit: 'hours', text: '6h' },
};

/**
 * The message metadata a post carries: its incident and a reminder's key, or a feed item's feed and reference
 * ({event_type: "summit_source_item", event_payload: {incident, feed, item}}), which the history check looks for.
 */
function metadataOf(r: PlannedReminder, incident: string): ReminderMetadata {
  return r.about.kind === 'source'
    ? { event_type: SOURCE_EVENT_TYPE, event_payload: { incident, feed: r.about.feedId, item: r.about.itemRef } }
    : { event_type: REMINDER_EVENT_TYPE, event_payload: { incident, key: r.key } };
}
