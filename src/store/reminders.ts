import type { Kysely } from 'kysely';
import type { Actor } from '../incident/model';
import type { Database, DeliveryTable, SubscriptionTable } from './schema';

export type TargetKind = 'channel' | 'user' | 'console';

/** Where a reminder goes: "channel:C123", "user:U123" or "console:local". */
export interface Target {
  kind: TargetKind;
  id: string;
}

export const targetKey = (t: Target): string => `${t.kind}:${t.id}`;

export interface Subscription extends Target {
  status: SubscriptionTable['status'];
  reason?: string;
  createdBy: string;
  createdAt: Date;
}

export interface Delivery {
  reminderKey: string;
  target: string;
  status: DeliveryTable['status'];
  attempts: number;
  leaseUntil?: Date;
  nextAttemptAt?: Date;
  channel?: string;
  messageTs?: string;
  detail?: string;
  /** When a post of it was last begun, while it may have reached Slack (see DeliveryTable.posting_at). */
  postingAt?: Date;
}

/**
 * The result of trying to claim a delivery. `mayHavePosted`: an earlier attempt began a post that may have reached
 * Slack (a holder that died mid-post, a lost answer): look in the channel's history before posting again.
 */
export type Claim = { claimed: true; takeover: boolean; attempts: number; mayHavePosted: boolean } | { claimed: false };

/**
 * Subscriptions, delivery claims, snoozes and the scheduler's watermark. Claims are single statements (an insert
 * that does nothing on conflict, or an update guarded by the row's state), so they are atomic on SQLite and
 * PostgreSQL alike, whichever process or replica gets there first.
 */
/** At most this many targets' subscriptions are kept under one reads key. */
const KEPT_TARGETS_MAX = 10_000;

export class ReminderStore {
  /**
   * @param incidentId the incident whose subscriptions, deliveries, snoozes and watermark these are.
   * @param onCommit told after each audited write commits (subscriptions, snoozes), so the state version moves.
   * @param readsKey what the subscriptions and snoozes read are kept under: a value that moves whenever any process
   * changes them (undefined: not kept, read each time).
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly incidentId: string,
    private readonly onCommit: () => void = () => undefined,
    private readonly readsKey: () => string | undefined = () => undefined,
  ) {}

  /**
   * Subscriptions and snoozes as read under the current reads key: /summit schedule reads both on every request,
   * and they change far less often than anything else recorded. Dropped whole when the key moves.
   */
  private kept?: { key: string; subscriptions: Map<string, Subscription | undefined>; snoozes?: Map<string, Date> };

  private keptNow(): NonNullable<ReminderStore['kept']> | undefined {
    const key = this.readsKey();
    if (key === undefined) return undefined;
    if (this.kept?.key !== key) this.kept = { key, subscriptions: new Map() };
    return this.kept;
  }

  /** Subscribes a target (again). Returns false if it was already active. */
  async subscribe(t: Target, actor: Actor, at: Date): Promise<boolean> {
    const now = at.toISOString();
    const existing = await this.subscription(t);
    if (existing?.status === 'active') return false;
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('subscription')
        .values({
          incident_id: this.incidentId,
          target_kind: t.kind,
          target_id: t.id,
          status: 'active',
          status_reason: null,
          created_by: actor.id,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['incident_id', 'target_kind', 'target_id']).doUpdateSet({
            status: 'active',
            status_reason: null,
            created_by: actor.id,
            created_at: now,
            updated_at: now,
          }),
        )
        .execute();
      await tx
        .insertInto('audit')
        .values({
          incident_id: this.incidentId,
          at: now,
          actor_id: actor.id,
          action: 'subscription.added',
          subject: targetKey(t),
          detail: '{}',
        })
        .execute();
    });
    this.onCommit();
    return true;
  }

  /**
   * Ends a subscription. Returns false if there was none active. The console is subscribed until it says
   * otherwise, so for it a missing row means "active" and ending it writes the row.
   */
  async unsubscribe(t: Target, actor: Actor, at: Date): Promise<boolean> {
    const existing = await this.subscription(t);
    if (!existing && t.kind === 'console') {
      await this.subscribe(t, actor, at);
    } else if (!existing || existing.status === 'removed') return false;
    await this.setStatus(t, 'removed', `by ${actor.id}`, at, actor.id);
    return true;
  }

  async setStatus(
    t: Target,
    status: SubscriptionTable['status'],
    reason: string,
    at: Date,
    actorId = 'summit-bot',
  ): Promise<void> {
    const now = at.toISOString();
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('subscription')
        .set({ status, status_reason: reason, updated_at: now })
        .where('incident_id', '=', this.incidentId)
        .where('target_kind', '=', t.kind)
        .where('target_id', '=', t.id)
        .execute();
      await tx
        .insertInto('audit')
        .values({
          incident_id: this.incidentId,
          at: now,
          actor_id: actorId,
          action: `subscription.${status}`,
          subject: targetKey(t),
          detail: JSON.stringify({ reason }),
        })
        .execute();
    });
    this.onCommit();
  }

  async subscription(t: Target): Promise<Subscription | undefined> {
    const kept = this.keptNow();
    const key = targetKey(t);
    if (kept?.subscriptions.has(key)) return kept.subscriptions.get(key);
    const read = await this.readSubscription(t);
    // Kept only if nothing moved while it was read.
    if (kept && this.kept === kept && this.readsKey() === kept.key) {
      if (kept.subscriptions.size >= KEPT_TARGETS_MAX) kept.subscriptions.clear();
      kept.subscriptions.set(key, read);
    }
    return read;
  }

  private async readSubscription(t: Target): Promise<Subscription | undefined> {
    const row = await this.db
      .selectFrom('subscription')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('target_kind', '=', t.kind)
      .where('target_id', '=', t.id)
      .executeTakeFirst();
    return row && toSubscription(row);
  }

  async subscriptions(status?: SubscriptionTable['status']): Promise<Subscription[]> {
    let q = this.db
      .selectFrom('subscription')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .orderBy('created_at')
      .orderBy('target_id');
    if (status) q = q.where('status', '=', status);
    return (await q.execute()).map(toSubscription);
  }

  /**
   * Claims one reminder for one target, for `leaseMs`. A new row is claimed by inserting it; an existing row only
   * if its lease ran out (the process that held it died) or its retry time has come. Sent, skipped and failed rows
   * are never claimed again.
   */
  async claim(reminderKey: string, target: string, now: Date, leaseMs: number): Promise<Claim> {
    const lease = new Date(now.getTime() + leaseMs).toISOString();
    const iso = now.toISOString();
    const inserted = await this.db
      .insertInto('delivery')
      .values({
        incident_id: this.incidentId,
        reminder_key: reminderKey,
        target,
        status: 'claimed',
        attempts: 1,
        lease_until: lease,
        updated_at: iso,
      })
      .onConflict((oc) => oc.columns(['incident_id', 'reminder_key', 'target']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1)
      return { claimed: true, takeover: false, attempts: 1, mayHavePosted: false };

    const before = await this.delivery(reminderKey, target);
    if (!before) return { claimed: false };
    const updated = await this.db
      .updateTable('delivery')
      .set((eb) => ({ status: 'claimed', lease_until: lease, attempts: eb('attempts', '+', 1), updated_at: iso }))
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .where('attempts', '=', before.attempts)
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'claimed'), eb('lease_until', '<', iso)]),
          eb.and([eb('status', '=', 'retry'), eb('next_attempt_at', '<=', iso)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { claimed: false };
    // Taking over a claim whose lease ran out: the message may have gone out before its holder died.
    return {
      claimed: true,
      takeover: before.status === 'claimed',
      attempts: before.attempts + 1,
      mayHavePosted: before.postingAt !== undefined,
    };
  }

  /** Records, just before a post, that one is being made: until cleared, a post may have reached Slack. */
  async markPosting(reminderKey: string, target: string, now: Date): Promise<void> {
    await this.db
      .updateTable('delivery')
      .set({ posting_at: now.toISOString() })
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .execute();
  }

  /** An attempt known to have posted nothing (Slack answered 429 after the history was looked at): cleared. */
  async clearPosting(reminderKey: string, target: string): Promise<void> {
    await this.db
      .updateTable('delivery')
      .set({ posting_at: null })
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .execute();
  }

  /** Extends a claim this process holds (waiting out a short 429). */
  async renew(reminderKey: string, target: string, now: Date, leaseMs: number): Promise<void> {
    await this.db
      .updateTable('delivery')
      .set({ lease_until: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .where('status', '=', 'claimed')
      .execute();
  }

  async markSent(
    reminderKey: string,
    target: string,
    channel: string,
    ts: string,
    now: Date,
    detail?: string,
  ): Promise<void> {
    await this.finish(reminderKey, target, {
      status: 'sent',
      channel,
      message_ts: ts,
      detail: detail ?? null,
      lease_until: null,
      updated_at: now.toISOString(),
    });
  }

  async markRetry(reminderKey: string, target: string, nextAttemptAt: Date, detail: string, now: Date): Promise<void> {
    await this.finish(reminderKey, target, {
      status: 'retry',
      next_attempt_at: nextAttemptAt.toISOString(),
      lease_until: null,
      detail,
      updated_at: now.toISOString(),
    });
  }

  async markFailed(reminderKey: string, target: string, detail: string, now: Date): Promise<void> {
    await this.finish(reminderKey, target, {
      status: 'failed',
      lease_until: null,
      detail,
      updated_at: now.toISOString(),
    });
  }

  /** Records a reminder that will not be sent to a target (missed past catch-up, snoozed), unless a row exists. */
  async recordSkipped(reminderKey: string, target: string, detail: string, now: Date): Promise<boolean> {
    const r = await this.db
      .insertInto('delivery')
      .values({
        incident_id: this.incidentId,
        reminder_key: reminderKey,
        target,
        status: 'skipped',
        attempts: 0,
        detail,
        updated_at: now.toISOString(),
      })
      .onConflict((oc) => oc.columns(['incident_id', 'reminder_key', 'target']).doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** A retry or claimed row that ran out of time to be sent: skipped, with why. */
  async expire(reminderKey: string, target: string, detail: string, now: Date): Promise<void> {
    await this.db
      .updateTable('delivery')
      .set({ status: 'skipped', detail, lease_until: null, updated_at: now.toISOString() })
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .where('status', '=', 'retry')
      .execute();
  }

  private async finish(
    reminderKey: string,
    target: string,
    set: Partial<Omit<DeliveryTable, 'reminder_key' | 'target'>>,
  ): Promise<void> {
    await this.db
      .updateTable('delivery')
      .set(set)
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .execute();
  }

  async delivery(reminderKey: string, target: string): Promise<Delivery | undefined> {
    const row = await this.db
      .selectFrom('delivery')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', '=', reminderKey)
      .where('target', '=', target)
      .executeTakeFirst();
    return row && toDelivery(row);
  }

  async deliveries(): Promise<Delivery[]> {
    return (
      await this.db
        .selectFrom('delivery')
        .selectAll()
        .where('incident_id', '=', this.incidentId)
        .orderBy('reminder_key')
        .orderBy('target')
        .execute()
    ).map(toDelivery);
  }

  /** Deliveries of these reminders, for one tick's look-up. */
  async deliveriesFor(reminderKeys: string[]): Promise<Delivery[]> {
    if (reminderKeys.length === 0) return [];
    const rows = await this.db
      .selectFrom('delivery')
      .selectAll()
      .where('incident_id', '=', this.incidentId)
      .where('reminder_key', 'in', reminderKeys)
      .execute();
    return rows.map(toDelivery);
  }

  async snooze(series: string, target: string, until: Date, actor: Actor, at: Date): Promise<void> {
    const values = {
      incident_id: this.incidentId,
      series,
      target,
      until: until.toISOString(),
      actor_id: actor.id,
      at: at.toISOString(),
    };
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('snooze')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['incident_id', 'series', 'target'])
            .doUpdateSet({ until: values.until, actor_id: values.actor_id, at: values.at }),
        )
        .execute();
      await tx
        .insertInto('audit')
        .values({
          incident_id: this.incidentId,
          at: values.at,
          actor_id: actor.id,
          action: 'reminder.snoozed',
          subject: `${series} ${target}`,
          detail: JSON.stringify({ until: values.until }),
        })
        .execute();
    });
    this.onCommit();
  }

  /** series -> target -> until */
  async snoozes(): Promise<ReadonlyMap<string, Date>> {
    const kept = this.keptNow();
    if (kept?.snoozes) return kept.snoozes;
    const rows = await this.db.selectFrom('snooze').selectAll().where('incident_id', '=', this.incidentId).execute();
    const read = new Map(rows.map((r) => [`${r.series} ${r.target}`, new Date(r.until)]));
    if (kept && this.kept === kept && this.readsKey() === kept.key) kept.snoozes = read;
    return read;
  }

  async watermark(): Promise<Date | undefined> {
    const row = await this.db
      .selectFrom('scheduler_state')
      .select('value')
      .where('name', '=', `watermark:${this.incidentId}`)
      .executeTakeFirst();
    return row ? new Date(row.value) : undefined;
  }

  /** Moves the watermark forward only: with several replicas the latest tick wins. */
  async advanceWatermark(to: Date): Promise<void> {
    await advanceWatermarkIn(this.db, this.incidentId, to);
  }
}

function toSubscription(r: SubscriptionTable): Subscription {
  return {
    kind: r.target_kind,
    id: r.target_id,
    status: r.status,
    reason: r.status_reason ?? undefined,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}

function toDelivery(r: DeliveryTable): Delivery {
  return {
    reminderKey: r.reminder_key,
    target: r.target,
    status: r.status,
    attempts: Number(r.attempts),
    leaseUntil: r.lease_until ? new Date(r.lease_until) : undefined,
    nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : undefined,
    channel: r.channel ?? undefined,
    messageTs: r.message_ts ?? undefined,
    detail: r.detail ?? undefined,
    postingAt: r.posting_at ? new Date(r.posting_at) : undefined,
  };
}

/** Moves one incident's watermark forward only, in `db` (a transaction, when several are written together). */
export async function advanceWatermarkIn(db: Kysely<Database>, incidentId: string, to: Date): Promise<void> {
  const value = to.toISOString();
  await db
    .insertInto('scheduler_state')
    .values({ name: `watermark:${incidentId}`, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }).where('scheduler_state.value', '<', value))
    .execute();
}
