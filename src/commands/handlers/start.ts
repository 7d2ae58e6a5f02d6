import { startedDataset, startedIncident } from '../../incident/started';
import { slug } from '../../views/curate-forms';
import { startedFullReply } from '../../views/curation';
import { sentenceReply } from '../../views/doc';
import * as followUp from '../../views/follow-up';
import { START_MODAL } from '../../views/ids';
import { START_FIELD_BLOCKS, startIncidentModal, zoneOr } from '../../views/start-form';
import { RESERVED_WORDS } from '../grammar';
import type { CommandResult, Handler } from '../types';
import { firstTime, read } from './common';

/** Most incidents started in Slack: every one is read at start and at each check of the data sets, and held. */
export const MAX_STARTED = 200;

/** /summit new: the Start an incident form (in Slack, or asked field by field in the console), its zone the person's own. */
export const newForm: Handler<'new'> = async (_cmd, { ctx }) => {
  const person = await ctx.lookupUser?.(ctx.actor.id).catch(() => undefined);
  return {
    ...read(sentenceReply('Opened the form to start an incident.')),
    form: startIncidentModal({ timezone: zoneOr(person?.tz), channelId: ctx.channelId }),
  };
};

/**
 * A submitted Start an incident form: checked by the data set's schema (the id's rules too), the id free among the
 * incidents and never a command's word; then stored, made this process's at once (the other replicas read it at
 * their next check of the data sets), and followed by the channel it was started in.
 */
export const start: Handler<'start'> = async (cmd, { ctx }) => {
  const refuse = (block: string, text: string): CommandResult => ({
    reply: sentenceReply(text),
    changed: false,
    errorField: block,
  });
  const id = cmd.id ?? slug(cmd.title, 40).replace(/-+$/, '');
  const started = {
    id,
    title: cmd.title,
    summary: cmd.summary,
    timezone: cmd.timezone,
    ...(cmd.github !== undefined && { githubRepo: cmd.github }),
    actor: ctx.actor,
    at: ctx.now,
  };
  const parsed = startedDataset(started);
  if (!parsed.success) {
    // Every mistake at once, each beside its own field; an id made from an empty title is the title's mistake.
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[issue.path[0] === 'incident' ? 1 : 0] ?? 'title');
      if (field === 'id' && cmd.id === undefined && cmd.title === '') continue;
      const block = START_FIELD_BLOCKS[field] ?? START_MODAL.title.block;
      const name = field === 'id' ? 'The id' : field === 'github' ? 'The GitHub repository' : `The ${field}`;
      errors[block] ??= `${name} ${issue.message}.`;
    }
    if (cmd.title === '') errors[START_MODAL.title.block] ??= 'The title must not be empty.';
    const first = Object.entries(errors)[0] ?? [START_MODAL.title.block, 'The form is not valid.'];
    return { ...refuse(first[0], first[1]), formErrors: errors };
  }
  if (ctx.catalog.has(id) || RESERVED_WORDS.includes(id))
    return refuse(
      START_MODAL.id.block,
      ctx.catalog.has(id)
        ? `"${id}" is already the id of an incident: choose another.`
        : `"${id}" is the word of a /summit command: choose another, such as ${id}-incident.`,
    );
  if ((await ctx.store.startedIncidents()).length >= MAX_STARTED)
    return refuse(START_MODAL.title.block, startedFullReply(MAX_STARTED).summary);
  if (!(await firstTime(ctx))) return { ...read(followUp.replayReply()), errorField: START_MODAL.title.block };
  if (!(await ctx.store.startIncident(started)))
    return refuse(START_MODAL.id.block, `"${id}" was just taken by another incident: choose another.`);
  const incident = startedIncident(started);
  if (incident && !ctx.catalog.has(id)) ctx.catalog.replace([...ctx.catalog.incidents, incident], ctx.catalog.broken);
  const channel = cmd.channelId ?? ctx.channelId;
  const here = channel !== undefined && !channel.startsWith('D');
  if (here) await ctx.store.setFollow(channel, id, ctx.actor, ctx.now);
  return {
    reply: sentenceReply(
      `Started ${cmd.title} (${id})${here ? '; this channel follows it' : ''}. Next: /summit ${here ? '' : `${id} `}add source, then add facts, timeline entries and expected updates citing it. You are its admin.`,
    ),
    changed: true,
  };
};
