import { DateTime } from 'luxon';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../lib/errors';
import { lintDataset, type Finding } from './lint';
import { datasetSchema, type Dataset } from './schema';
import type { Incident, ReminderConfig, Source, Span, SummitEvent, When } from './model';
import { endOfDay } from '../lib/days';
import { withIds } from './items';
import { flowDepth, MAX_NESTING, readDataSetFile } from './read-file';

/** Most aliases a data set may resolve (yaml's own default is 100); a data set needs none. */
const MAX_ALIAS_COUNT = 100;

/** Reads, validates and resolves a data set file. Throws a ConfigError (exit 2) naming file, field and fix. */
export function loadIncident(path: string): Incident {
  let text: string;
  try {
    text = readDataSetFile(path).text;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read (${code ?? String(e)})`;
    throw new ConfigError(
      'dataset_missing',
      `Data set ${path}: ${why}. Set SUMMIT_CONFIG to a YAML data set (default: the folder config/incidents).`,
      { cause: e },
    );
  }
  return parseIncident(text, path);
}

/** Validates a data set given as YAML text; `name` is how errors refer to it. */
export function parseIncident(text: string, name: string): Incident {
  const checked = checkDataset(text);
  if (checked.yaml.length > 0)
    throw new ConfigError('dataset_invalid', `Data set ${name} is not valid YAML:\n${checked.yaml.join('\n')}`);
  if (checked.findings.length > 0 || checked.data === undefined)
    throw new ConfigError('dataset_invalid', `Data set ${name} is invalid:\n${checked.findings.join('\n')}`);
  return resolveDataset(checked.data);
}

/**
 * Every problem with a data set, each a line naming the field and its line in the file: YAML syntax, then the
 * schema, then (once the schema passes) the as-of rules and any `forbidden` phrases. What the bot checks at start
 * and `npm run check-data` prints.
 */
export function checkDataset(
  text: string,
  forbidden: readonly string[] = [],
): { yaml: string[]; findings: string[]; data?: Dataset } {
  // Limits before the parser recurses or expands anything (a file of 200,000 "[", an alias bomb).
  const depth = flowDepth(text);
  if (depth > MAX_NESTING)
    return {
      yaml: [`  - the YAML nests ${depth} levels deep; at most ${MAX_NESTING} are read (a data set needs about 5)`],
      findings: [],
    };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const yaml = doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return `  - line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
    });
    return { yaml, findings: [] };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    return {
      yaml: [
        `  - the YAML's aliases expand too far (${(error as Error).message.split('\n')[0]}); write the entries out instead of repeating aliases`,
      ],
      findings: [],
    };
  }
  const result = datasetSchema.safeParse(raw);
  if (!result.success) {
    // Every finding at once: the as-of rules too, on what could be read, where they do not repeat a field already
    // reported (a rule that cannot run on a malformed part finds nothing there).
    const issues = describeIssues(result.error.issues, doc, lineCounter);
    const reported = new Set(result.error.issues.map((i) => formatPath(i.path.filter(isKey))));
    const more = tolerantLint(raw, forbidden).filter((f) => !reported.has(formatPath(f.path)));
    return { yaml: [], findings: [...issues, ...more.map((f) => describeFinding(f, doc, lineCounter))] };
  }
  // The as-of rules, which the schema cannot see: nothing shown, or answered, before its source existed.
  const findings = lintDataset(result.data, forbidden).map((f) => describeFinding(f, doc, lineCounter));
  return { yaml: [], findings, data: result.data };
}

const isKey = (p: PropertyKey): p is string | number => typeof p !== 'symbol';

/** The as-of rules on a data set that failed its schema: each rule that cannot run on what is there finds nothing. */
function tolerantLint(raw: unknown, forbidden: readonly string[]): Finding[] {
  try {
    return lintDataset(raw as Dataset, forbidden);
  } catch {
    return [];
  }
}

/** "  - incident.facts[2].since (line 40): ..." */
export function describeFinding(f: Finding, doc: Document, lines: LineCounter): string {
  const line = lineOf(doc, lines, f.path);
  return `  - ${formatPath(f.path)}${line ? ` (line ${line})` : ''}: ${f.message}`;
}

function describeIssues(issues: z.core.$ZodIssue[], doc: Document, lines: LineCounter): string[] {
  return issues.map((issue) => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    const field = path.length === 0 ? '(top level)' : formatPath(path);
    // A misspelled key is reported at its own line, not at the first line of the entry that holds it.
    const line = lineOf(doc, lines, issue.code === 'unrecognized_keys' ? [...path, issue.keys[0] ?? ''] : path);
    let message = issue.message;
    if (issue.code === 'invalid_type' && message.includes('received undefined'))
      message = `is required (${issue.expected})`;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}: check the spelling`;
    return `  - ${field}${line ? ` (line ${line})` : ''}: ${message}`;
  });
}

/** incident.sources[2].url */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

export function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  // The deepest node that exists on the path: a missing field is reported at its parent.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * A checked data set as the core uses it: references resolved, times as instants, every fact and timeline entry
 * with its short id. Also what an incident with additions and corrections from Slack is made from (curate.ts).
 */
export function resolveDataset(checked: Dataset): Incident {
  const d = withIds(checked);
  // The schema has made sure there is one: the event's zone, or the incident's own.
  const zone = d.event?.timezone ?? d.timezone ?? 'UTC';
  const curated = (e: {
    recorded?: { at: string; by: string; name: string };
    withdrawn?: { at: string; reason?: string };
  }) => ({
    ...(e.recorded && {
      recorded: { by: { id: e.recorded.by, name: e.recorded.name }, at: toInstant(e.recorded.at, zone) },
    }),
    ...(e.withdrawn && {
      until: toInstant(e.withdrawn.at, zone),
      withdrawn: {
        at: toInstant(e.withdrawn.at, zone),
        ...(e.withdrawn.reason !== undefined && { reason: e.withdrawn.reason }),
      },
    }),
  });
  const sources = new Map<string, Source>(
    d.incident.sources.map((s) => {
      const { recorded: _r, withdrawn: _w, ...fields } = s;
      const { until: _u, ...history } = curated(s);
      return [s.id, { ...fields, ...history }];
    }),
  );
  // The schema has checked every reference, so a miss here is a bug, not bad input.
  const src = (sid: string): Source => {
    const s = sources.get(sid);
    if (!s) throw new Error(`unresolved source ${sid}`);
    return s;
  };
  const when = (text: string): When => ({ at: toInstant(text, zone), dateOnly: /^\d{4}-\d{2}-\d{2}$/.test(text) });
  /** The "as of" rule: known from `since:` when given, else from the later of the thing's own time and its source's date. */
  const knownFrom = (own: Date | undefined, source: Source | undefined, since?: string): Date => {
    if (since !== undefined) return toInstant(since, zone);
    const times = [own?.getTime() ?? -Infinity, source ? toInstant(source.date, zone).getTime() : -Infinity];
    return new Date(Math.max(...times));
  };

  const eventOf = (e: NonNullable<Dataset['event']>): Incident['event'] => {
    // Each version in its own zone (the current one's is the incident's).
    const own = e.timezone;
    const start = e.date !== undefined ? toInstant(e.date, own) : toInstant(e.start as string, own);
    const end =
      e.date !== undefined
        ? DateTime.fromISO(e.date, { zone: own }).plus({ days: 1 }).toJSDate()
        : e.end !== undefined
          ? toInstant(e.end, own)
          : start;
    return {
      name: e.name,
      timezone: own,
      allDay: e.date !== undefined,
      start,
      end,
      openEnded: e.date === undefined && e.end === undefined,
      location: e.location,
      hosts: e.hosts,
      audience: e.audience,
      topics: e.topics,
      source: src(e.source),
      // An event is known from the day it was announced (its source's date), or from its since:.
      since: knownFrom(undefined, src(e.source), e.since),
      ...curated(e),
    };
  };

  const incident: Omit<Incident, 'updates'> = {
    id: d.id,
    origin: d,
    state: d.state,
    admins: d.admins,
    permissions: d.permissions,
    reminders: d.reminders && reminderConfig(d.reminders, zone),
    watch: d.watch.map((f) => ({
      id: f.id,
      url: f.url,
      publisher: f.publisher,
      everyMs: spanMs(parseSpan(f.every)),
      match: f.match ?? [],
    })),
    ...(d.github && { github: { repo: d.github.repo, labels: d.github.labels, people: d.github.people } }),
    title: d.incident.title,
    summary: d.incident.summary,
    sources: [...sources.values()],
    facts: d.incident.facts.map((f) => ({
      id: f.id as string,
      ...curated(f),
      topic: f.topic,
      text: f.text,
      source: src(f.source),
      since: knownFrom(undefined, src(f.source), f.since),
      ...(f.until !== undefined && f.then !== undefined
        ? { then: { from: toInstant(f.until, zone), text: f.then } }
        : {}),
    })),
    timeline: d.incident.timeline
      .map((t) => {
        const w = when(t.at);
        return {
          id: t.id as string,
          ...curated(t),
          when: w,
          text: t.text,
          source: src(t.source),
          since: knownFrom(w.at, src(t.source), t.since),
        };
      })
      .sort((a, b) => a.when.at.getTime() - b.when.at.getTime()),
    zone,
    ...(d.event && { event: eventOf(d.event) }),
    eventHistory: d.eventHistory.map(eventOf) as SummitEvent[],
    expectedUpdates: d.expectedUpdates.map((u) => ({
      id: u.id,
      ...curated(u),
      text: u.text,
      expectedDate: u.expected,
      estimated: u.estimated,
      // Known from the day it was promised (its source's date).
      since: knownFrom(undefined, src(u.source), u.since),
      expected: toInstant(u.expected, zone),
      dueBy: endOfDay(u.expected, zone),
      source: src(u.source),
      received: u.received && {
        when: when(u.received.at),
        since: knownFrom(toInstant(u.received.at, zone), src(u.received.source)),
        source: src(u.received.source),
        text: u.received.note,
        expectedId: u.id,
      },
    })),
    questions: d.questions.map((q) => ({
      id: q.id,
      text: q.text,
      history: q.history.map((h) => ({
        status: h.status,
        when: when(h.at),
        since: knownFrom(toInstant(h.at, zone), h.source === undefined ? undefined : src(h.source)),
        answer: h.answer,
        note: h.note,
        source: h.source === undefined ? undefined : src(h.source),
        ...(h.supersededBy ? { supersededBy: h.supersededBy } : {}),
      })),
      // The data set's owner and due date hold from the start.
      assignments: [
        ...(q.owner ? [{ field: 'owner' as const, value: q.owner }] : []),
        ...(q.due ? [{ field: 'due' as const, value: q.due, dueBy: endOfDay(q.due, zone) }] : []),
      ].map((a) => ({ ...a, when: { at: new Date(0), dateOnly: true }, since: new Date(0) })),
    })),
  };
  const updates = incident.expectedUpdates
    .flatMap((u) => (u.received ? [u.received] : []))
    .sort((a, b) => a.when.at.getTime() - b.when.at.getTime());
  return { ...incident, updates };
}

/** A date is the start of that day in `zone`; a date-time with no offset is read in `zone`. */
export function toInstant(text: string, zone: string): Date {
  return DateTime.fromISO(text, { zone }).toJSDate();
}

/** "14d" -> 14 calendar days; "2h" -> 2 hours; "30m" -> 30 minutes. */
export function parseSpan(text: string): Span {
  const amount = Number(text.slice(0, -1));
  const unit = text.endsWith('d') ? 'days' : text.endsWith('h') ? 'hours' : 'minutes';
  return { amount, unit, text };
}

function reminderConfig(r: NonNullable<Dataset['reminders']>, eventZone: string): ReminderConfig {
  return {
    zone: r.timezone ?? eventZone,
    countdown: r.countdown ? { offsets: r.countdown.offsets.map(parseSpan), time: r.countdown.time } : undefined,
    updates: r.updates ? { every: parseSpan(r.updates.every), max: r.updates.max, time: r.updates.time } : undefined,
    questions: r.questions
      ? { every: parseSpan(r.questions.every), max: r.questions.max, time: r.questions.time }
      : undefined,
    digest: r.digest ? { cron: r.digest.cron, until: parseSpan(r.digest.until) } : undefined,
    catchUp: parseSpan(r.catchUp),
  };
}

/** A span in milliseconds (days as 24 hours: for polling intervals, not calendar arithmetic). */
function spanMs(span: Span): number {
  return span.amount * (span.unit === 'minutes' ? 60_000 : span.unit === 'hours' ? 3_600_000 : 86_400_000);
}
