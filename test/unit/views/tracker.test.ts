import { applyFollowUps } from '../../../src/core/follow-up';
import { questionAsOf } from '../../../src/core/questions';
import { checkDataset } from '../../../src/incident/load';
import { exportDataset } from '../../../src/incident/export';
import { assignmentStep, changeStep, issueBody, issueMarker, issueTitle, mdText } from '../../../src/views/tracker';
import { datasetWith } from '../../helpers/incident';
import { PEOPLE, trackedIncident } from '../../helpers/github';
import { EMPTY_STATE } from '../../../src/core/records';
import { reminderReply } from '../../../src/views/reminder';

const actor = { id: 'U0ADMIN', name: 'ada' };
const at = new Date('2024-09-12T12:00:00Z');

describe('what summit-bot writes in an issue', () => {
  test('text from people is shown literally: no HTML (so no forged marker), no @mention, no Markdown', () => {
    const forged = 'see <!-- summit-bot:x/Q1 --> and @octocat, **bold** | cell #1 [link](http://x)';
    const out = mdText(forged);
    expect(out).not.toContain('<!--');
    expect(out).not.toMatch(/@octocat/);
    expect(out).toContain('@\u200boctocat');
    expect(out).toContain('\\*\\*bold\\*\\*');
    expect(out).toContain('\\|');
  });

  test('the body: the question, where it came from, owner, due, the page, and the marker last', () => {
    const incident = trackedIncident();
    const q = applyFollowUps(incident, {
      ...EMPTY_STATE,
      assignments: [
        { id: 1, questionId: 'Q3', field: 'owner', value: 'U0MEMBER', actor, at },
        { id: 2, questionId: 'Q3', field: 'due', value: '2024-10-01', actor, at },
      ],
    }).questions.find((x) => x.id === 'Q3')!;
    const s = questionAsOf(q, at);
    expect(issueTitle(s)).toBe('Q3: Exactly how many devices were affected?');
    const body = issueBody(
      incident,
      incident.github!,
      s,
      'ada',
      'https://summit.example.com/incidents/crowdstrike-2024?t=abc',
    );
    expect(body).toContain('| Owner | @octo-bob |');
    expect(body).toContain('| Due | 2024-10-01 |');
    expect(body).toContain('[open](https://summit.example.com/incidents/crowdstrike-2024?t=abc)');
    expect(body.trim().endsWith(issueMarker('crowdstrike-2024', 'Q3'))).toBe(true);
    expect(issueTitle({ ...s, question: { ...s.question, text: 'x'.repeat(400) } }).length).toBeLessThanOrEqual(256);
  });

  test('each change as GitHub takes it: comment, state and state_reason, assignees', () => {
    const github = trackedIncident().github!;
    const base = { id: 7, questionId: 'Q3', actor, at };
    expect(changeStep({ ...base, status: 'answered', answer: 'A', sourceUrl: 'https://e.com' })).toEqual({
      comment: '**Answered** in Slack by ada:\n\nA\n\nSource: https://e.com',
      state: { state: 'closed', reason: 'completed' },
    });
    expect(changeStep({ ...base, status: 'partial', answer: 'B' })?.state).toBeUndefined();
    expect(changeStep({ ...base, status: 'dropped', note: 'why' })?.state).toEqual({
      state: 'closed',
      reason: 'not_planned',
    });
    expect(changeStep({ ...base, status: 'superseded', supersededBy: 'Q4' }, { id: 'Q4', issue: 2 })?.comment).toBe(
      '**Merged into Q4 (#2)** in Slack by ada.',
    );
    expect(changeStep({ ...base, status: 'open' })?.state).toEqual({ state: 'open' });
    expect(assignmentStep({ ...base, field: 'owner', value: PEOPLE['octo-bob'] }, github)?.assignees).toEqual([
      'octo-bob',
    ]);
    expect(assignmentStep({ ...base, field: 'owner', value: 'U0NOBODY' }, github)).toEqual({
      comment: '**Owner:** Slack user U0NOBODY (set in Slack by ada).',
    });
    expect(assignmentStep({ ...base, field: 'owner' }, github)?.assignees).toEqual([]);
    expect(
      assignmentStep({ ...base, field: 'issue', value: 'https://github.com/o/r/issues/1' }, github),
    ).toBeUndefined();
  });
});

test('a chase (to the question’s owner) offers Open issue where the incident has a repository and the question no issue', () => {
  const incident = trackedIncident();
  const q = incident.questions.find((x) => x.id === 'Q3')!;
  const state = questionAsOf(q, at);
  const reminder = {
    key: 'chase:Q3:2024-09-10:1',
    series: 'chase:Q3',
    kind: 'chase' as const,
    at,
    about: { kind: 'chase' as const, questionId: 'Q3', text: q.text, due: '2024-09-10', n: 1, max: 3 },
    to: 'U0MEMBER',
    questionId: 'Q3',
  };
  const buttons = (tracked: boolean, s = state) =>
    reminderReply({ reminder, zone: 'UTC', open: [s], late: false, tracked })
      .blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []))
      .map((b) => b.text);
  expect(buttons(true)).toContain('Open issue');
  expect(buttons(false)).not.toContain('Open issue');
  expect(buttons(true, { ...state, issue: { url: 'https://github.com/o/r/issues/1', number: 1 } })).not.toContain(
    'Open issue',
  );
});

describe('the data set’s github:', () => {
  const findings = (github: unknown) => checkDataset(datasetWith((d) => d.setIn(['github'], github))).findings;

  test('a repository, labels and people are checked like every field', () => {
    expect(
      findings({ repo: 'example-org/follow-ups', labels: ['incident'], people: { 'octo-ada': 'U0ADMIN' } }),
    ).toEqual([]);
    expect(findings({ repo: 'follow-ups' }).join('\n')).toMatch(/github\.repo.*owner\/name/);
    expect(findings({ repo: 'o/r', people: { '-bad-': 'U0ADMIN' } }).join('\n')).toMatch(/GitHub login/);
    expect(findings({ repo: 'o/r', people: { octo: 'alice' } }).join('\n')).toMatch(/Slack user id/);
    expect(findings({ repo: 'o/r', project: 1 }).join('\n')).toMatch(/project/);
  });

  test('is exported as it was written', () => {
    const text = datasetWith((d) => d.setIn(['github'], { repo: 'example-org/follow-ups', labels: ['incident'] }));
    const incident = trackedIncident({ repo: 'example-org/follow-ups', labels: ['incident'] });
    expect(exportDataset(text, incident.origin)).toContain('repo: example-org/follow-ups');
  });
});
