import type { Question, QuestionStatus, StatusChange } from '../incident/model';
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
  /** The latest note on an open question (why it is still open), if any. */
  note?: StatusChange;
  /** When the status last changed, if ever. */
  since?: Date;
}

export type QuestionFilter = 'open' | 'answered' | 'all';

/** A question's changes that had happened, and were known, by `at`, oldest first. */
export function changesAsOf(question: Question, at: Date): StatusChange[] {
  return question.history.filter((c) => c.when.at <= at && known(c, at));
}

/** Replays a question's history up to `at`; entries after `at` have not happened yet. */
export function questionAsOf(question: Question, at: Date): QuestionState {
  let status: QuestionStatus = 'open';
  let answers: StatusChange[] = [];
  let note: StatusChange | undefined;
  let since: Date | undefined;
  for (const change of question.history) {
    if (change.when.at > at || !known(change, at)) continue;
    since = change.when.at;
    status = change.status;
    if (change.status === 'open') {
      answers = [];
      note = change.note ? change : undefined;
    } else if (change.status === 'partial') {
      answers = [...answers, change];
      note = undefined;
    } else {
      answers = [change];
      note = undefined;
    }
  }
  return { question, status, answers, note, since };
}

/** The questions that existed at `at` (one asked in Slack exists from then on), as they stood then. */
export function questionsAsOf(questions: Question[], at: Date, filter: QuestionFilter = 'all'): QuestionState[] {
  return questions
    .filter((q) => q.added === undefined || q.added.at <= at)
    .map((q) => questionAsOf(q, at))
    .filter((s) => filter === 'all' || (filter === 'answered' ? s.status === 'answered' : s.status !== 'answered'));
}

export interface QuestionCounts {
  open: number;
  partial: number;
  answered: number;
}

export function countQuestions(states: QuestionState[]): QuestionCounts {
  const counts: QuestionCounts = { open: 0, partial: 0, answered: 0 };
  for (const s of states) counts[s.status] += 1;
  return counts;
}
