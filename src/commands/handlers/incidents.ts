import { outstandingUpdates } from '../../core/incident';
import { questionsAsOf } from '../../core/questions';
import { appliedAll } from '../across';
import { ownedAcross, ownersOf } from '../owners';
import * as followUp from '../../views/follow-up';
import {
  followedReply,
  followRefusedReply,
  incidentsReply,
  mineAcrossReply,
  unfollowedReply,
} from '../../views/incidents';
import type { Handler } from '../types';
import { firstTime, read } from './common';

/** The commands about incidents as a whole: list them, follow one in a channel, the caller's questions across them. */

export const list: Handler<'incidents'> = async (_cmd, { ctx }) => {
  const follows = await ctx.store.follows();
  const here = ctx.channelId === undefined ? undefined : follows.get(ctx.channelId)?.incidentId;
  const applied = await appliedAll(ctx);
  const rows = applied.map((incident) => {
    const sources = incident.sources
      .map((s) => ({ date: new Date(`${s.date}T12:00:00Z`), publisher: s.publisher }))
      .filter((s) => s.date <= ctx.now)
      .sort((a, b) => b.date.getTime() - a.date.getTime());
    return {
      id: incident.id,
      title: incident.title,
      state: incident.state,
      channels: [...follows.values()].filter((f) => f.incidentId === incident.id).map((f) => f.channelId),
      open: questionsAsOf(incident.questions, ctx.now, 'open').length,
      next: outstandingUpdates(incident, ctx.now)[0],
      latestSource: sources[0],
      zone: incident.zone,
      here: here === incident.id,
      ...(incident.github && {
        github: { repo: incident.github.repo, problem: ctx.issues?.unreachable(incident.github.repo) },
      }),
    };
  });
  const setAside = applied.flatMap((i) => (i.setAside ? [{ id: i.id, notes: i.setAside }] : []));
  return read(incidentsReply(rows, ctx.now, ctx.catalog.broken, setAside));
};

export const mine: Handler<'mine'> = async (cmd, { ctx, incident }) => {
  if (ctx.catalog.size === 1 || cmd.one === true)
    // Every owner's questions worked out once per minute and change (commands/per-minute.ts), not per caller.
    return read(followUp.mineReply(ownersOf(incident, ctx.now).get(ctx.actor.id) ?? [], ctx.now, incident.zone));
  // Each incident's owners are worked out once per minute and change of its records (commands/per-minute.ts), and
  // gathered per owner across incidents once for all users.
  const groups = (ownedAcross(await appliedAll(ctx), ctx.now).get(ctx.actor.id) ?? []).map(
    ({ incident: i, states }) => ({
      incident: { id: i.id, title: i.title, state: i.state },
      zone: i.zone,
      states,
    }),
  );
  return read(mineAcrossReply(groups, ctx.now));
};

export const follow: Handler<'follow'> = async (_cmd, { ctx, incident }) => {
  const channel = ctx.channelId;
  if (channel === undefined || channel.startsWith('D') || ctx.groupDm) return read(followRefusedReply('not-a-channel'));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const before = (await ctx.store.follows()).get(channel)?.incidentId;
  const changed = await ctx.store.setFollow(channel, incident.id, ctx.actor, ctx.now);
  return { reply: followedReply(incident, changed, before !== incident.id ? before : undefined), changed };
};

export const unfollow: Handler<'unfollow'> = async (_cmd, { ctx, incident }) => {
  const channel = ctx.channelId;
  if (channel === undefined) return read(unfollowedReply(undefined));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const followed = (await ctx.store.follows()).get(channel)?.incidentId ?? incident.id;
  const changed = await ctx.store.setFollow(channel, undefined, ctx.actor, ctx.now);
  return { reply: unfollowedReply(changed ? followed : undefined), changed };
};
