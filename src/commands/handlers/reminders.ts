import { shift } from '../../core/plan';
import { targetKey, type Target } from '../../store/reminders';
import * as followUp from '../../views/follow-up';
import { subscriptionRefusedReply, subscriptionReply } from '../../views/schedule';
import type { CommandContext, CommandResult, Handler } from '../types';
import { firstTime, read } from './common';

/** Who receives reminders: channels, people by DM, the console. */

/** The console's one target: it prints reminders as they fire until told to stop; the store remembers which. */
export const CONSOLE_TARGET: Target = { kind: 'console', id: 'local' };

export const subscription: Handler<'subscribe' | 'unsubscribe'> = async (cmd, { ctx }) => {
  const on = cmd.name === 'subscribe';
  const channel = ctx.channelId;
  if (channel === undefined) return consoleReminders(on, ctx);
  if (channel.startsWith('D')) return read(subscriptionReply(followUp.SUBSCRIBE_IN_DM, false));
  if (on && ctx.groupDm) return read(subscriptionRefusedReply('group-dm'));
  const target: Target = { kind: 'channel', id: channel };
  if (on && ctx.channelAccess) {
    // Checked now, so a channel the bot cannot post and read in is refused with how to fix it, instead of failing
    // silently when the first reminder is due. Joining a public channel happens here too.
    const access = await ctx.channelAccess(channel);
    if (access !== 'member') return read(subscriptionRefusedReply(access));
  }
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const changed = on
    ? await ctx.store.reminders.subscribe(target, ctx.actor, ctx.now)
    : await ctx.store.reminders.unsubscribe(target, ctx.actor, ctx.now);
  return { reply: subscriptionReply(followUp.channelSubscriptionText(on, changed), on), changed };
};

export const remind: Handler<'remind'> = async (cmd, { ctx }) => {
  if (ctx.channelId === undefined) return consoleReminders(cmd.on, ctx);
  const me: Target = { kind: 'user', id: ctx.actor.id };
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const changed = cmd.on
    ? await ctx.store.reminders.subscribe(me, ctx.actor, ctx.now)
    : await ctx.store.reminders.unsubscribe(me, ctx.actor, ctx.now);
  return { reply: subscriptionReply(followUp.dmSubscriptionText(cmd.on, changed), cmd.on), changed };
};

/** subscribe / remind me and unsubscribe / remind off, typed in the console. */
async function consoleReminders(on: boolean, ctx: CommandContext): Promise<CommandResult> {
  const changed = on
    ? await ctx.store.reminders.subscribe(CONSOLE_TARGET, ctx.actor, ctx.now)
    : await ctx.store.reminders.unsubscribe(CONSOLE_TARGET, ctx.actor, ctx.now);
  return { reply: subscriptionReply(followUp.consoleSubscriptionText(on, changed), on), changed };
}

/**
 * Snooze 1 day, pressed on a reminder: in a DM it postpones that person's reminders of the series; in a channel it
 * postpones the channel's (the registry asks for the permission that subscribing the channel needs).
 */
export const snooze: Handler<'snooze'> = async (cmd, { incident, ctx }) => {
  const channel = ctx.channelId;
  if (channel === undefined) return read(subscriptionReply(followUp.NO_SNOOZE_IN_CONSOLE, false));
  if (!knownSeries(incident).includes(cmd.series)) return read(followUp.unknownSeriesReply());
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const dm = channel.startsWith('D');
  const target: Target = dm ? { kind: 'user', id: ctx.actor.id } : { kind: 'channel', id: channel };
  const zone = incident.reminders?.zone ?? incident.zone;
  const until = shift(ctx.now, { amount: 1, unit: 'days', text: '1d' }, zone, 1);
  await ctx.store.reminders.snooze(cmd.series, targetKey(target), until, ctx.actor, ctx.now);
  return { reply: followUp.snoozedReply(dm), changed: true };
};

/** The reminder series a data set can have: what Snooze may name. */
function knownSeries(incident: { expectedUpdates: { id: string }[]; questions: { id: string }[] }): string[] {
  return [
    'countdown',
    'digest',
    ...incident.expectedUpdates.map((u) => `nudge:${u.id}`),
    ...incident.questions.map((q) => `chase:${q.id}`),
  ];
}
