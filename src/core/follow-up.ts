import type { Assignment, Incident, Question, Receipt, StatusChange } from '../incident/model';
import type { FollowUpState, RecordedUpdate } from './records';
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
  let byState = applied.get(incident);
  if (!byState) {
    byState = new WeakMap();
    applied.set(incident, byState);
  }
  let result = byState.get(state);
  if (!result) {
    result = apply(incident, state);
    byState.set(state, result);
  }
  return result;
}

const applied = new WeakMap<Incident, WeakMap<FollowUpState, Incident>>();

function apply(file: Incident, state: FollowUpState): Incident {
  // Sources, facts, timeline entries and expected updates added or corrected in Slack first: what questions and
  // updates refer to.
  const incident = curate(file, state.curations);
  const added: Question[] = state.questions.map((q) => ({
    id: q.questionId,
    text: q.text,
    history: [],
    added: { at: q.at, by: q.actor },
    ...(q.message ? { message: q.message } : {}),
    assignments: [],
  }));
  const questions = [...incident.questions, ...added].map((q) => {
    const recorded: StatusChange[] = state.changes
      .filter((c) => c.questionId === q.id)
      .map((c) => ({
        status: c.status,
        when: { at: c.at, dateOnly: false },
        since: c.at,
        answer: c.answer,
        note: c.note,
        sourceUrl: c.sourceUrl,
        ...(c.supersededBy ? { supersededBy: c.supersededBy } : {}),
        by: c.actor,
      }));
    const assigned: Assignment[] = state.assignments
      .filter((a) => a.questionId === q.id)
      .map((a) => ({
        field: a.field,
        value: a.value,
        ...(a.field === 'due' && a.value !== undefined ? { dueBy: endOfDay(a.value, incident.zone) } : {}),
        when: { at: a.at, dateOnly: false },
        since: a.at,
        by: a.actor,
      }));
    if (recorded.length === 0 && assigned.length === 0) return q;
    // A stable sort: on a tie the data set's entry comes first, then recordings in the order they were made.
    const byTime = <T extends { when: { at: Date } }>(a: T, b: T) => a.when.at.getTime() - b.when.at.getTime();
    return {
      ...q,
      history: [...q.history, ...recorded].sort(byTime),
      assignments: [...q.assignments, ...assigned].sort(byTime),
    };
  });

  const recordedUpdates = state.updates.map(receiptOf);
  const updates = [...incident.updates, ...recordedUpdates].sort((a, b) => a.when.at.getTime() - b.when.at.getTime());
  const expectedUpdates = incident.expectedUpdates.map((e) => {
    const first = updates.find((u) => u.expectedId === e.id);
    return first && (!e.received || first.when.at < e.received.when.at) ? { ...e, received: first } : e;
  });

  return { ...incident, questions, expectedUpdates, updates };
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
