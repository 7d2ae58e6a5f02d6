import { countQuestions, questionAsOf, questionsAsOf } from '../../../src/core/questions';
import { outstandingUpdates } from '../../../src/core/incident';
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
