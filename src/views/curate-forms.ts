import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { ItemKind } from '../incident/items';
import type { Source } from '../incident/model';
import { eventSchema, expectedUpdateSchema, factSchema, sourceSchema, timelineSchema } from '../incident/schema';
import { CHANNEL_ID, sanitize } from '../lib/text';
import { escapeMrkdwn, truncate } from './format';
import { CALLBACKS, CURATE_MODAL } from './ids';
import { errorsByBlock, parseMetadata, type StateValues } from './modals';
import { selectOne, toOption, type Choice } from './select';

/**
 * The forms that add to an incident and correct what it says: a source, a fact, a timeline entry, an expected
 * update. What a form gives is written in the data set's own shape and checked by the data set's own schema (one
 * validation for a file and a form); a finding shows beside its field. What needs the incident (does the source
 * exist, is the id free, is the date past) is the handler's to check.
 */

export const KIND_NAME: Record<ItemKind, string> = {
  source: 'source',
  fact: 'fact',
  timeline: 'timeline entry',
  expected: 'expected update',
  event: 'event',
};

/** Where a form was opened and what it changes; carried in the form's private_metadata. */
export interface CurateMeta {
  kind: ItemKind;
  action: 'add' | 'correct';
  /** The entry corrected. */
  itemId?: string;
  /** The fingerprint of the version the form was opened on (a stale form is refused). */
  base?: string;
  channelId?: string;
  /** The watched feed item it was opened from (Add as source), triaged once it is recorded. */
  sourceItem?: string;
}

const metaSchema = z.object({
  kind: z.enum(['source', 'fact', 'timeline', 'expected', 'event']),
  action: z.enum(['add', 'correct']),
  itemId: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/)
    .optional(),
  base: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/)
    .optional(),
  channelId: z.string().regex(CHANNEL_ID).optional(),
  sourceItem: z.string().max(200).optional(),
});

export interface CurateFormInput {
  meta: CurateMeta;
  /** The sources a fact, entry or update may cite: newest first. */
  sources: Source[];
  /** The incident's fact topics. */
  topics: string[];
  /** The incident's zone (the event's default). */
  zone: string;
  /** The entry's fields as the data set has them (a correction), or what is known already (a feed item). */
  prefill?: Record<string, unknown>;
  title: string;
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });
/** The longest URL a source may have, in a form as in a data set file (incident/schema.ts). */
const MAX_URL = 2000;

function textInput(
  field: keyof typeof CURATE_MODAL,
  label: string,
  o: { initial?: unknown; multiline?: boolean; max: number; optional?: boolean; placeholder?: string; hint?: string },
): KnownBlock {
  const f = CURATE_MODAL[field];
  return {
    type: 'input',
    block_id: f.block,
    label: plain(label),
    ...(o.optional && { optional: true }),
    ...(o.hint !== undefined && { hint: plain(o.hint) }),
    element: {
      type: 'plain_text_input',
      action_id: f.action,
      multiline: o.multiline ?? false,
      max_length: o.max,
      ...(typeof o.initial === 'string' && o.initial !== '' && { initial_value: truncate(o.initial, o.max) }),
      ...(o.placeholder !== undefined && { placeholder: plain(o.placeholder) }),
    },
  };
}

function dateInput(
  field: keyof typeof CURATE_MODAL,
  label: string,
  initial: unknown,
  optional = false,
  hint?: string,
): KnownBlock {
  const f = CURATE_MODAL[field];
  const day = typeof initial === 'string' ? initial.slice(0, 10) : undefined;
  return {
    type: 'input',
    block_id: f.block,
    label: plain(label),
    ...(optional && { optional: true }),
    ...(hint !== undefined && { hint: plain(hint) }),
    element: {
      type: 'datepicker',
      action_id: f.action,
      ...(day !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(day) && { initial_date: day }),
    },
  };
}

/** The sources an entry may cite, as a select offers them (newest first). */
export function sourceChoices(sources: readonly Source[]): Choice[] {
  return sources.map((s) => ({ text: `${s.date} ${s.publisher}: ${s.title}`, value: s.id }));
}

/** An incident's fact topics, as a select offers them. */
export function topicChoices(topics: readonly string[]): Choice[] {
  return topics.map((t) => ({ text: t, value: t }));
}

/**
 * Which source says so: a select of the incident's sources (however many: past 100 Slack asks the bot as people
 * type, and a correction opens with its own source chosen, however old). An incident with no source yet gets the
 * new source's fields instead, recorded with the entry: never an empty select.
 */
function sourceBlocks(sources: Source[], initial: unknown): KnownBlock[] {
  const element = selectOne(CURATE_MODAL.source.action, sourceChoices(sources), {
    placeholder: 'The source that says so',
    ...(typeof initial === 'string' && { initial }),
  });
  if (element) return [{ type: 'input', block_id: CURATE_MODAL.source.block, label: plain('Source'), element }];
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '*Source.* This incident has no source yet: give the one that says so, and it is added with this entry.',
      },
    },
    textInput('sourceUrl', 'Source URL', { max: MAX_URL, placeholder: 'https://' }),
    textInput('sourceTitle', 'Source title', { max: 300 }),
    textInput('sourcePublisher', 'Source publisher', { max: 200 }),
    dateInput('sourceDate', 'Source date', undefined),
  ];
}

/** The add or correct form of one kind of entry. */
export function curateModal(input: CurateFormInput): ModalView {
  const { meta, prefill = {} } = input;
  const name = KIND_NAME[meta.kind];
  const heading =
    meta.action === 'add'
      ? `A new ${name} for *${escapeMrkdwn(input.title)}*.${meta.kind === 'source' ? '' : ' Add its source first if it is not in the list.'}`
      : `Correct ${name} \`${meta.itemId ?? ''}\` of *${escapeMrkdwn(input.title)}*. The earlier version stays in its history, and "as of" a moment before now still shows it.`;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: truncate(heading, 3000) } }];
  if (meta.kind === 'source')
    blocks.push(
      textInput('url', 'URL', { initial: prefill.url, max: MAX_URL, placeholder: 'https://' }),
      textInput('title', 'Title', { initial: prefill.title, max: 300 }),
      textInput('publisher', 'Publisher', { initial: prefill.publisher, max: 200 }),
      dateInput('date', 'Date', prefill.date),
    );
  if (meta.kind === 'fact') {
    const wanted = String(prefill.topic ?? '').toLowerCase();
    const current = input.topics.includes(wanted) ? wanted : undefined;
    const topicSelect = selectOne(CURATE_MODAL.topic.action, topicChoices(input.topics), {
      placeholder: 'A topic of this incident',
      ...(current !== undefined && { initial: current }),
    });
    if (topicSelect)
      blocks.push({
        type: 'input',
        block_id: CURATE_MODAL.topic.block,
        label: plain('Topic'),
        optional: true,
        element: topicSelect,
      });
    blocks.push(
      textInput('newTopic', 'New topic', {
        max: 64,
        optional: true,
        placeholder: 'Another topic, such as aftermath',
        initial: current ? undefined : prefill.topic,
      }),
      textInput('text', 'Text', { initial: prefill.text, multiline: true, max: 1500 }),
      ...sourceBlocks(input.sources, prefill.source),
    );
  }
  if (meta.kind === 'timeline') {
    const at = typeof prefill.at === 'string' ? prefill.at : undefined;
    const time = at !== undefined && at.length > 10 ? /T(\d{2}:\d{2})/.exec(at)?.[1] : undefined;
    blocks.push(dateInput('when', 'When', at), {
      type: 'input',
      block_id: CURATE_MODAL.time.block,
      label: plain('Time (UTC)'),
      optional: true,
      element: { type: 'timepicker', action_id: CURATE_MODAL.time.action, ...(time && { initial_time: time }) },
    });
    blocks.push(
      textInput('text', 'Text', { initial: prefill.text, multiline: true, max: 1000 }),
      ...sourceBlocks(input.sources, prefill.source),
    );
  }
  if (meta.kind === 'expected') {
    const estimatedOption = toOption({ text: 'No date given: the date above is our estimate', value: 'estimated' });
    blocks.push(
      textInput('text', 'Text', { initial: prefill.text, multiline: true, max: 500 }),
      dateInput('expected', 'Expected date', prefill.expected),
      {
        type: 'input',
        block_id: CURATE_MODAL.estimated.block,
        label: plain('No date given'),
        optional: true,
        element: {
          type: 'checkboxes',
          action_id: CURATE_MODAL.estimated.action,
          options: [estimatedOption],
          ...(prefill.estimated === true && { initial_options: [estimatedOption] }),
        },
      },
      ...sourceBlocks(input.sources, prefill.source),
    );
  }
  if (meta.kind === 'event') {
    const instant = (v: unknown) =>
      typeof v === 'string' && v.length > 10 && !Number.isNaN(Date.parse(v))
        ? Math.floor(Date.parse(v) / 1000)
        : undefined;
    const moment = (field: 'start' | 'end', label: string, initial: unknown, hint?: string): KnownBlock => {
      const at = instant(initial);
      return {
        type: 'input',
        block_id: CURATE_MODAL[field].block,
        label: plain(label),
        optional: true,
        ...(hint !== undefined && { hint: plain(hint) }),
        element: {
          type: 'datetimepicker',
          action_id: CURATE_MODAL[field].action,
          ...(at !== undefined && { initial_date_time: at }),
        },
      };
    };
    blocks.push(
      textInput('name', 'Name', { initial: prefill.name, max: 150 }),
      dateInput('date', 'Date', prefill.date, true, 'An all-day event: its date alone.'),
      moment('start', 'Start', prefill.start, 'A timed event: its start (and end) instead.'),
      moment('end', 'End', prefill.end),
      textInput('timezone', 'Time zone', { initial: prefill.timezone ?? input.zone, max: 64 }),
      textInput('location', 'Location', { initial: prefill.location, max: 300 }),
      textInput('hosts', 'Hosts', {
        initial: Array.isArray(prefill.hosts) ? prefill.hosts.join(', ') : undefined,
        max: 1000,
        hint: 'Comma-separated, such as Microsoft, CrowdStrike',
      }),
      ...sourceBlocks(input.sources, prefill.source),
    );
  }
  return {
    type: 'modal',
    callback_id: CALLBACKS.curateModal,
    private_metadata: JSON.stringify(meta),
    title: plain(truncate(meta.action === 'add' ? `Add ${name}` : `Correct ${name}`, 24)),
    submit: plain(meta.action === 'add' ? 'Add' : 'Save correction'),
    close: plain('Cancel'),
    blocks,
  };
}

/** Where each field of an entry is shown in the form, by kind. */
const FIELD_BLOCKS: Record<ItemKind, Record<string, string>> = {
  source: {
    url: CURATE_MODAL.url.block,
    title: CURATE_MODAL.title.block,
    publisher: CURATE_MODAL.publisher.block,
    date: CURATE_MODAL.date.block,
    id: CURATE_MODAL.publisher.block,
  },
  fact: { topic: CURATE_MODAL.newTopic.block, text: CURATE_MODAL.text.block, source: CURATE_MODAL.source.block },
  timeline: { at: CURATE_MODAL.when.block, text: CURATE_MODAL.text.block, source: CURATE_MODAL.source.block },
  expected: {
    text: CURATE_MODAL.text.block,
    expected: CURATE_MODAL.expected.block,
    source: CURATE_MODAL.source.block,
    id: CURATE_MODAL.text.block,
  },
  event: {
    name: CURATE_MODAL.name.block,
    date: CURATE_MODAL.date.block,
    start: CURATE_MODAL.start.block,
    end: CURATE_MODAL.end.block,
    timezone: CURATE_MODAL.timezone.block,
    location: CURATE_MODAL.location.block,
    hosts: CURATE_MODAL.hosts.block,
    source: CURATE_MODAL.source.block,
  },
};

/** Where each field of a source given with its entry is shown. */
const NEW_SOURCE_BLOCKS: Record<string, string> = {
  url: CURATE_MODAL.sourceUrl.block,
  title: CURATE_MODAL.sourceTitle.block,
  publisher: CURATE_MODAL.sourcePublisher.block,
  id: CURATE_MODAL.sourcePublisher.block,
  date: CURATE_MODAL.sourceDate.block,
};

/** The block that shows a problem with an entry's field. */
export function blockOfField(kind: ItemKind, field: string): string {
  return FIELD_BLOCKS[kind][field] ?? firstBlock(kind);
}

export function firstBlock(kind: ItemKind): string {
  return kind === 'source'
    ? CURATE_MODAL.url.block
    : kind === 'timeline'
      ? CURATE_MODAL.when.block
      : kind === 'event'
        ? CURATE_MODAL.name.block
        : CURATE_MODAL.text.block;
}

const SCHEMAS = {
  source: sourceSchema,
  fact: factSchema,
  timeline: timelineSchema,
  expected: expectedUpdateSchema,
  event: eventSchema,
};

/** A few words of a text as an id: "Microsoft to share updates" -> microsoft-to-share-updates. */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return /^[a-z0-9]/.test(s) ? s : `x${s}`.slice(0, max);
}

/** A source given in the same form as the entry that cites it (an incident with no source yet). */
export interface NewSource {
  entry: Record<string, unknown>;
  proposedId: string;
}

export type CurateSubmission =
  | { ok: true; meta: CurateMeta; entry: Record<string, unknown>; proposedId?: string; newSource?: NewSource }
  | { ok: false; errors: Record<string, string> }
  | { ok: false; expired: true };

/**
 * A submitted add or correct form as a data set entry, checked by the data set's schema for its kind. A source's
 * and an expected update's id is proposed from what was written (publisher and date; the text); the handler makes
 * it unique in the incident.
 */
export function parseCurateSubmission(values: StateValues, metadata: string): CurateSubmission {
  const meta = parseMetadata(metaSchema, metadata);
  if (!meta) return { ok: false, expired: true };
  const v = (field: keyof typeof CURATE_MODAL) => values[CURATE_MODAL[field].block]?.[CURATE_MODAL[field].action];
  const text = (field: keyof typeof CURATE_MODAL) => sanitize(v(field)?.value ?? '').trim();
  const date = (field: keyof typeof CURATE_MODAL) => v(field)?.selected_date ?? '';
  let entry: Record<string, unknown>;
  switch (meta.kind) {
    case 'source':
      entry = {
        id: meta.itemId ?? slug(`${text('publisher')} ${date('date')}`),
        title: text('title'),
        publisher: text('publisher'),
        date: date('date'),
        url: text('url'),
      };
      break;
    case 'fact':
      entry = {
        topic: (text('newTopic') || v('topic')?.selected_option?.value || '').toLowerCase(),
        text: text('text'),
        source: v('source')?.selected_option?.value ?? '',
      };
      break;
    case 'timeline': {
      const time = v('time')?.selected_time ?? '';
      entry = {
        at: date('when') !== '' && time !== '' ? `${date('when')}T${time}:00Z` : date('when'),
        text: text('text'),
        source: v('source')?.selected_option?.value ?? '',
      };
      break;
    }
    case 'expected':
      entry = {
        id: meta.itemId ?? slug(text('text'), 30),
        text: text('text'),
        expected: date('expected'),
        estimated: (v('estimated')?.selected_options ?? []).some((o) => o.value === 'estimated'),
        source: v('source')?.selected_option?.value ?? '',
      };
      break;
    case 'event': {
      const moment = (field: 'start' | 'end') => {
        const at = v(field)?.selected_date_time;
        return typeof at === 'number' ? new Date(at * 1000).toISOString().replace('.000Z', 'Z') : undefined;
      };
      const hosts = text('hosts')
        .split(',')
        .map((h) => h.trim())
        .filter((h) => h !== '');
      entry = {
        name: text('name'),
        ...(date('date') !== '' && { date: date('date') }),
        ...(moment('start') !== undefined && { start: moment('start') }),
        ...(moment('end') !== undefined && { end: moment('end') }),
        timezone: text('timezone'),
        location: text('location'),
        hosts,
        source: v('source')?.selected_option?.value ?? '',
      };
      break;
    }
  }
  const errors: Record<string, string> = {};
  // A new source given with the entry: checked as a source is, each finding beside its own field.
  let newSource: NewSource | undefined;
  if (values[CURATE_MODAL.sourceUrl.block] !== undefined && meta.kind !== 'source') {
    const proposedId = slug(`${text('sourcePublisher')} ${date('sourceDate')}`);
    const given = {
      id: proposedId,
      title: text('sourceTitle'),
      publisher: text('sourcePublisher'),
      date: date('sourceDate'),
      url: text('sourceUrl'),
    };
    const checkedSource = sourceSchema.safeParse(given);
    if (checkedSource.success) {
      const { id: _id, ...fields } = checkedSource.data;
      newSource = { entry: fields, proposedId };
    } else
      for (const [block, message] of Object.entries(
        errorsByBlock(checkedSource.error.issues, (f) => NEW_SOURCE_BLOCKS[f] ?? CURATE_MODAL.sourceUrl.block),
      ))
        errors[block] ??= sentence(message);
    entry.source = proposedId;
  }
  if (meta.kind === 'fact' && entry.topic === '')
    errors[CURATE_MODAL.newTopic.block] = 'Choose a topic or write a new one.';
  if ('source' in entry && entry.source === '') errors[CURATE_MODAL.source.block] = 'Choose the source that says so.';
  const r = SCHEMAS[meta.kind].safeParse(entry);
  if (!r.success)
    for (const [block, message] of Object.entries(errorsByBlock(r.error.issues, (f) => blockOfField(meta.kind, f))))
      errors[block] ??= sentence(message);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const { id, ...fields } = r.data as Record<string, unknown>;
  return {
    ok: true,
    meta,
    entry: fields,
    ...(typeof id === 'string' && { proposedId: id }),
    ...(newSource && { newSource }),
  };
}

/** "must not be empty" -> "Must not be empty." */
function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}
