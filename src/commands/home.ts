import { eventNow } from '../core/countdown';
import { applyFollowUps } from '../core/follow-up';
import { outstandingUpdates, updatesAsOf } from '../core/incident';
import { questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';
import { ownersOf } from './owners';
import { perMinute } from './per-minute';
import { HOME_LATEST_UPDATES, HOME_MAX_INCIDENTS, type HomeData } from '../views/home';
import { appliedAll } from './across';
import { scopeTo } from './resolve';
import type { CommandContext, RequestContext } from './types';

/** What the Home tab shows for one user, as of the bot's clock. */
export async function homeData(ctx: CommandContext): Promise<HomeData> {
  return homeOf(applyFollowUps(ctx.incident, await ctx.store.state()), ctx);
}

/** One incident's part of the Home tab, for the viewer: what every viewer sees is worked out once a minute. */
async function homeOf(incident: Incident, ctx: CommandContext): Promise<HomeData> {
  const shared = perMinute(incident, ctx.now, 'home', () => ({
    event: eventNow(incident, ctx.now),
    open: questionsAsOf(incident.questions, ctx.now, 'open'),
    latest: updatesAsOf(incident, ctx.now).slice(0, HOME_LATEST_UPDATES),
    outstanding: outstandingUpdates(incident, ctx.now),
  }));
  return {
    incident,
    ...shared,
    yours: ownersOf(incident, ctx.now).get(ctx.actor.id) ?? [],
    canRecord: shared.open.length > 0 && (await ctx.isAdmin()),
    now: ctx.now,
  };
}

/**
 * The Home tab's data for every incident (active ones first): in full for those the tab shows, and only the
 * viewer's own questions for the rest (which the tab counts but does not show).
 */
export async function homeAll(req: RequestContext): Promise<HomeData[]> {
  const all = await appliedAll(req);
  return Promise.all(
    all.map((incident, i) =>
      i < HOME_MAX_INCIDENTS
        ? homeOf(incident, scopeTo(req, req.catalog.incidents[i] as Incident))
        : {
            incident,
            open: [],
            yours: ownersOf(incident, req.now).get(req.actor.id) ?? [],
            latest: [],
            outstanding: [],
            canRecord: false,
            now: req.now,
          },
    ),
  );
}
