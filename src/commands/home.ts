import { eventNow } from '../core/countdown';
import { applyFollowUps } from '../core/follow-up';
import { outstandingUpdates, updatesAsOf } from '../core/incident';
import { ownedBy, questionsAsOf } from '../core/questions';
import { HOME_LATEST_UPDATES, type HomeData } from '../views/home';
import { scopeTo } from './resolve';
import type { CommandContext, RequestContext } from './types';

/** What the Home tab shows for one user, as of the bot's clock. */
export async function homeData(ctx: CommandContext): Promise<HomeData> {
  const incident = applyFollowUps(ctx.incident, await ctx.store.state());
  const open = questionsAsOf(incident.questions, ctx.now, 'open');
  return {
    incident,
    event: eventNow(incident, ctx.now),
    open,
    yours: ownedBy(incident.questions, ctx.actor.id, ctx.now),
    latest: updatesAsOf(incident, ctx.now).slice(0, HOME_LATEST_UPDATES),
    outstanding: outstandingUpdates(incident, ctx.now),
    canRecord: open.length > 0 && (await ctx.isAdmin()),
    now: ctx.now,
  };
}

/** The Home tab's data for every incident (active ones first), each in its own context. */
export async function homeAll(req: RequestContext): Promise<HomeData[]> {
  return Promise.all(req.catalog.incidents.map((incident) => homeData(scopeTo(req, incident))));
}
