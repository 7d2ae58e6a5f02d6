import { StoreUnavailableError } from '../lib/errors';
import { REGISTRY } from './registry';
import { resolveRequest, runScoped } from './resolve';
import type { Command, CommandContext, CommandResult, RequestContext } from './types';

/**
 * How a command may be reused is the registry's `reuse`: those whose reply depends only on the data set, the
 * recorded state, the clock and (for `per-admin`) whether the caller is an admin; `dataset` ones on the data set
 * and the clock alone. The core is pure, so the same inputs give the same reply.
 */
function reuseOf(cmd: Command): 'never' | 'shared' | 'per-admin' | 'dataset' {
  return cmd.name === 'usage' || cmd.name === 'unknown' ? 'never' : REGISTRY[cmd.name].reuse;
}

/** A reply of the data set and what was added and corrected in Slack alone (the registry's `curatedOnly`). */
function curatedOnly(cmd: Command): boolean {
  return cmd.name !== 'usage' && cmd.name !== 'unknown' && REGISTRY[cmd.name].curatedOnly === true;
}
/** A command's part of a reply's key, made once per parsed command (the receiver's path reuses parsed commands). */
const keys = new WeakMap<Command, string>();
function keyOf(cmd: Command): string {
  let key = keys.get(cmd);
  if (key === undefined) {
    key = JSON.stringify(cmd);
    keys.set(cmd, key);
  }
  return key;
}

/** At most this many replies, and this many bytes of them (measured as JSON), are kept at once (both pools). */
export const CACHE_MAX_ENTRIES = 200;
export const CACHE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Replies of one generation, bounded by entries and bytes: dropped whole when the generation moves on, since no
 * entry of an older one can be asked for again, so it never holds superseded replies.
 */
class Pool {
  generation = '';
  private readonly entries = new Map<string, { result: CommandResult; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /** Moves to `generation`, dropping every entry of the one before. */
  enter(generation: string): void {
    if (generation === this.generation) return;
    this.entries.clear();
    this.bytes = 0;
    this.generation = generation;
  }

  get(key: string): CommandResult | undefined {
    return this.entries.get(key)?.result;
  }

  add(key: string, result: CommandResult, bytes: number): void {
    if (bytes > this.maxBytes / 4) return;
    while (this.entries.size > 0 && (this.entries.size >= this.maxEntries || this.bytes + bytes > this.maxBytes)) {
      const [oldest, entry] = this.entries.entries().next().value as [string, { bytes: number }];
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    this.entries.set(key, { result, bytes });
    this.bytes += bytes;
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/**
 * Replies reused per (command, admin or not) within one generation. Two pools: replies that read what was recorded
 * live for one recorded-state version and one minute of the bot's clock; replies made from the data set and the
 * clock alone (`dataset`) for the minute, so a write elsewhere does not throw them away. A reply is never stale by
 * more than the minute it names ("as of 9:41 AM"), nor across a recorded change it could show.
 */
export class ReplyCache {
  /**
   * @param onReply told of every reusable reply: reused (`listener`) or made anew (`made`); the receiver counts its
   * own.
   * @param measure what a kept reply weighs in bytes, for the bound: by default twice its JSON's length; a front end
   * that serialises the reply anyway (Slack over HTTP) measures that, so the reply is serialised once.
   */
  constructor(
    private readonly onReply: (path: 'listener' | 'made') => void = () => undefined,
    private readonly measure: (result: CommandResult) => number = (result) => 2 * JSON.stringify(result.reply).length,
  ) {}

  private readonly state = new Pool(CACHE_MAX_ENTRIES / 2, CACHE_MAX_BYTES / 2);
  private readonly dataset = new Pool(CACHE_MAX_ENTRIES / 2, CACHE_MAX_BYTES / 2);

  async get(cmd: Command, ctx: CommandContext, make: () => Promise<CommandResult>): Promise<CommandResult> {
    const reuse = reuseOf(cmd);
    if (reuse === 'never') return make();
    // The catalog's generation leads: a data set file edited while the bot runs makes every reply anew.
    const minute = `${ctx.catalog.generation}|${Math.floor(ctx.now.getTime() / 60_000)}`;
    let generation = minute;
    // What was added and corrected in Slack, for a reply that reads nothing else recorded: how many curations its
    // incident has (they are only ever added), so another answer or question recorded meanwhile keeps it.
    let curated = '';
    if (reuse !== 'dataset') {
      let version: string;
      try {
        version = await ctx.store.stateVersion();
        if (curatedOnly(cmd)) curated = `c${(await ctx.store.state()).curations.length}`;
      } catch (error) {
        if (error instanceof StoreUnavailableError) return make();
        throw error;
      }
      if (!curatedOnly(cmd)) generation = `${version}|${minute}`;
    }
    const pool = reuse === 'dataset' || curatedOnly(cmd) ? this.dataset : this.state;
    pool.enter(generation);
    // A reply that differs for admins (Record answer buttons); when Slack cannot say, it is shown as to anyone.
    const admin = reuse === 'per-admin' ? await ctx.isAdmin().catch(() => false) : false;
    const key = `${ctx.incident.id}|${curated}|${keyOf(cmd)}|${admin}`;
    const hit = pool.get(key);
    // The same reply being made for another request (on PostgreSQL, every request after a change waits for the
    // state, then each would make it): waited for, not made again.
    const making = `${pool === this.state ? 's' : 'd'}|${generation}|${key}`;
    const inFlight = this.making.get(making);
    this.onReply(hit || inFlight ? 'listener' : 'made');
    if (hit) return hit;
    if (inFlight) return inFlight;
    const work = make();
    this.making.set(making, work);
    try {
      const result = await work;
      if (!result.degraded && generation === pool.generation) pool.add(key, result, this.measure(result));
      return result;
    } finally {
      this.making.delete(making);
    }
  }

  /** Replies being made now, by pool, generation and key: at most one per request in flight. */
  private readonly making = new Map<string, Promise<CommandResult>>();

  /**
   * The reply already made for this command in the current generation, without waiting on anything: for the
   * path that answers before the framework. A miss (another generation, an admin standing not known at once, a
   * reply never made) says nothing; the caller takes the usual path, which makes and keeps it.
   */
  peek(
    incidentId: string,
    cmd: Command,
    version: string | undefined,
    now: Date,
    admin: () => boolean | undefined,
    catalogGeneration = 0,
    /** How many curations the incident has, if known at once (for a `curatedOnly` reply; else a miss). */
    curations?: () => number | undefined,
  ): CommandResult | undefined {
    const reuse = reuseOf(cmd);
    if (reuse === 'never') return undefined;
    const minute = `${catalogGeneration}|${Math.floor(now.getTime() / 60_000)}`;
    const byMinute = reuse === 'dataset' || curatedOnly(cmd);
    const pool = byMinute ? this.dataset : this.state;
    if (reuse !== 'dataset' && version === undefined) return undefined;
    if ((byMinute ? minute : `${version}|${minute}`) !== pool.generation) return undefined;
    let curated = '';
    if (reuse !== 'dataset' && curatedOnly(cmd)) {
      const count = curations?.();
      if (count === undefined) return undefined;
      curated = `c${count}`;
    }
    const isAdmin = reuse === 'per-admin' ? admin() : false;
    return isAdmin === undefined ? undefined : pool.get(`${incidentId}|${curated}|${keyOf(cmd)}|${isAdmin}`);
  }

  /** Entries and bytes held now, both pools (tests and the soak). */
  get size(): { entries: number; bytes: number } {
    const a = this.state.size;
    const b = this.dataset.size;
    return { entries: a.entries + b.entries, bytes: a.bytes + b.bytes };
  }
}

/**
 * The one command path every front end takes: text in, reply out (with the command's name, for metrics). The
 * incident is found first (commands/resolve.ts); the reply's buttons and forms then name it.
 */
export async function handleCommandText(
  text: string,
  req: RequestContext,
  cache?: ReplyCache,
  from: 'slack' | 'typed' = 'typed',
): Promise<CommandResult & { verb: Command['name']; incidentId?: string }> {
  const resolved = await resolveRequest(text, req, from);
  if ('result' in resolved) return { ...resolved.result, verb: resolved.cmd.name };
  const { cmd, ctx } = resolved;
  const result = await runScoped(cmd, ctx, cache);
  return { ...result, verb: cmd.name, incidentId: ctx.incident.id };
}
