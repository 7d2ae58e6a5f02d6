import type { Dataset } from './schema';

/** The data set as the core uses it: references resolved, times as instants. Built by the loader. */

export interface Source extends Curated {
  id: string;
  title: string;
  publisher: string;
  author?: string;
  /** YYYY-MM-DD */
  date: string;
  url: string;
}

/** Who recorded something: a Slack user (or the console's local user). */
export interface Actor {
  id: string;
  name: string;
}

/** An instant that may stand for a whole day (a data-set entry written as a date). */
export interface When {
  at: Date;
  /** Written as a date only: show the date, not a time. */
  dateOnly: boolean;
}

/**
 * Everything the bot shows carries the moment from which it was known: nothing is shown before it
 * (core/as-of.ts decides, for every view). By default the later of the thing's own time and its source's date.
 */
export interface Known {
  since: Date;
  /** From then on it is no longer shown (a correction replaced it, or it was retracted); absent: shown on. */
  until?: Date;
}

/** Who added or corrected an entry in Slack, and whether (and why) a later version or a retraction withdrew it. */
export interface Curated {
  recorded?: { by: Actor; at: Date };
  withdrawn?: { at: Date; reason?: string };
}

export interface Fact extends Known, Curated {
  /** Its short id: how admins correct or retract it. Versions of one fact share it. */
  id: string;
  topic: string;
  text: string;
  source: Source;
  /** Wording for later: from `from` on, `text` is shown instead (a summit fact in the past tense, once it took place). */
  then?: { from: Date; text: string };
}

export interface TimelineEntry extends Known, Curated {
  /** Its short id, as a fact's. */
  id: string;
  when: When;
  text: string;
  source: Source;
}

export interface SummitEvent extends Known, Curated {
  name: string;
  timezone: string;
  /** All-day event (date:) or timed (start:). */
  allDay: boolean;
  start: Date;
  /** For an all-day event, the start of the next day in its zone; for a timed one with no end, its start. */
  end: Date;
  /** A timed event given no `end:`: it is under way from its start until the end of that day in its zone. */
  openEnded: boolean;
  location: string;
  hosts: string[];
  audience?: string;
  topics: string[];
  source: Source;
}

export interface ExpectedUpdate extends Known, Curated {
  id: string;
  text: string;
  /** YYYY-MM-DD, in the event's zone. */
  expectedDate: string;
  /** No date was given by the source: `expected` is the data set's estimate (when nudges start). */
  estimated: boolean;
  /** The start of that day in the event's zone. */
  expected: Date;
  /** The end of that day (the next midnight) in the event's zone: after it the update is overdue. */
  dueBy: Date;
  source: Source;
  /** The earliest receipt: from the data set or recorded with /summit update. */
  received?: Receipt;
}

/** An update that arrived: from the data set (with a source) or recorded in Slack (with a URL and who). */
export interface Receipt extends Known {
  when: When;
  text?: string;
  source?: Source;
  url?: string;
  expectedId?: string;
  by?: Actor;
}

/** open, partly answered, answered; or closed without an answer: not pursued (dropped), superseded by another. */
export type QuestionStatus = 'open' | 'partial' | 'answered' | 'dropped' | 'superseded';

/** The Slack message a question was tracked from. */
export interface MessageSource {
  channel: string;
  ts: string;
  permalink: string;
  /** The message's author (a Slack user id). */
  author?: string;
}

/** An owner or due date set (or cleared) for a question, from the data set or recorded in Slack. */
export interface Assignment extends Known {
  /** issue: the question's tracker issue (its web address), once one was made for it. */
  field: 'owner' | 'due' | 'issue';
  value?: string;
  /** A due date's end in the event's zone (the next midnight): overdue from then. */
  dueBy?: Date;
  when: When;
  by?: Actor;
}

export interface StatusChange extends Known {
  status: QuestionStatus;
  when: When;
  answer?: string;
  note?: string;
  source?: Source;
  /** A source given as a bare URL (answers recorded in Slack). */
  sourceUrl?: string;
  /** Status superseded: the question that takes its place. */
  supersededBy?: string;
  /** Who recorded it; absent for the data set's own entries. */
  by?: Actor;
}

export interface Question {
  id: string;
  text: string;
  /** Oldest first. Before the first entry the question is open. */
  history: StatusChange[];
  /** Asked in Slack: it exists from this moment on. */
  added?: { at: Date; by: Actor };
  /** Tracked from a Slack message. */
  message?: MessageSource;
  /** Owner and due date changes, oldest first; the latest of each known at a moment counts. */
  assignments: Assignment[];
}

/** A watched feed (RSS 2.0 or Atom). */
export interface Feed {
  id: string;
  url: string;
  publisher: string;
  /** How often it is polled, in ms (at least a minute). */
  everyMs: number;
  /** Words or phrases matched (any case) against an item's title and summary; empty: every item matches. */
  match: string[];
}

export interface Incident {
  /** Unique among the data sets: how commands, buttons, forms and the store name it. */
  id: string;
  /** closed: answers reads, plans no reminders, watches no feeds. */
  state: 'active' | 'closed';
  title: string;
  summary: string;
  sources: Source[];
  facts: Fact[];
  timeline: TimelineEntry[];
  /** The event the incident leads to, if it has one (an incident started in Slack may have none yet). */
  event?: SummitEvent;
  /** Its earlier versions (corrected in Slack), each shown until its `until`: what "as of" an earlier moment shows. */
  eventHistory: SummitEvent[];
  /** The incident's time zone (its event's, when it has one): dates are days in it. */
  zone: string;
  expectedUpdates: ExpectedUpdate[];
  questions: Question[];
  /** Updates that arrived, oldest first. */
  updates: Receipt[];
  /** Slack user ids named admins by the data set. */
  admins: string[];
  permissions: { ask: 'everyone' | 'admins'; subscribe: 'everyone' | 'admins'; link: 'everyone' | 'admins' };
  /** What the bot posts on its own; absent: nothing. */
  reminders?: ReminderConfig;
  /** Feeds watched for new items. */
  watch: Feed[];
  /** Where its questions become issues, if anywhere. */
  github?: GitHubTracking;
  /**
   * The checked data set it was made from (short ids filled in): what additions and corrections made in Slack are
   * layered on (incident/curate.ts), and what the export writes.
   */
  origin: Dataset;
  /** Corrections and retractions recorded in Slack that no longer apply (the file changed the entry meanwhile). */
  setAside?: string[];
}

/** The repository an incident's questions become issues in (data set `github:`). */
export interface GitHubTracking {
  /** owner/name */
  repo: string;
  labels: string[];
  /** GitHub login -> Slack user id. */
  people: Record<string, string>;
}

/** A duration as written (14d, 2h, 30m): days count calendar days in the reminder zone. */
export interface Span {
  amount: number;
  unit: 'minutes' | 'hours' | 'days';
  text: string;
}

export interface ReminderConfig {
  zone: string;
  countdown?: { offsets: Span[]; time: string };
  updates?: { every: Span; max: number; time: string };
  /** Chasing owners: from a question's due date at `time`, every `every`, at most `max`, until it is closed. */
  questions?: { every: Span; max: number; time: string };
  digest?: { cron: string; until: Span };
  catchUp: Span;
}
