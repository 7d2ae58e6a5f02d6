import type { Triage } from '../../store/feeds';
import { alreadyTriagedReply } from '../../views/sources';
import type { CommandContext, CommandResult } from '../types';
import { read } from './common';

/**
 * A watched feed's items once someone decided what they are (an update, an answer, a source, dismissed): below both
 * the feed's handlers and the ones that record from an item, so neither imports the other for it.
 */

/** The latest decision on each item, as of `now`. */
export async function latestTriage(ctx: CommandContext, refs: string[], now: Date): Promise<Map<string, Triage>> {
  const map = new Map<string, Triage>();
  for (const t of await ctx.store.feeds.triage(refs)) if (t.at <= now) map.set(t.itemRef, t);
  return map;
}

/**
 * Before recording an update or an answer from an item: the reply when the item was triaged already (a second
 * submission of its form, or another person's meanwhile), like a second press of its button; undefined to go on.
 */
export async function triagedAlready(
  ctx: CommandContext,
  itemRef: string | undefined,
): Promise<CommandResult | undefined> {
  if (itemRef === undefined) return undefined;
  const done = (await latestTriage(ctx, [itemRef], ctx.now)).get(itemRef);
  return done ? read(alreadyTriagedReply(done)) : undefined;
}

/** After an update or answer recorded from an item: the item is triaged, with who and when. */
export async function triaged(
  ctx: CommandContext,
  itemRef: string | undefined,
  action: 'update' | 'answer' | 'source',
  detail: string,
): Promise<void> {
  if (itemRef !== undefined)
    await ctx.store.feeds.recordTriage({ itemRef, action, detail, actor: ctx.actor, at: ctx.now });
}
