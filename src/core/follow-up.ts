import type { Assignment, Incident, Question, Receipt, StatusChange } from '../incident/model';
import type {
  FollowUpState,
  RecordedAssignment,
  RecordedChange,
  RecordedCuration,
  RecordedQuestion,
  RecordedUpdate,
} from './records';
import { endOfDay } from '../lib/days';
import { curate } from './curate';

/**
 * The data set with everything recorded since applied on top, in time order. Pure: the stored state is an input,
 * and "as of a moment" still works because every recorded change keeps the moment it was made.
 */
export function applyFollowUps(incident: Incident, state: FollowUpState): Incident {
  if (
    state.changes.length === 0 &&
    state.questions.length === 0 &&
    state.updates.length === 0 &&
    state.assignments.length === 0 &&
    state.curations.length === 0
  )
    return incident;
  // The store hands out one state object per recorded-state version, and both inputs are never mutated: the result
  // is remembered per (data set, state) pair for as long as that state object lives, so every command and tick on
  // the same version shares one model instead of rebuilding it.
  return keptPer(applied, incident, state, () => apply(incident, state));
}

/** `make()`, remembered per pair of objects for as long as both live. */
function keptPer<A extends object, B extends object, R>(kept: WeakMap<A, WeakMap<B, R>>, a: A, b: B, make: () => R): R {
  let byB = kept.get(a);
  if (!byB) {
    byB = new WeakMap();
    kept.set(a, byB);
  }
  let result = byB.get(b);
  if (result === undefined) {
    result = make();
    byB.set(b, result);
  }
  return result;
}

const applied = new WeakMap<Incident, WeakMap<FollowUpState, Incident>>();

function apply(file: Incident, state: FollowUpState): Incident {
  // Sources, facts, timeline entries and expected updates added or corrected in Slack first: what questions and
  // updates refer to.
  const incident = curatedOnce(file, state.curations);
  // Each question's recordings found once (grouped in recording order), not by a pass over all of them per question.
  const changesOf = groupBy(state.changes, (c) => c.questionId);
  const assignmentsOf = groupBy(state.assignments, (a) => a.questionId);
  const questions = [...incident.questions, ...state.questions.map(askedQuestion)].map((q) =>
    withRecordings(q, changesOf.get(q.id) ?? NONE, assignmentsOf.get(q.id) ?? NONE, incident.zone),
  );
  const recordedUpdates = state.updates.map(receiptOf);
  const updates = [...incident.updates, ...recordedUpdates].sort((a, b) => a.when.at.getTime() - b.when.at.getTime());
  const expectedUpdates = incident.expectedUpdates.map((e) => {
    const first = updates.find((u) => u.expectedId === e.id);
    return first && (!e.received || first.when.at < e.received.when.at) ? { ...e, received: first } : e;
  });

  return { ...incident, questions, expectedUpdates, updates };
}

/**
 * The parts of the model that a new recorded state leaves as they were are the same objects as before (the store
 * hands the rows it kept to the next state as they were): a question nothing new was recorded about, the data set
 * with the same curations. What is worked out per question object (its state at a moment, core/questions.ts) is
 * then kept across a write that did not touch it, and a write to one question of thousands costs little.
 */
const NONE: never[] = [];

/** The data set with its curations, once per (data set, list of curations). */
function curatedOnce(file: Incident, curations: readonly RecordedCuration[]): Incident {
  return keptPer(curated, file, curations, () => curate(file, curations));
}
const curated = new WeakMap<Incident, WeakMap<readonly RecordedCuration[], Incident>>();

/** A question asked in Slack, as the model has it (once per recorded row). */
function askedQuestion(q: RecordedQuestion): Question {
  let out = asked.get(q);
  if (!out) {
    out = {
      id: q.questionId,
      text: q.text,
      history: [],
      added: { at: q.at, by: q.actor },
      ...(q.message ? { message: q.message } : {}),
      assignments: [],
    };
    asked.set(q, out);
  }
  return out;
}
const asked = new WeakMap<RecordedQuestion, Question>();

/** A question with what was recorded about it in Slack, in time order; the same object while that stays the same. */
function withRecordings(
  q: Question,
  changes: readonly RecordedChange[],
  assignments: readonly RecordedAssignment[],
  zone: string,
): Question {
  if (changes.length === 0 && assignments.length === 0) return q;
  const before = recorded.get(q);
  if (
    before &&
    before.zone === zone &&
    sameItems(before.changes, changes) &&
    sameItems(before.assignments, assignments)
  )
    return before.result;
  const history: StatusChange[] = changes.map((c) => ({
    status: c.status,
    when: { at: c.at, dateOnly: false },
    since: c.at,
    answer: c.answer,
    note: c.note,
    sourceUrl: c.sourceUrl,
    ...(c.supersededBy ? { supersededBy: c.supersededBy } : {}),
    by: c.actor,
  }));
  const assigned: Assignment[] = assignments.map((a) => ({
    field: a.field,
    value: a.value,
    ...(a.field === 'due' && a.value !== undefined ? { dueBy: endOfDay(a.value, zone) } : {}),
    when: { at: a.at, dateOnly: false },
    since: a.at,
    by: a.actor,
  }));
  // A stable sort: on a tie the data set's entry comes first, then recordings in the order they were made.
  const byTime = <T extends { when: { at: Date } }>(a: T, b: T) => a.when.at.getTime() - b.when.at.getTime();
  const result = {
    ...q,
    history: [...q.history, ...history].sort(byTime),
    assignments: [...q.assignments, ...assigned].sort(byTime),
  };
  recorded.set(q, { zone, changes, assignments, result });
  return result;
}
const recorded = new WeakMap<
  Question,
  { zone: string; changes: readonly RecordedChange[]; assignments: readonly RecordedAssignment[]; result: Question }
>();

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The items of `list` by key, each group in the list's order. */
function groupBy<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const group = out.get(k);
    if (group) group.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** The next free question id (Q5 after Q1-Q4), given the data set and the ids already added. */
export function nextQuestionId(incident: Incident, taken: string[]): string {
  const numbers = [...incident.questions.map((q) => q.id), ...taken]
    .map((id) => Number(id.replace(/^Q/, '')))
    .filter(Number.isFinite);
  return `Q${Math.max(0, ...numbers) + 1}`;
}

/** An update recorded in Slack, as the receipt the views show: known from the moment it was recorded. */
export function receiptOf(u: RecordedUpdate): Receipt {
  return {
    when: { at: u.at, dateOnly: false },
    since: u.at,
    text: u.text,
    url: u.url,
    expectedId: u.expectedId,
    by: u.actor,
  };
}
