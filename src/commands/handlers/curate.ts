import { DateTime } from 'luxon';
import { topics } from '../../core/incident';
import {
  EVENT_ID,
  contentOf,
  corrected,
  entriesOf,
  fingerprint,
  kindOf,
  liveEntry,
  newItemId,
  type ItemEntry,
  type ItemKind,
} from '../../incident/items';
import { toInstant } from '../../incident/load';
import type { Curated, Incident, Known } from '../../incident/model';
import { note, sentenceReply } from '../../views/doc';
import { CURATE_MODAL } from '../../views/ids';
import { blockOfField, curateModal, firstBlock, type CurateMeta } from '../../views/curate-forms';
import {
  curatedReply,
  curationsFullReply,
  formOpenedFor,
  itemHistoryReply,
  noSuchItemReply,
  sourceInUseReply,
  staleFormText,
  unchangedText,
  type VersionLine,
} from '../../views/curation';
import * as followUp from '../../views/follow-up';
import type { CommandContext, CommandResult, Handler } from '../types';
import { firstTime, read } from './common';
import { triaged, triagedAlready } from './triage';

/**
 * Running an incident from Slack: adding sources, facts, timeline entries and expected updates, correcting them
 * and retracting them. Admins only (the registry checks). What is recorded is layered on the data set file
 * (core/curate.ts); nothing is written into the file and nothing is erased.
 */

/**
 * Most additions, corrections and retractions one incident keeps from Slack: far beyond what a team records for one
 * incident, it bounds what its admins can make the bot store and layer on every read.
 */
export const MAX_CURATIONS = 5000;

/** The sources an entry may cite at `now`: published by then (in the incident's zone), not withdrawn, newest first. */
export function citable(incident: Incident, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: incident.zone }).toISODate() as string;
  return incident.sources
    .filter((s) => s.withdrawn === undefined && s.date <= today)
    .sort((a, b) => b.date.localeCompare(a.date));
}

function form(incident: Incident, ctx: CommandContext, meta: CurateMeta, prefill?: Record<string, unknown>) {
  return curateModal({
    meta: { ...meta, ...(ctx.channelId !== undefined && { channelId: ctx.channelId }) },
    sources: citable(incident, ctx.now),
    topics: topics(incident, ctx.now),
    zone: incident.zone,
    prefill,
    title: incident.title,
  });
}

/** /summit add <kind>: the form (in Slack, or field by field in the console), prefilled from a feed item. */
export const addForm: Handler<'add'> = async (cmd, { incident, ctx }) => {
  if (cmd.kind === 'event' && incident.event)
    return read(sentenceReply('This incident has an event already: /summit correct event changes it.'));
  return {
    ...read(formOpenedFor(cmd.kind, 'add')),
    form: form(incident, ctx, { kind: cmd.kind, action: 'add', sourceItem: cmd.sourceItem }, cmd.prefill),
  };
};

/** /summit correct <id>: the entry's form, prefilled with what it says now. */
export const correctForm: Handler<'correct'> = async (cmd, { incident, ctx }) => {
  const found = find(incident, cmd.itemId);
  if (!found) return read(noSuchItemReply(cmd.itemId.slice(0, 64)));
  const { kind, entry } = found;
  return {
    ...read(formOpenedFor(kind, 'correct', entry.id)),
    form: form(
      incident,
      ctx,
      { kind, action: 'correct', itemId: entry.id, base: fingerprint(entry) },
      contentOf(entry),
    ),
  };
};

function find(incident: Incident, id: string): { kind: ItemKind; entry: ItemEntry } | undefined {
  const kind = kindOf(incident.origin, id);
  const entry = kind && liveEntry(incident.origin, kind, id);
  return kind && entry ? { kind, entry } : undefined;
}

/** The live entries that cite a source. */
function citing(incident: Incident, sourceId: string): string[] {
  const d = incident.origin;
  return (['fact', 'timeline', 'expected', 'event'] as const).flatMap((k) =>
    entriesOf(d, k)
      .filter((e) => e.withdrawn === undefined && 'source' in e && e.source === sourceId)
      .map((e) => e.id ?? ''),
  );
}

/** /summit retract <id> <reason>: withdrawn from now on. */
export const retract: Handler<'retract'> = async (cmd, { incident, ctx, state }) => {
  if (state.curations.length >= MAX_CURATIONS) return read(curationsFullReply(MAX_CURATIONS));
  const found = find(incident, cmd.itemId);
  if (!found) return read(noSuchItemReply(cmd.itemId.slice(0, 64)));
  const { kind, entry } = found;
  const id = entry.id as string;
  if (kind === 'source') {
    const uses = citing(incident, id);
    if (uses.length > 0) return read(sourceInUseReply(id, uses));
  }
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  await ctx.store.recordCuration({
    kind,
    itemId: id,
    action: 'retract',
    base: fingerprint(entry),
    reason: cmd.reason,
    actor: ctx.actor,
    at: ctx.now,
  });
  return { reply: curatedReply(kind, 'retract', id, cmd.reason), changed: true };
};

/**
 * A submitted add or correct form: checked against the incident (the source it cites is there, no date after
 * today, the version corrected is still the one shown), then recorded once.
 */
export const curate: Handler<'curate'> = async (cmd, { incident, ctx, state }) => {
  const { kind, action } = cmd.meta;
  if (state.curations.length >= MAX_CURATIONS)
    return { ...read(curationsFullReply(MAX_CURATIONS)), errorField: firstBlock(kind) };
  const zone = incident.zone;
  const refuse = (field: string, text: string): CommandResult => ({
    reply: sentenceReply(text),
    changed: false,
    errorField: blockOfField(kind, field),
  });
  const today = DateTime.fromJSDate(ctx.now, { zone }).toISODate() as string;
  // A source given in the same form gets its id here, and the entry cites it by that id.
  const newSource = cmd.newSource && {
    ...cmd.newSource,
    itemId: newItemId(incident.origin, 'source', cmd.newSource.entry, cmd.newSource.proposedId),
  };
  if (newSource && String(newSource.entry.date) > today)
    return {
      reply: sentenceReply(`A source cannot be dated after today (${today} in ${zone}).`),
      changed: false,
      errorField: CURATE_MODAL.sourceDate.block,
    };
  const given = newSource ? { ...cmd.entry, source: newSource.itemId } : cmd.entry;
  if (!newSource && typeof given.source === 'string' && !citable(incident, ctx.now).some((s) => s.id === given.source))
    return refuse('source', 'That source is no longer there: choose another, or add it first.');
  if (kind === 'source' && typeof given.date === 'string' && given.date > today)
    return refuse('date', `A source cannot be dated after today (${today} in ${zone}).`);
  if (kind === 'timeline' && typeof given.at === 'string' && toInstant(given.at, zone) > ctx.now)
    return refuse('at', 'A timeline entry cannot be later than now.');
  if (kind === 'event' && action === 'add' && incident.event)
    return refuse('', 'This incident has an event already: /summit correct event changes it. Nothing was recorded.');
  let itemId: string;
  let base: string | undefined;
  let entry = given;
  if (action === 'correct') {
    const current = cmd.meta.itemId === undefined ? undefined : liveEntry(incident.origin, kind, cmd.meta.itemId);
    if (!current) return refuse('', noSuchItemReply(cmd.meta.itemId ?? '').summary);
    if (fingerprint(current) !== cmd.meta.base) return refuse('', staleFormText(kind, current.id ?? ''));
    // What the form does not show (an expected update's receipt, a source's author, the event's audience) stays.
    entry = corrected(kind, current, entry);
    if (fingerprint(entry as ItemEntry) === fingerprint(current)) return refuse('', unchangedText());
    itemId = current.id as string;
    base = cmd.meta.base;
  } else itemId = newItemId(incident.origin, kind, entry, cmd.proposedId);
  // From a watched feed's item (Add as source): once only, like its other buttons.
  const done = await triagedAlready(ctx, cmd.meta.sourceItem);
  if (done) return { ...done, errorField: firstBlock(kind) };
  if (!(await firstTime(ctx))) return { ...read(followUp.replayReply()), errorField: firstBlock(kind) };
  if (newSource)
    await ctx.store.recordCuration({
      kind: 'source',
      itemId: newSource.itemId,
      action: 'add',
      entry: newSource.entry,
      actor: ctx.actor,
      at: ctx.now,
    });
  await ctx.store.recordCuration({ kind, itemId, action, entry, base, actor: ctx.actor, at: ctx.now });
  await triaged(ctx, cmd.meta.sourceItem, 'source', itemId);
  const reply = curatedReply(kind, action, itemId, describe(kind, entry));
  return {
    reply: newSource
      ? { ...reply, blocks: [...reply.blocks, note(`Its source was added too: ${newSource.itemId}.`)] }
      : reply,
    changed: true,
  };
};

function describe(kind: ItemKind, entry: Record<string, unknown>): string {
  const words = String(
    kind === 'source'
      ? `${String(entry.publisher)}: ${String(entry.title)}`
      : kind === 'event'
        ? `${String(entry.name)}, ${String(entry.location)}`
        : entry.text,
  );
  return words.length > 200 ? `${words.slice(0, 199)}…` : words;
}

/** Every version of an entry, oldest first, with who recorded it and when it was shown. */
export function itemHistory(incident: Incident, id: string, now: Date) {
  const wanted = id.toLowerCase();
  const zone = incident.zone;
  const lists = {
    fact: incident.facts,
    timeline: incident.timeline,
    expected: incident.expectedUpdates,
  } as const;
  for (const kind of ['fact', 'timeline', 'expected'] as const) {
    // As of `now`: the versions known by then, the last one as it was then (a later withdrawal not yet shown).
    const versions = (lists[kind] as { id: string; since: Date }[]).filter(
      (e) => e.id.toLowerCase() === wanted && e.since <= now,
    ) as (
      (typeof incident.facts)[number] | (typeof incident.timeline)[number] | (typeof incident.expectedUpdates)[number]
    )[];
    if (versions.length === 0) continue;
    const lines = versions.map((v) => versionLine(v, v.text, now));
    return read(itemHistoryReply(kind, versions[0]?.id ?? id, lines, zone));
  }
  if (wanted === EVENT_ID) {
    const versions = [...incident.eventHistory, ...(incident.event ? [incident.event] : [])].filter(
      (e) => e.since <= now,
    );
    if (versions.length > 0)
      return read(
        itemHistoryReply(
          'event',
          EVENT_ID,
          versions.map((v) =>
            versionLine(
              v,
              `${v.name}, ${v.location} (${DateTime.fromJSDate(v.start, { zone: v.timezone }).toISODate() ?? ''})`,
              now,
            ),
          ),
          zone,
        ),
      );
  }
  const source = incident.sources.find((s) => s.id.toLowerCase() === wanted);
  if (source)
    return read(
      itemHistoryReply(
        'source',
        source.id,
        [
          {
            text: `${source.publisher}: ${source.title} (${source.date}) ${source.url}`,
            since: toInstant(source.date, zone),
            ...(source.withdrawn && { until: source.withdrawn.at, reason: source.withdrawn.reason }),
            ...(source.recorded && { by: source.recorded.by, at: source.recorded.at }),
          },
        ],
        zone,
      ),
    );
  return undefined;
}

/** One version as history shows it at `now`: a withdrawal not yet made then is not shown. */
function versionLine(v: Known & Curated, text: string, now: Date): VersionLine {
  const ended = v.until !== undefined && v.until <= now;
  return {
    text,
    since: v.since,
    ...(ended && { until: v.until }),
    ...(ended && v.withdrawn?.reason !== undefined && { reason: v.withdrawn.reason }),
    ...(v.recorded && { by: v.recorded.by, at: v.recorded.at }),
  };
}
