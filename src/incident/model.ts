/** The data set as the core uses it: references resolved, times as instants. Built by the loader. */

export interface Source {
  id: string;
  title: string;
  publisher: string;
  author?: string;
  /** YYYY-MM-DD */
  date: string;
  url: string;
}

/** An instant that may stand for a whole day (a data-set entry written as a date). */
export interface When {
  at: Date;
  /** Written as a date only: show the date, not a time. */
  dateOnly: boolean;
}

export interface Fact {
  topic: string;
  text: string;
  source: Source;
  /** When it became known; hidden before then. */
  since: Date;
}

export interface TimelineEntry {
  when: When;
  text: string;
  source: Source;
}

export interface SummitEvent {
  name: string;
  timezone: string;
  /** All-day event (date:) or timed (start:). */
  allDay: boolean;
  start: Date;
  /** For an all-day event, the start of the next day in its zone. */
  end: Date;
  location: string;
  hosts: string[];
  audience?: string;
  topics: string[];
  source: Source;
}

export interface ExpectedUpdate {
  id: string;
  text: string;
  /** YYYY-MM-DD, in the event's zone. */
  expectedDate: string;
  /** The start of that day in the event's zone. */
  expected: Date;
  /** The end of that day (the next midnight) in the event's zone: after it the update is overdue. */
  dueBy: Date;
  source: Source;
  received?: { when: When; source: Source; note?: string };
}

export type QuestionStatus = 'open' | 'partial' | 'answered';

export interface StatusChange {
  status: QuestionStatus;
  when: When;
  answer?: string;
  note?: string;
  source?: Source;
}

export interface Question {
  id: string;
  text: string;
  /** Oldest first. Before the first entry the question is open. */
  history: StatusChange[];
}

export interface Incident {
  title: string;
  summary: string;
  sources: Source[];
  facts: Fact[];
  timeline: TimelineEntry[];
  event: SummitEvent;
  expectedUpdates: ExpectedUpdate[];
  questions: Question[];
}
