import { createHash } from 'node:crypto';
import type { Dataset } from './schema';

/**
 * The entries of a data set that can be added, corrected and retracted in Slack, and what names them: sources and
 * expected updates by their own ids; facts and timeline entries by a short id, written in the file (`id:`) or
 * made from what the entry says (so it stays the same when other entries are added, moved or removed).
 */

export type ItemKind = 'source' | 'fact' | 'timeline' | 'expected' | 'event';

export const ITEM_KINDS: readonly ItemKind[] = ['source', 'fact', 'timeline', 'expected', 'event'];

/** The event's id: an incident has at most one event (its earlier versions aside). */
export const EVENT_ID = 'event';

export type SourceEntry = Dataset['incident']['sources'][number];
export type FactEntry = Dataset['incident']['facts'][number];
export type TimelineEntryInput = Dataset['incident']['timeline'][number];
export type ExpectedEntry = Dataset['expectedUpdates'][number];
export type EventEntry = NonNullable<Dataset['event']> & { id?: string };
export type ItemEntry = SourceEntry | FactEntry | TimelineEntryInput | ExpectedEntry | EventEntry;

const digest = (text: string) => BigInt(`0x${createHash('sha256').update(text).digest('hex').slice(0, 12)}`);

/** f3k9x2: a kind's letter and five base-36 digits of what the entry says. */
function madeId(prefix: string, what: string, taken: Set<string>): string {
  for (let n = 0; ; n++) {
    const id = `${prefix}${(digest(n === 0 ? what : `${what}\n${n}`) % 36n ** 5n).toString(36).padStart(5, '0')}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * The data set with every fact and timeline entry given its short id. Versions of one entry (withdrawn ones and the
 * one that replaced them) are written with their id, so only an entry the file leaves unnamed gets a made one.
 */
export function withIds(d: Dataset): Dataset {
  if (d.incident.facts.every((f) => f.id !== undefined) && d.incident.timeline.every((t) => t.id !== undefined))
    return d;
  const taken = new Set<string>([
    ...d.incident.facts.flatMap((f) => (f.id === undefined ? [] : [f.id])),
    ...d.incident.timeline.flatMap((t) => (t.id === undefined ? [] : [t.id])),
  ]);
  const name = (prefix: string, what: string) => {
    const id = madeId(prefix, what, taken);
    taken.add(id);
    return id;
  };
  return {
    ...d,
    incident: {
      ...d.incident,
      facts: d.incident.facts.map((f) => (f.id !== undefined ? f : { id: name('f', `${f.topic}\n${f.text}`), ...f })),
      timeline: d.incident.timeline.map((t) =>
        t.id !== undefined ? t : { id: name('t', `${t.at}\n${t.text}`), ...t },
      ),
    },
  };
}

/** The entries of one kind, in data set order. */
export function entriesOf(d: Dataset, kind: ItemKind): ItemEntry[] {
  switch (kind) {
    case 'source':
      return d.incident.sources;
    case 'fact':
      return d.incident.facts;
    case 'timeline':
      return d.incident.timeline;
    case 'expected':
      return d.expectedUpdates;
    case 'event':
      // Earlier versions first (each withdrawn), then the one shown now; all named "event".
      return [...d.eventHistory, ...(d.event ? [d.event] : [])].map((e) => ({ ...e, id: EVENT_ID }));
  }
}

/** The version of an entry shown now (not withdrawn), by its id; undefined when there is none. */
export function liveEntry(d: Dataset, kind: ItemKind, id: string): ItemEntry | undefined {
  const wanted = id.toLowerCase();
  return entriesOf(d, kind).find((e) => e.id?.toLowerCase() === wanted && e.withdrawn === undefined);
}

/** Which kind an id names among the live entries (ids are unique within a kind; the first kind that has it wins). */
export function kindOf(d: Dataset, id: string): ItemKind | undefined {
  return ITEM_KINDS.find((k) => liveEntry(d, k, id) !== undefined);
}

/** The fields a person gives (what a form shows and a correction replaces): no id, history or "known from". */
export function contentOf(entry: ItemEntry): Record<string, unknown> {
  const { id: _id, recorded: _r, withdrawn: _w, ...rest } = entry as ItemEntry & { since?: string };
  delete (rest as { since?: string }).since;
  return rest;
}

/**
 * What a version says, as a short hash: a form carries it, and a correction records the version it replaces, so a
 * form opened before another correction, or a correction of an entry the file has since changed, is refused or
 * set aside instead of replacing what it never saw.
 */
export function fingerprint(entry: ItemEntry): string {
  const content = contentOf(entry);
  const canonical = JSON.stringify(
    Object.keys(content)
      .sort()
      .map((k) => [k, content[k]]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** Every id an entry of this kind has had (withdrawn versions too): a new entry never takes one of them. */
function takenIds(d: Dataset, kind: ItemKind): Set<string> {
  const ids = (entries: ItemEntry[]) => entries.flatMap((e) => (e.id === undefined ? [] : [e.id.toLowerCase()]));
  // Facts and timeline entries share the short ids' space, so an id names one entry whatever its kind.
  return new Set(
    kind === 'fact' || kind === 'timeline'
      ? [...ids(d.incident.facts), ...ids(d.incident.timeline)]
      : ids(entriesOf(d, kind)),
  );
}

/**
 * The id a new entry gets: a source's or an expected update's proposed id (from its publisher and date, or its
 * text), with -2, -3... when taken; a fact's or timeline entry's short id, made from what it says.
 */
export function newItemId(d: Dataset, kind: ItemKind, entry: Record<string, unknown>, proposed?: string): string {
  const taken = takenIds(withIds(d), kind);
  if (kind === 'fact') return madeId('f', `${String(entry.topic)}\n${String(entry.text)}`, taken);
  if (kind === 'timeline') return madeId('t', `${String(entry.at)}\n${String(entry.text)}`, taken);
  if (kind === 'event') return EVENT_ID;
  const base = (proposed ?? kind).slice(0, 60);
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`.toLowerCase())) return `${base}-${n}`;
}

/** The fields of an entry its form does not show: a correction keeps them as they were. */
const NOT_IN_FORM: Record<ItemKind, readonly string[]> = {
  source: ['author'],
  fact: [],
  timeline: [],
  expected: ['received'],
  event: ['audience', 'topics'],
};

/** A correction's entry with what its form does not show taken from the version it replaces. */
export function corrected(kind: ItemKind, current: ItemEntry, entry: Record<string, unknown>): Record<string, unknown> {
  const kept = Object.fromEntries(
    NOT_IN_FORM[kind].flatMap((f) => {
      const v = (current as Record<string, unknown>)[f];
      return v === undefined || f in entry ? [] : [[f, v]];
    }),
  );
  return { ...entry, ...kept };
}
