import type { RecordedCuration } from './records';
import { entriesOf, fingerprint, type EventEntry, type ItemEntry, type ItemKind } from '../incident/items';
import { resolveDataset } from '../incident/load';
import type { Incident } from '../incident/model';
import type { Dataset } from '../incident/schema';

/**
 * An incident as its data set file says, with what was added, corrected and retracted in Slack layered on top, in
 * the order it was recorded. Nothing is erased: a correction withdraws the version it replaces from the moment it
 * was recorded and the new version is known from then on (so "as of" an earlier moment shows what was known then);
 * a retraction withdraws it from its moment. A source's correction applies to every entry citing it, as a citation.
 *
 * A correction or retraction whose entry the file has changed or removed since is set aside (never applied to a
 * version it did not see) and reported, in the incident's `setAside`.
 */
export function curate(incident: Incident, curations: readonly RecordedCuration[]): Incident {
  if (curations.length === 0) return incident;
  // Made once per recorded state: its one caller, applyFollowUps, remembers its result per state.
  const { dataset, setAside } = layer(incident.origin, curations);
  return { ...resolveDataset(dataset), ...(setAside.length > 0 && { setAside }) };
}

type Lists = Record<Exclude<ItemKind, 'event'>, ItemEntry[]>;

/** The event as the layering goes: the one shown now, its earlier versions, and the incident's own zone. */
interface EventState {
  event?: EventEntry;
  history: EventEntry[];
  timezone?: string;
}

/** The data set with the curations applied, and a sentence for each one that could not be. */
export function layer(d: Dataset, curations: readonly RecordedCuration[]): { dataset: Dataset; setAside: string[] } {
  const lists: Lists = {
    source: [...entriesOf(d, 'source')],
    fact: [...entriesOf(d, 'fact')],
    timeline: [...entriesOf(d, 'timeline')],
    expected: [...entriesOf(d, 'expected')],
  };
  const event: EventState = { event: d.event, history: [...d.eventHistory], timezone: d.timezone };
  const setAside: string[] = [];
  for (const c of curations) {
    const why = c.kind === 'event' ? applyEvent(event, c) : apply(lists, { ...c, kind: c.kind });
    if (why !== undefined)
      setAside.push(`${c.action} of ${c.kind} ${c.itemId} by ${c.actor.name} at ${c.at.toISOString()}: ${why}`);
  }
  const { timezone: _zone, event: _event, ...rest } = d;
  const dataset = {
    ...rest,
    incident: {
      ...d.incident,
      sources: lists.source,
      facts: lists.fact,
      timeline: lists.timeline,
    },
    ...(event.event && { event: event.event }),
    eventHistory: event.history,
    ...(event.timezone !== undefined && { timezone: event.timezone }),
    expectedUpdates: lists.expected,
  } as Dataset;
  return { dataset, setAside };
}

/**
 * The event: added when there is none; corrected (the earlier version kept, withdrawn from the correction's moment);
 * retracted (the incident keeps the event's zone as its own). Its zone is the incident's while it has one.
 */
function applyEvent(state: EventState, c: RecordedCuration): string | undefined {
  const at = c.at.toISOString();
  const recorded = { at, by: c.actor.id, name: c.actor.name.slice(0, 100) || c.actor.id };
  const current = state.event;
  if (c.action === 'add') {
    if (current) return 'the incident had an event meanwhile';
    state.event = { ...(c.entry as EventEntry), recorded };
    state.timezone = undefined;
    return undefined;
  }
  if (!current) return 'the incident no longer has an event';
  if (c.base !== undefined && fingerprint(current) !== c.base) return 'the data set file changed it since';
  state.history.push({ ...current, withdrawn: { at, reason: c.action === 'correct' ? 'corrected' : c.reason } });
  if (c.action === 'retract') {
    state.event = undefined;
    state.timezone = current.timezone;
    return undefined;
  }
  state.event = { ...(c.entry as EventEntry), recorded, since: at };
  state.timezone = undefined;
  return undefined;
}

/** Applies one curation to the lists; undefined when it applied, else why not. */
function apply(lists: Lists, c: RecordedCuration & { kind: Exclude<ItemKind, 'event'> }): string | undefined {
  const list = lists[c.kind];
  const wanted = c.itemId.toLowerCase();
  const index = list.findIndex((e) => e.id?.toLowerCase() === wanted && e.withdrawn === undefined);
  const at = c.at.toISOString();
  const recorded = { at, by: c.actor.id, name: c.actor.name.slice(0, 100) || c.actor.id };
  if (c.action === 'add') {
    if (index !== -1) return 'its id was taken meanwhile';
    list.push({ id: c.itemId, ...c.entry, recorded } as ItemEntry);
    return undefined;
  }
  const current = list[index];
  if (!current) return 'the data set no longer has it';
  if (c.base !== undefined && fingerprint(current) !== c.base) return 'the data set file changed it since';
  if (c.action === 'retract') {
    list[index] = { ...current, withdrawn: { at, ...(c.reason !== undefined && { reason: c.reason }) } } as ItemEntry;
    return undefined;
  }
  const next = { id: current.id, ...c.entry, recorded } as ItemEntry;
  if (c.kind === 'source') {
    list[index] = next;
    return undefined;
  }
  // The earlier version stays, withdrawn from the correction's moment; the new one is known from then on.
  list.splice(
    index,
    1,
    { ...current, withdrawn: { at, reason: 'corrected' } } as ItemEntry,
    {
      ...next,
      since: at,
    } as ItemEntry,
  );
  return undefined;
}
