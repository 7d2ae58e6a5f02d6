import { StoreUnavailableError } from '../lib/errors';
import { parseCommand, REGISTRY } from './registry';
import { runCommand } from './run';
import type { Command, CommandContext, CommandResult } from './types';

/**
 * How a command may be reused is the registry's `reuse`: those whose reply depends only on the data set, the
 * recorded state, the clock and (for `per-admin`) whether the caller is an admin. The core is pure, so the same
 * inputs give the same reply.
 */
function reuseOf(cmd: Command): 'never' | 'shared' | 'per-admin' {
  return cmd.name === 'usage' || cmd.name === 'unknown' ? 'never' : REGISTRY[cmd.name].reuse;
}
/** At most this many replies, and this many bytes of them (measured as JSON), are kept at once. */
export const CACHE_MAX_ENTRIES = 200;
export const CACHE_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Replies reused per (command, admin or not) within one generation: one recorded-state version and one minute of
 * the bot's clock. When either moves, the whole cache is dropped, since no entry of an older generation can be
 * asked for again; so it never holds superseded replies, and within a generation it is bounded by entries and bytes.
 * A reply is never stale by more than the minute it names ("as of 9:41 AM"), nor across a recorded change.
 */
export class ReplyCache {
  private generation = '';
  private readonly entries = new Map<string, { result: CommandResult; bytes: number }>();
  private bytes = 0;

  async get(cmd: Command, ctx: CommandContext, make: () => Promise<CommandResult>): Promise<CommandResult> {
    const reuse = reuseOf(cmd);
    if (reuse === 'never') return make();
    let version: string;
    try {
      version = await ctx.store.stateVersion();
    } catch (error) {
      if (error instanceof StoreUnavailableError) return make();
      throw error;
    }
    const generation = `${version}|${Math.floor(ctx.now.getTime() / 60_000)}`;
    if (generation !== this.generation) {
      this.entries.clear();
      this.bytes = 0;
      this.generation = generation;
    }
    // A reply that differs for admins (Record answer buttons); when Slack cannot say, it is shown as to anyone.
    const admin = reuse === 'per-admin' ? await ctx.isAdmin().catch(() => false) : false;
    const key = `${JSON.stringify(cmd)}|${admin}`;
    const hit = this.entries.get(key);
    if (hit) return hit.result;
    const result = await make();
    if (!result.degraded && generation === this.generation) this.add(key, result);
    return result;
  }

  /**
   * The reply already made for this command in the current generation, without waiting on anything: for the
   * path that answers before the framework. A miss (another generation, an admin standing not known at once, a
   * reply never made) says nothing; the caller takes the usual path, which makes and keeps it.
   */
  peek(
    cmd: Command,
    version: string | undefined,
    now: Date,
    admin: () => boolean | undefined,
  ): CommandResult | undefined {
    const reuse = reuseOf(cmd);
    if (reuse === 'never' || version === undefined) return undefined;
    if (`${version}|${Math.floor(now.getTime() / 60_000)}` !== this.generation) return undefined;
    const isAdmin = reuse === 'per-admin' ? admin() : false;
    return isAdmin === undefined ? undefined : this.entries.get(`${JSON.stringify(cmd)}|${isAdmin}`)?.result;
  }

  private add(key: string, result: CommandResult): void {
    const bytes = 2 * JSON.stringify(result.reply).length;
    if (bytes > CACHE_MAX_BYTES / 4) return;
    while (this.entries.size > 0 && (this.entries.size >= CACHE_MAX_ENTRIES || this.bytes + bytes > CACHE_MAX_BYTES)) {
      const [oldest, entry] = this.entries.entries().next().value as [string, { bytes: number }];
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
    this.entries.set(key, { result, bytes });
    this.bytes += bytes;
  }

  /** Entries and bytes held now (tests and the soak). */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}

/** The one command path every front end takes: text in, reply out (with the command's name, for metrics). */
export async function handleCommandText(
  text: string,
  ctx: CommandContext,
  cache?: ReplyCache,
  from: 'slack' | 'typed' = 'typed',
): Promise<CommandResult & { verb: Command['name'] }> {
  const cmd = parseCommand(text, from);
  const result = await (cache ? cache.get(cmd, ctx, () => runCommand(cmd, ctx)) : runCommand(cmd, ctx));
  return { ...result, verb: cmd.name };
}
