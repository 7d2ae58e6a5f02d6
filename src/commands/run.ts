import { applyFollowUps } from '../core/follow-up';
import { EMPTY_STATE, type FollowUpState } from '../core/records';
import { AdminCheckError, StoreUnavailableError } from '../lib/errors';
import type { Reply } from '../views/doc';
import * as followUp from '../views/follow-up';
import * as views from '../views/replies';
import { read } from './handlers/common';
import { entryOf, REGISTRY, type Entry } from './registry';
import type { Command, CommandContext, CommandName, CommandResult, Handler, RunEnv } from './types';

export type { ChannelAccess, CommandContext, CommandResult } from './types';
export { CONSOLE_TARGET } from './handlers/reminders';
export { MAX_ADDED_QUESTIONS } from './handlers/record';

/**
 * Runs a parsed command: reads the stored follow-ups, applies them on top of the data set as of `now`, checks who
 * may run it (the registry says), and hands it to its handler. While the store is down, a command the registry
 * marks as answering from the data set answers so and says so first; any other changes nothing and says why.
 */
export async function runCommand(cmd: Command, ctx: CommandContext): Promise<CommandResult> {
  if (cmd.name === 'usage') return read(usageOf(cmd.command, cmd.problem));
  if (cmd.name === 'unknown') return read(views.unknownReply(cmd.word, cmd.suggestion));
  const entry = REGISTRY[cmd.name] as Entry<CommandName>;
  try {
    return await dispatch(cmd, entry, ctx, entry.storeDown === 'none' ? EMPTY_STATE : await ctx.store.state());
  } catch (error) {
    if (error instanceof AdminCheckError) return read(followUp.adminUnconfirmedReply());
    if (!(error instanceof StoreUnavailableError)) throw error;
    if (entry.storeDown !== 'dataset') return { reply: views.storeDownReply(), changed: false, degraded: true };
    const { reply } = await dispatch(cmd, entry, ctx, EMPTY_STATE);
    return { reply: views.degraded(reply), changed: false, degraded: true };
  }
}

async function dispatch(
  cmd: Exclude<Command, { name: 'usage' | 'unknown' }>,
  entry: Entry<CommandName>,
  ctx: CommandContext,
  state: FollowUpState,
): Promise<CommandResult> {
  const incident = applyFollowUps(ctx.incident, state);
  const refused = await refusal(entry, ctx, incident.permissions);
  if (refused) return read(refused);
  const env: RunEnv = { ctx, incident, state, usage: (problem) => read(usageOf(cmd.name, problem)) };
  return (entry.run as Handler<CommandName>)(cmd as never, env);
}

/** The refusal for someone the registry's access rule keeps out, or undefined when they may go on. */
async function refusal(
  entry: Entry<CommandName>,
  ctx: CommandContext,
  permissions: { ask: string; subscribe: string; link: string },
): Promise<Reply | undefined> {
  // Starting an incident: workspace admins and owners, and SUMMIT_ADMINS (no incident's own admins count).
  if (entry.access === 'workspace')
    return (await ctx.isAdminOf({ admins: [] })) ? undefined : followUp.refusalReply(entry.refusal ?? 'do that', []);
  const adminsOnly =
    entry.access === 'admins' ||
    (entry.access === 'link' && permissions.link === 'admins') ||
    (entry.access === 'ask' && permissions.ask === 'admins') ||
    (entry.access === 'subscribe' &&
      permissions.subscribe === 'admins' &&
      ctx.channelId !== undefined &&
      !ctx.channelId.startsWith('D'));
  if (!adminsOnly || (await ctx.isAdmin())) return undefined;
  return followUp.refusalReply(entry.refusal ?? 'do that', ctx.incident.admins);
}

function usageOf(name: CommandName, problem: string): Reply {
  const entry = entryOf(name);
  return views.usageReply({ name, usage: entry.usage, summary: entry.summary, changes: entry.changes }, problem);
}
