import { Client } from 'pg';
import type { Logger } from 'pino';

/** The channel the state-version trigger notifies on (migration 0012). */
export const STATE_VERSION_CHANNEL = 'summit_state_version';

/** How often the watch checks, on its own connection, that it has missed no change (a silently dead socket). */
const VERIFY_EVERY_MS = 1000;
/** How long it waits before connecting again after losing its connection. */
const RECONNECT_MS = 1000;

/**
 * PostgreSQL's state version, pushed rather than polled: one connection of its own LISTENs on the channel the
 * audit trigger notifies on in every writer's transaction (delivered at commit, from every replica), so the
 * version is known at once, without a query, as SQLite's data_version is. Once a second it reads the version on
 * that connection too (each read given 2 s), so a connection that died without a word misses changes for at most
 * about three seconds; while it is
 * down (or before its first read) `now()` is undefined and the store reads the version as before.
 */
export class VersionWatch {
  private latest: number | undefined;
  /** Moves on every notification of a change to subscriptions or snoozes, and whenever one may have been missed. */
  private reminders = 0;
  private client: Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  /** The latest version seen, or undefined while the watch is not live. */
  now(): number | undefined {
    return this.latest;
  }

  /**
   * A count that moves whenever any replica changed subscriptions or snoozes (the notification says which kind of
   * record changed, migration 0013), or a notification may have been missed; undefined while the watch is not live.
   */
  remindersNow(): number | undefined {
    return this.latest === undefined ? undefined : this.reminders;
  }

  /**
   * A count this process's own commit reached, known before its notification arrives (read inside the writing
   * transaction). Ignored while the watch is not live.
   */
  advance(count: number): void {
    if (this.latest !== undefined) this.latest = Math.max(this.latest, count);
  }

  async start(): Promise<void> {
    if (this.closed) return;
    // A query that does not answer within 2 s counts as a lost connection: a socket dead without a word never leaves
    // the version standing still.
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 5000, query_timeout: 2000 });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = undefined;
      this.latest = undefined;
      clearInterval(this.timer);
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.log.warn(
        { err: error },
        'PostgreSQL state-version watch lost; reading the version per request until it is back',
      );
      setTimeout(() => void this.start(), RECONNECT_MS).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    // Several stores may share a database, one schema each: only this store's schema counts.
    let schema: string | undefined;
    client.on('notification', (n) => {
      // "<schema>:<version>:<kind>" (kind r: subscriptions and snoozes, s: anything else); before migration 0013,
      // "<schema>:<version>", whose kind is unknown.
      const parts = (n.payload ?? '').split(':');
      const kind = parts.length >= 3 && /^[a-z]$/.test(parts.at(-1) ?? '') ? parts.pop() : undefined;
      const v = Number(parts.pop());
      if (n.channel !== STATE_VERSION_CHANNEL || schema === undefined || parts.join(':') !== schema) return;
      if (!Number.isFinite(v) || this.latest === undefined) return;
      if (kind !== 's') this.reminders += 1;
      this.latest = Math.max(this.latest, v);
    });
    try {
      this.client = client;
      await client.connect();
      schema = (await client.query<{ s: string }>('select current_schema() as s')).rows[0]?.s;
      await client.query(`listen ${STATE_VERSION_CHANNEL}`);
      await this.verify(client);
      this.timer = setInterval(() => void this.verify(client).catch((e: Error) => lost(e)), VERIFY_EVERY_MS);
      this.timer.unref();
    } catch (error) {
      lost(error as Error);
    }
  }

  /** Reads the version on the watch's own connection (after LISTEN, so nothing committed since is missed). */
  private async verify(client: Client): Promise<void> {
    const r = await client.query<{ v: string }>('select v from state_version where id = 1');
    const v = Number(r.rows[0]?.v ?? 0);
    if (this.client !== client) return;
    // A version the notifications have not brought (yet, or ever): whatever it changed may be reminders.
    if (this.latest === undefined || v > this.latest) this.reminders += 1;
    this.latest = Math.max(this.latest ?? 0, v);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    this.latest = undefined;
    await client?.end().catch(() => undefined);
  }
}
