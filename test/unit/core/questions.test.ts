import { countQuestions, questionAsOf, questionsAsOf, type QuestionState } from '../../../src/core/questions';
import { outstandingUpdates } from '../../../src/core/incident';
import { applyFollowUps } from '../../../src/core/follow-up';
import { EMPTY_STATE } from '../../../src/core/records';
import { parseIncident } from '../../../src/incident/load';
import { defaultIncident, minimalDataset } from '../../helpers/incident';

const incident = defaultIncident();
const q = (id: string) => {
  const found = incident.questions.find((x) => x.id === id);
  if (!found) throw new Error(id);
  return found;
};

describe('questions as of a moment', () => {
  test('before its first history entry a question is open', () => {
    const s = questionAsOf(q('Q1'), new Date('2024-07-20T00:00:00Z'));
    expect(s.status).toBe('open');
    expect(s.answers).toEqual([]);
    expect(s.since).toBeUndefined();
  });

  test('a date-only entry takes effect at the start of that day in the event zone', () => {
    // August 6, 2024 00:00 in Los Angeles is 07:00 UTC.
    expect(questionAsOf(q('Q1'), new Date('2024-08-06T06:59:59Z')).status).toBe('open');
    expect(questionAsOf(q('Q1'), new Date('2024-08-06T07:00:00Z')).status).toBe('answered');
  });

  test('partial answers accumulate, oldest first, up to the moment asked', () => {
    expect(questionAsOf(q('Q2'), new Date('2024-09-03')).answers.map((a) => a.source?.id)).toEqual([
      'cs-pir',
      'cs-rca',
    ]);
    expect(questionAsOf(q('Q2'), new Date('2026-01-01')).answers.map((a) => a.source?.id)).toEqual([
      'cs-pir',
      'cs-rca',
      'win-0912',
      'win-1119',
      'win-0626',
    ]);
  });

  test('an open entry carries its note; an answer replaces earlier partial answers; a reopen clears them', () => {
    const text = minimalDataset(
      { date: '2024-09-10' },
      {
        questions: [
          {
            id: 'Q1',
            text: 'Why?',
            history: [
              { status: 'partial', at: '2024-01-02', answer: 'part', source: 's1' },
              { status: 'answered', at: '2024-01-03', answer: 'all', source: 's1' },
              { status: 'open', at: '2024-01-04', note: 'new doubts', source: 's1' },
            ],
          },
        ],
      },
    );
    const [question] = parseIncident(text, 't').questions;
    if (!question) throw new Error('no question');
    expect(questionAsOf(question, new Date('2024-01-03T12:00:00-08:00')).answers.map((a) => a.answer)).toEqual(['all']);
    const reopened = questionAsOf(question, new Date('2024-01-05T00:00:00-08:00'));
    expect(reopened.status).toBe('open');
    expect(reopened.answers).toEqual([]);
    expect(reopened.note?.note).toBe('new doubts');
  });

  test('filters and counts', () => {
    const at = new Date('2024-09-03');
    expect(questionsAsOf(incident.questions, at, 'open').map((s) => s.question.id)).toEqual(['Q2', 'Q3', 'Q4']);
    expect(questionsAsOf(incident.questions, at, 'answered').map((s) => s.question.id)).toEqual(['Q1']);
    expect(countQuestions(questionsAsOf(incident.questions, at))).toEqual({
      open: 2,
      partial: 1,
      answered: 1,
      dropped: 0,
      superseded: 0,
    });
    expect(countQuestions(questionsAsOf(incident.questions, new Date('2024-07-01')))).toEqual({
      open: 4,
      partial: 0,
      answered: 0,
      dropped: 0,
      superseded: 0,
    });
  });
});

describe('questions as of a moment, asked again', () => {
  const ADMIN = { id: 'U0ADMIN', name: 'ada' };
  const applied = applyFollowUps(incident, {
    ...EMPTY_STATE,
    questions: [{ questionId: 'Q5', text: 'Asked later?', actor: ADMIN, at: new Date('2025-02-01T10:00:00Z') }],
    changes: [
      {
        id: 1,
        questionId: 'Q5',
        status: 'partial',
        answer: 'some',
        actor: ADMIN,
        at: new Date('2025-02-02T10:00:00Z'),
      },
      {
        id: 2,
        questionId: 'Q3',
        status: 'answered',
        answer: 'all',
        actor: ADMIN,
        at: new Date('2025-02-03T10:00:00Z'),
      },
    ],
    assignments: [
      { id: 1, questionId: 'Q5', field: 'owner', value: 'U0OWNER', actor: ADMIN, at: new Date('2025-02-02T11:00:00Z') },
      {
        id: 2,
        questionId: 'Q5',
        field: 'due',
        value: '2025-02-10',
        actor: ADMIN,
        at: new Date('2025-02-02T12:00:00Z'),
      },
      {
        id: 3,
        questionId: 'Q4',
        field: 'due',
        value: '2025-02-05',
        actor: ADMIN,
        at: new Date('2025-02-02T12:00:00Z'),
      },
    ],
  });
  /** What questionsAsOf gives, worked out from each question's replay. */
  const replayed = (at: Date, filter: 'open' | 'answered' | 'all') =>
    applied.questions
      .filter((x) => x.added === undefined || x.added.at <= at)
      .map((x) => questionAsOf(x, at))
      .filter((st) =>
        filter === 'all'
          ? true
          : filter === 'answered'
            ? st.status === 'answered'
            : ['open', 'partial'].includes(st.status),
      );

  test('at, just before and just after every moment a question names, in any order: what a replay gives', () => {
    const moments = applied.questions.flatMap((x) => [
      ...(x.added ? [x.added.at] : []),
      ...x.history.flatMap((c) => [c.when.at, c.since]),
      ...x.assignments.flatMap((a) => [a.when.at, a.since, ...(a.dueBy ? [a.dueBy] : [])]),
    ]);
    const times = moments.flatMap((m) => [m.getTime() - 1, m.getTime(), m.getTime() + 1]);
    // Out of order, so a kept result from a later interval is never handed to an earlier moment.
    const shuffled = times.map((t, i) => times[(i * 7919) % times.length] as number);
    for (const t of shuffled)
      for (const filter of ['open', 'answered', 'all'] as const)
        expect(questionsAsOf(applied.questions, new Date(t), filter)).toEqual(replayed(new Date(t), filter));
    // The overdue flag flips at the due date's end.
    const due = applied.questions.find((x) => x.id === 'Q4')?.assignments.at(-1)?.dueBy as Date;
    expect(
      questionsAsOf(applied.questions, new Date(due.getTime() - 1), 'open').find((st) => st.question.id === 'Q4')
        ?.overdue,
    ).toBe(false);
    expect(questionsAsOf(applied.questions, due, 'open').find((st) => st.question.id === 'Q4')?.overdue).toBe(true);
  });

  test('after a write about one question, the model keeps every other question as the same object, and equals one made afresh', () => {
    const before = {
      ...EMPTY_STATE,
      questions: [{ questionId: 'Q5', text: 'Asked later?', actor: ADMIN, at: new Date('2025-02-01T10:00:00Z') }],
      changes: [
        {
          id: 1,
          questionId: 'Q3',
          status: 'partial' as const,
          answer: 'a',
          actor: ADMIN,
          at: new Date('2025-02-02T10:00:00Z'),
        },
      ],
    };
    const first = applyFollowUps(incident, before);
    // As the store hands it on: the rows kept are the same objects, one row more.
    const after = {
      ...before,
      changes: [
        ...before.changes,
        {
          id: 2,
          questionId: 'Q5',
          status: 'answered' as const,
          answer: 'b',
          actor: ADMIN,
          at: new Date('2025-02-03T10:00:00Z'),
        },
      ],
    };
    const second = applyFollowUps(incident, after);
    const byId = (model: typeof first, id: string) => model.questions.find((x) => x.id === id);
    for (const id of ['Q1', 'Q2', 'Q3', 'Q4']) expect(byId(second, id)).toBe(byId(first, id));
    expect(byId(second, 'Q5')).not.toBe(byId(first, 'Q5'));
    expect(byId(second, 'Q5')?.history.map((c) => c.answer)).toEqual(['b']);
    expect(second).toEqual(applyFollowUps(incident, structuredClone(after)));
    const at = new Date('2025-03-01T00:00:00Z');
    expect(questionsAsOf(second.questions, at).map((st) => [st.question.id, st.status])).toEqual([
      ['Q1', 'answered'],
      ['Q2', 'partial'],
      ['Q3', 'partial'],
      ['Q4', 'open'],
      ['Q5', 'answered'],
    ]);
  });

  test('the list given is kept for the next caller, and read-only: no caller can change it for another', () => {
    const at = new Date('2025-03-01T00:00:00Z');
    const first = questionsAsOf(applied.questions, at, 'all');
    const expected = first.map((st) => st.question.id);
    expect(() => (first as QuestionState[]).reverse()).toThrow(TypeError);
    expect(() => (first as QuestionState[]).pop()).toThrow(TypeError);
    const next = questionsAsOf(applied.questions, at, 'all');
    expect(next).toBe(first);
    expect(next.map((st) => st.question.id)).toEqual(expected);
  });
});

describe('expected updates', () => {
  test('outstanding before it is received, overdue after its day, gone once received', () => {
    expect(outstandingUpdates(incident, new Date('2024-09-03T12:00:00Z')).map((o) => [o.update.id, o.overdue])).toEqual(
      [['post-summit', false]],
    );
    // September 11 ends at 07:00 UTC on September 12 (midnight in Los Angeles).
    expect(outstandingUpdates(incident, new Date('2024-09-12T06:59:00Z'))[0]?.overdue).toBe(false);
    expect(outstandingUpdates(incident, new Date('2024-09-12T07:00:00Z'))).toEqual([]);
    expect(outstandingUpdates(incident, new Date('2024-09-12T06:00:00Z')).length).toBe(1);
  });

  test('an update never received is overdue from the day after, and the earliest comes first', () => {
    const text = minimalDataset(
      { date: '2024-09-10' },
      {
        expectedUpdates: [
          { id: 'late', text: 'Later', expected: '2024-10-01', source: 's1' },
          { id: 'early', text: 'Earlier', expected: '2024-09-20', source: 's1' },
        ],
      },
    );
    const inc = parseIncident(text, 't');
    expect(outstandingUpdates(inc, new Date('2024-09-20T12:00:00-07:00')).map((o) => [o.update.id, o.overdue])).toEqual(
      [
        ['early', false],
        ['late', false],
      ],
    );
    expect(outstandingUpdates(inc, new Date('2024-09-21T00:00:00-07:00')).map((o) => [o.update.id, o.overdue])).toEqual(
      [
        ['early', true],
        ['late', false],
      ],
    );
  });
});
