import type { Assignment, Question, QuestionStatus, StatusChange } from '../incident/model';
import { known } from './incident';

/** A question as it stood at one moment. */
export interface QuestionState {
  question: Question;
  status: QuestionStatus;
  /**
   * What is known: the answer for an answered question, the partial answers gathered since it was last (re)opened
   * for a partial one, oldest first.
   */
  answers: StatusChange[];
  /** The latest note on an open question (why it is still open), or why it is not pursued. */
  note?: StatusChange;
  /**
   * The notes to show with it: for an open question, every earlier note that cited a source (evidence is not hidden
   * by a reopening) and then the latest; for one not pursued or superseded, the latest; none once answered.
   */
  notes: StatusChange[];
  /** Superseded: the question that takes its place. */
  supersededBy?: string;
  /** When the status last changed, if ever. */
  since?: Date;
  /** Who owns it (a Slack user id), if anyone. */
  owner?: string;
  /** When it is due: a date (YYYY-MM-DD) in `zone`, and the moment it is overdue (the end of that day). */
  due?: { date: string; by: Date };
  /** The issue made for it in the incident's tracker. */
  issue?: { url: string; number: number };
  /** Due and past, and still open or partly answered. */
  overdue: boolean;
}

export type QuestionFilter = 'open' | 'answered' | 'all';

/** Open or partly answered: still being pursued. Answered, not pursued and superseded are closed. */
export function isPursued(status: QuestionStatus): boolean {
  return status === 'open' || status === 'partial';
}

/** A question's changes that had happened, and were known, by `at`, oldest first. */
export function changesAsOf(question: Question, at: Date): StatusChange[] {
  return question.history.filter((c) => c.when.at <= at && known(c, at));
}

/** A question's owner and due-date changes that had happened, and were known, by `at`, oldest first. */
export function assignmentsAsOf(question: Question, at: Date): Assignment[] {
  return question.assignments.filter((a) => a.when.at <= at && known(a, at));
}

/** Replays a question's history and assignments up to `at`; what came after has not happened yet. */
export function questionAsOf(question: Question, at: Date): QuestionState {
  let status: QuestionStatus = 'open';
  let answers: StatusChange[] = [];
  let note: StatusChange | undefined;
  let sourced: StatusChange[] = [];
  let supersededBy: string | undefined;
  let since: Date | undefined;
  for (const change of question.history) {
    if (change.when.at > at || !known(change, at)) continue;
    since = change.when.at;
    status = change.status;
    supersededBy = change.supersededBy;
    if (change.status === 'open' || change.status === 'dropped' || change.status === 'superseded') {
      answers = [];
      note = change.note ? change : undefined;
      if (change.status === 'open' && change.note && (change.source || change.sourceUrl))
        sourced = [...sourced, change];
    } else if (change.status === 'partial') {
      answers = [...answers, change];
      note = undefined;
    } else {
      answers = [change];
      note = undefined;
    }
  }
  let owner: string | undefined;
  let due: QuestionState['due'];
  let issue: QuestionState['issue'];
  for (const a of question.assignments) {
    if (a.when.at > at || !known(a, at)) continue;
    if (a.field === 'owner') owner = a.value;
    else if (a.field === 'issue') issue = a.value === undefined ? undefined : issueOf(a.value);
    else due = a.value === undefined || a.dueBy === undefined ? undefined : { date: a.value, by: a.dueBy };
  }
  const overdue = due !== undefined && due.by <= at && isPursued(status);
  const notes =
    status === 'open'
      ? [...sourced.filter((c) => c !== note), ...(note ? [note] : [])]
      : status === 'dropped' || status === 'superseded'
        ? note
          ? [note]
          : []
        : [];
  return { question, status, answers, note, notes, supersededBy, since, owner, due, overdue, ...(issue && { issue }) };
}

/** An issue's web address as the views show it: `#12`, linked. */
export function issueOf(url: string): { url: string; number: number } | undefined {
  const m = /\/(?:issues|pull)\/(\d+)$/.exec(url);
  return m ? { url, number: Number(m[1]) } : undefined;
}

/**
 * The questions that existed at `at` (one asked in Slack exists from then on), as they stood then. `open` means
 * still pursued (open or partly answered); `answered` the answered ones; `all` every one, closed ones included.
 */
export function questionsAsOf(
  questions: Question[],
  at: Date,
  filter: QuestionFilter = 'all',
): readonly QuestionState[] {
  // Every reply, the plan and the pages ask this of the same list (one per recorded state) at moments that differ by
  // milliseconds. What it gives changes only at the moments its questions name (see `momentsOf`): between the last
  // of them that has come and the next, the same result serves, kept per list for as long as the list lives.
  const t = at.getTime();
  let windows = keptStates.get(questions);
  if (!windows) {
    windows = [];
    keptStates.set(questions, windows);
  }
  let kept = windows.find((w) => w.from <= t && t < w.until);
  if (!kept) {
    kept = { ...walk(questions, at), byFilter: new Map() };
    if (windows.length >= KEPT_WINDOWS) windows.shift();
    windows.push(kept);
  }
  let states = kept.byFilter.get(filter);
  if (!states) {
    // Kept for the next caller and given to every one: frozen, so none can change it for another.
    states = Object.freeze(filter === 'all' ? kept.all : kept.all.filter((st) => matches(st, filter)));
    kept.byFilter.set(filter, states);
  }
  return states;
}

/** questionAsOf, kept with the question for as long as `at` stays between the same two of its moments. */
function keptQuestionAsOf(question: Question, at: Date): KeptQuestion {
  let kept = keptQuestion.get(question);
  const t = at.getTime();
  if (!kept) {
    kept = { moments: momentsOf(question), from: Infinity, until: -Infinity };
    keptQuestion.set(question, kept);
  }
  if (kept.state === undefined || t < kept.from || t >= kept.until) {
    const moments = kept.moments;
    const interval = intervalOf(moments, t);
    kept.state = questionAsOf(question, at);
    kept.from = moments[interval - 1] ?? -Infinity;
    kept.until = moments[interval] ?? Infinity;
  }
  return kept;
}

/** A question's state, and the moments between which it holds: from (come) until (not yet). */
interface KeptQuestion {
  moments: readonly number[];
  from: number;
  until: number;
  state?: QuestionState;
}
const keptQuestion = new WeakMap<Question, KeptQuestion>();

/** How many windows' results are kept per list (now and a few "as of" moments). */
const KEPT_WINDOWS = 8;
/** Per list: its states between two moments (every one, and each filter's taken from them). */
const keptStates = new WeakMap<
  readonly Question[],
  { from: number; until: number; all: QuestionState[]; byFilter: Map<QuestionFilter, readonly QuestionState[]> }[]
>();

/**
 * The moments, in order, at which a question's state can change: every test in questionAsOf and questionsAsOf is
 * "has moment m come" (m <= at) for one of these, so two times past the same number of them give the same state.
 */
function momentsOf(q: Question): number[] {
  const out = new Set<number>();
  const add = (d: Date | undefined) => d !== undefined && out.add(d.getTime());
  add(q.added?.at);
  for (const c of q.history) {
    add(c.when.at);
    add(c.since);
    add(c.until);
  }
  for (const a of q.assignments) {
    add(a.when.at);
    add(a.since);
    add(a.until);
    add(a.dueBy);
  }
  return [...out].sort((a, b) => a - b);
}

/** How many of the (sorted) moments have come by `t`. */
function intervalOf(moments: readonly number[], t: number): number {
  let lo = 0;
  let hi = moments.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((moments[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every question that existed at `at`, as it stood then, and the window around `at` in which that holds for the
 * whole list (the latest of its questions' last moments come, the earliest of their next ones). Each question's
 * state is kept with the question, so a new list after a write (the same question objects but the ones it touched,
 * core/follow-up.ts) works out only those again.
 */
function walk(questions: readonly Question[], at: Date): { all: QuestionState[]; from: number; until: number } {
  const all: QuestionState[] = [];
  let from = -Infinity;
  let until = Infinity;
  for (const q of questions) {
    const kept = keptQuestionAsOf(q, at);
    if (kept.from > from) from = kept.from;
    if (kept.until < until) until = kept.until;
    // One asked in Slack exists from its moment on (which is one of its moments, so the window holds this too).
    if (q.added === undefined || q.added.at <= at) all.push(kept.state as QuestionState);
  }
  return { all, from, until };
}

/** Whether a question's state is one the filter asks for. */
function matches(state: QuestionState, filter: QuestionFilter): boolean {
  return filter === 'all' || (filter === 'answered' ? state.status === 'answered' : isPursued(state.status));
}

/**
 * Every owner's open questions at `at` (still pursued), each list overdue first, then by due date, then in the
 * questions' order: one pass for all owners, over only the questions someone was ever made owner of.
 */
export function owners(questions: Question[], at: Date): Map<string, QuestionState[]> {
  const candidates = questions.filter((q) => q.assignments.some((a) => a.field === 'owner'));
  const out = new Map<string, QuestionState[]>();
  for (const s of walk(candidates, at).all) {
    if (!isPursued(s.status)) continue;
    if (s.owner === undefined) continue;
    const list = out.get(s.owner);
    if (list) list.push(s);
    else out.set(s.owner, [s]);
  }
  for (const list of out.values()) list.sort(byUrgency);
  return out;
}

/** Overdue first, then by due date (none last); ties keep the questions' order. */
const byUrgency = (a: QuestionState, b: QuestionState): number =>
  Number(b.overdue) - Number(a.overdue) || (a.due?.by.getTime() ?? Infinity) - (b.due?.by.getTime() ?? Infinity);

export type QuestionCounts = Record<QuestionStatus, number>;

export function countQuestions(states: readonly QuestionState[]): QuestionCounts {
  const counts: QuestionCounts = { open: 0, partial: 0, answered: 0, dropped: 0, superseded: 0 };
  for (const s of states) counts[s.status] += 1;
  return counts;
}

/** An owner named by a console handle ("@bob") rather than a Slack user id: shown as typed, never sent a DM. */
export const isHandle = (owner: string): boolean => owner.startsWith('@');
