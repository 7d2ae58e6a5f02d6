import { DateTime } from 'luxon';
import { questionsAsOf } from '../../core/questions';
import { addForm } from './curate';
import type { Incident } from '../../incident/model';
import type { SeenItem } from '../../store/feeds';
import * as followUp from '../../views/follow-up';
import { sourceAnswerModal, sourceUpdateModal } from '../../views/lifecycle-forms';
import {
  alreadyTriagedReply,
  dismissedItemReply,
  dismissedReply,
  noSuchItemReply,
  sourcesReply,
} from '../../views/sources';
import type { CommandContext, CommandResult, Handler } from '../types';
import { read } from './common';
import { latestTriage } from './triage';

/** Watched feeds: what /summit sources shows, and the triage buttons on a posted item. */

/** How many of each feed's latest items /summit sources lists. */
const LATEST = 5;

export const sources: Handler<'sources'> = async (_cmd, { incident, ctx }) => {
  const feeds = await Promise.all(
    incident.watch.map(async (feed) => ({
      feed,
      state: await ctx.store.feeds.state(feed.id),
      // "As of": items the bot had seen by then.
      latest: (await ctx.store.feeds.latest(feed.id, LATEST * 4)).filter((i) => i.seenAt <= ctx.now).slice(0, LATEST),
    })),
  );
  const triage = await latestTriage(
    ctx,
    feeds.flatMap((f) => f.latest.map((i) => i.itemRef)),
    ctx.now,
  );
  return read(sourcesReply({ feeds, triage, now: ctx.now, zone: incident.zone }));
};

/** The latest triage of each item, as known at `now`. */

/** The item a button names, with its feed, if it is known and not triaged yet; else the reply saying why. */
async function untriaged(
  incident: Incident,
  ctx: CommandContext,
  itemRef: string,
): Promise<{ item: SeenItem; publisher: string } | CommandResult> {
  const item = await ctx.store.feeds.item(itemRef);
  const feed = item && incident.watch.find((f) => f.id === item.feedId);
  if (!item || !feed) return read(noSuchItemReply());
  const done = (await latestTriage(ctx, [itemRef], ctx.now)).get(itemRef);
  if (done) return read(alreadyTriagedReply(done));
  return { item, publisher: feed.publisher };
}

export const updateForm: Handler<'source-update-form'> = async (cmd, { incident, ctx }) => {
  const found = await untriaged(incident, ctx, cmd.itemRef);
  if ('reply' in found) return found;
  const { item, publisher } = found;
  const form = sourceUpdateModal(incident.expectedUpdates, { ...item, publisher }, ctx.channelId);
  return { ...read(followUp.formOpenedReply(item.title)), form };
};

export const answerForm: Handler<'source-answer-form'> = async (cmd, { incident, ctx }) => {
  const found = await untriaged(incident, ctx, cmd.itemRef);
  if ('reply' in found) return found;
  const open = questionsAsOf(incident.questions, ctx.now, 'open');
  if (open.length === 0) return read(followUp.noOpenQuestionReply());
  const { item, publisher } = found;
  return {
    ...read(followUp.formOpenedReply(item.title)),
    form: sourceAnswerModal(open, { ...item, publisher }, ctx.channelId),
  };
};

/** Add as source: the Add source form with the item's link, title, publisher and date. */
export const addAsSourceForm: Handler<'source-add-form'> = async (cmd, env) => {
  const found = await untriaged(env.incident, env.ctx, cmd.itemRef);
  if ('reply' in found) return found;
  const { item, publisher } = found;
  const zone = env.incident.zone;
  const date = DateTime.fromJSDate(item.published ?? item.seenAt, { zone }).toISODate() ?? '';
  return addForm(
    {
      name: 'add',
      kind: 'source',
      sourceItem: cmd.itemRef,
      prefill: { ...(item.link !== undefined && { url: item.link }), title: item.title, publisher, date },
    },
    env,
  );
};

export const dismiss: Handler<'source-dismiss'> = async (cmd, { incident, ctx }) => {
  const found = await untriaged(incident, ctx, cmd.itemRef);
  if ('reply' in found) return found;
  await ctx.store.feeds.recordTriage({ itemRef: cmd.itemRef, action: 'dismissed', actor: ctx.actor, at: ctx.now });
  return {
    reply: dismissedReply(),
    changed: true,
    replaceMessage: dismissedItemReply(found.item, found.publisher, ctx.actor.id, ctx.now, incident.zone),
  };
};
