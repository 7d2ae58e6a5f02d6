import { StoreUnavailableError } from '../lib/errors';
import { parseCommand, type Command } from './grammar';
import { runCommand, type CommandContext, type CommandResult } from './run';

/**
 * Commands whose reply depends only on the data set, the recorded state, the clock and whether the caller is an
 * admin. The core is pure, so the same inputs give the same reply: it can be reused.
 */
const CACHEABLE: ReadonlySet<Command['name']> = new Set(['status', 'facts', 'when', 'questions', 'timeline', 'help']);
const CACHE_SIZE = 500;

/**
 * Replies remembered per (command, recorded-state version, minute of the bot's clock, admin or not). Any recorded
 * change moves the version, so a reply is never stale by more than the minute it names ("as of 9:41 AM").
 */
export class ReplyCache {
  private readonly entries = new Map<string, CommandResult>();

  async get(cmd: Command, ctx: CommandContext, make: () => Promise<CommandResult>): Promise<CommandResult> {
    if (!CACHEABLE.has(cmd.name)) return make();
    let version: string;
    try {
      version = await ctx.store.stateVersion();
    } catch (error) {
      if (error instanceof StoreUnavailableError) return make();
      throw error;
    }
    // Only `questions` differs for admins (its Record answer buttons); when Slack cannot say, it is shown as to anyone.
    const admin = cmd.name === 'questions' ? await ctx.isAdmin().catch(() => false) : false;
    const key = `${JSON.stringify(cmd)}|${version}|${Math.floor(ctx.now.getTime() / 60_000)}|${admin}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const result = await make();
    if (!result.degraded) {
      if (this.entries.size >= CACHE_SIZE) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, result);
    }
    return result;
  }
}

/** The one command path every front end takes: text in, reply out (with the command's name, for metrics). */
export async function handleCommandText(text: string, ctx: CommandContext, cache?: ReplyCache): Promise<CommandResult & { verb: Command['name'] }> {
  const cmd = parseCommand(text);
  const result = await (cache ? cache.get(cmd, ctx, () => runCommand(cmd, ctx)) : runCommand(cmd, ctx));
  return { ...result, verb: cmd.name };
}
