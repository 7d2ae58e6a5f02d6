import type { QuestionState } from '../core/questions';
import type { RecordedAssignment, RecordedChange } from '../core/records';
import type { GitHubTracking, Incident } from '../incident/model';
import { truncate } from './format';
import { bold, code, link, note, paragraph, type Reply } from './doc';

/**
 * What summit-bot writes in a tracker issue (GitHub Markdown) and what /summit issue replies. Pure: the same inputs
 * give the same text, so a retry writes exactly what the first try did.
 */

/** GitHub's longest issue title. */
const TITLE_MAX = 256;
/** Comfortably below GitHub's 65,536 characters for a body or comment. */
const TEXT_MAX = 60_000;

/**
 * The hidden marker that says which question an issue (or which change a comment) is: a retry after a crash finds
 * what the first try made by it, so nothing is made twice.
 */
export function issueMarker(incidentId: string, questionId: string, step?: string): string {
  return `<!-- summit-bot:${incidentId}/${questionId}${step ? `/${step}` : ''} -->`;
}

/**
 * Text as GitHub shows it literally: no HTML (so no marker can be forged inside a question's text), no @mention
 * that would notify someone, no table or emphasis syntax taken from what people typed.
 */
export function mdText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=\w)/g, '@\u200b')
    .replace(/([\\`*_[\]|#])/g, '\\$1');
}

/** A person as the issue names them: their GitHub login when the data set says who they are, else their Slack id. */
export function personIn(github: GitHubTracking, slackUser: string): string {
  const login = loginOf(github, slackUser);
  return login ? `@${login}` : `Slack user ${slackUser}`;
}

/** The GitHub login of a Slack user, when the data set's `github.people` names them. */
export function loginOf(github: GitHubTracking, slackUser: string): string | undefined {
  return Object.entries(github.people).find(([, id]) => id === slackUser)?.[0];
}

export function issueTitle(s: QuestionState): string {
  return truncate(`${s.question.id}: ${s.question.text.replace(/\s+/g, ' ')}`, TITLE_MAX);
}

/** The issue's body: the question, where it came from, its owner and due date, the incident's page, the marker. */
export function issueBody(
  incident: Incident,
  github: GitHubTracking,
  s: QuestionState,
  asker: string,
  page?: string,
): string {
  const rows: [string, string][] = [
    ['Incident', `${mdText(incident.title)} (${mdText(incident.id)})`],
    ['Question', s.question.id],
    [
      'Source',
      s.question.message
        ? `[a Slack message](${s.question.message.permalink})`
        : s.question.added
          ? `asked in Slack by ${mdText(s.question.added.by.name)}`
          : 'the incident’s data set',
    ],
  ];
  if (s.owner) rows.push(['Owner', personIn(github, s.owner)]);
  if (s.due) rows.push(['Due', s.due.date]);
  if (page) rows.push(['Incident page', `[open](${page})`]);
  const table = ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v.replace(/\n/g, ' ')} |`)].join('\n');
  return truncate(
    [
      mdText(s.question.text),
      '',
      table,
      '',
      `_Opened from summit-bot by ${mdText(asker)}. Closing this issue as completed answers ${s.question.id} (your last comment is the answer); closing it as not planned marks it not pursued; reopening it reopens the question._`,
      '',
      issueMarker(incident.id, s.question.id),
    ].join('\n'),
    TEXT_MAX,
  );
}

/** What a change made in Slack does to the issue: a comment, and the state to set (if any). */
export interface IssueStep {
  comment: string;
  state?: { state: 'open' | 'closed'; reason?: 'completed' | 'not_planned' };
  /** The issue's assignees from now on (a new owner whose login is known; [] clears). */
  assignees?: string[];
}

export function changeStep(c: RecordedChange, mergedInto?: { id: string; issue?: number }): IssueStep | undefined {
  const by = `in Slack by ${mdText(c.actor.name)}`;
  const source = c.sourceUrl ? `\n\nSource: ${c.sourceUrl}` : '';
  switch (c.status) {
    case 'answered':
      return {
        comment: `**Answered** ${by}:\n\n${mdText(c.answer ?? '')}${source}`,
        state: { state: 'closed', reason: 'completed' },
      };
    case 'partial':
      return { comment: `**Partly answered** ${by}:\n\n${mdText(c.answer ?? '')}${source}` };
    case 'dropped':
      return {
        comment: `**Not pursued** ${by}: ${mdText(c.note ?? '')}`,
        state: { state: 'closed', reason: 'not_planned' },
      };
    case 'superseded': {
      const into = mergedInto
        ? `${mergedInto.id}${mergedInto.issue !== undefined ? ` (#${mergedInto.issue})` : ''}`
        : (c.supersededBy ?? 'another question');
      return {
        comment: `**Merged into ${into}** ${by}.`,
        state: { state: 'closed', reason: 'not_planned' },
      };
    }
    case 'open':
      return {
        comment: `**Reopened** ${by}${c.note ? `: ${mdText(c.note)}` : '.'}`,
        state: { state: 'open' },
      };
  }
}

export function assignmentStep(a: RecordedAssignment, github: GitHubTracking): IssueStep | undefined {
  const by = `in Slack by ${mdText(a.actor.name)}`;
  if (a.field === 'owner') {
    const login = a.value ? loginOf(github, a.value) : undefined;
    return {
      comment: a.value ? `**Owner:** ${personIn(github, a.value)} (set ${by}).` : `**No owner** (cleared ${by}).`,
      ...(a.value === undefined ? { assignees: [] } : login ? { assignees: [login] } : {}),
    };
  }
  if (a.field === 'due')
    return { comment: a.value ? `**Due:** ${a.value} (set ${by}).` : `**No due date** (cleared ${by}).` };
  return undefined;
}

export function withMarker(text: string, marker: string): string {
  return `${truncate(text, TEXT_MAX)}\n\n${marker}`;
}

// ---------------------------------------------------------------------------------------------------------------
// /summit issue

const issueLink = (url: string, number: number) => link(url, `#${number}`);

export function issueLinkedReply(
  questionId: string,
  repo: string,
  url: string,
  number: number,
  already: boolean,
): Reply {
  return {
    summary: `${questionId} ${already ? 'is' : 'is now'} ${repo}#${number}.`,
    blocks: [
      paragraph(bold(questionId), already ? ' is ' : ' is now ', `${repo} `, issueLink(url, number), '.'),
      note(
        already
          ? 'A question has one issue: asked again, it links the same one. '
          : 'Changes made here are sent to the issue; closing or reopening it there changes the question here. ',
        code(`/summit history ${questionId}`),
        ' shows both.',
      ),
    ],
  };
}

export function issuePendingReply(questionId: string, repo: string, why?: string): Reply {
  const text = why
    ? `GitHub could not be reached for ${questionId} (${why}). Nothing was created yet: the issue will be created in ${repo} when GitHub answers, and /summit issue ${questionId} will link it.`
    : `The issue for ${questionId} is being created in ${repo}; GitHub has not answered yet. It will be created once (never twice), and /summit issue ${questionId} will link it.`;
  return { summary: text, blocks: [paragraph(text)] };
}

export function issueRefusedReply(questionId: string, repo: string, why: string): Reply {
  const text = `No issue was created for ${questionId} in ${repo}: ${why}. Nothing was changed; an admin can fix the data set’s github: settings (or the token) and ask again.`;
  return { summary: text, blocks: [paragraph(text)] };
}

export function issueGoneReply(questionId: string, url?: string): Reply {
  const text = `${questionId}’s issue was deleted on GitHub (or its repository was)${url ? ` (${url})` : ''}: nothing more is sent to it.`;
  return { summary: text, blocks: [paragraph(text)] };
}

export function noRepositoryReply(incidentId: string): Reply {
  const text = `${incidentId} has no GitHub repository for its questions. An admin adds one to its data set (github: { repo: owner/name }).`;
  return { summary: text, blocks: [paragraph(text)] };
}

export function noTrackerReply(): Reply {
  const text =
    'Questions cannot become GitHub issues here: the bot has no GitHub token (GITHUB_TOKEN). Nothing was changed.';
  return { summary: text, blocks: [paragraph(text)] };
}
