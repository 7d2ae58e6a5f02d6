import type { EventNow } from '../core/countdown';
import { describeCountdown } from './countdown';
import type { OutstandingUpdate } from '../core/incident';
import { isPursued, type QuestionCounts, type QuestionState } from '../core/questions';
import type { ExpectedUpdate, Fact, Incident, Source, SummitEvent, TimelineEntry } from '../incident/model';
import type { StatusChange } from '../incident/model';
import {
  sentenceReply,
  bold,
  code,
  date,
  divider,
  header,
  item,
  link,
  list,
  more as moreBlock,
  note,
  paragraph,
  type Button,
  type DocBlock,
  type Inline,
  type Line,
  type Reply,
  user,
} from './doc';
import { shortDate, truncate } from './format';
import { ACTIONS } from './ids';

/**
 * Pure builders: core results in, a Reply document out. Wording lives here once for Slack and the console.
 */

/** "CrowdStrike, Jul 24, 2024": a source's publisher and its (calendar) date. */
const sourceLabel = (s: Source): string => `${s.publisher}, ${shortDate(new Date(`${s.date}T12:00:00Z`), 'UTC')}`;

/** The longest document title a citation shows in full (a fact list must stay within Slack's block limits). */
const CITED_TITLE_MAX = 100;

/**
 * A citation: the document's title (linked, clipped past CITED_TITLE_MAX characters), then its publisher and date:
 * "Channel File 291 Incident: Root Cause Analysis is Available (CrowdStrike, Aug 6, 2024)".
 */
export const sourceLink = (s: Source): Line => [
  link(s.url, truncate(s.title, CITED_TITLE_MAX)),
  ` (${sourceLabel(s)})`,
];

/** A bare URL as a link labelled with its host. */
export const urlLink = (url: string): Inline => link(url, URL.canParse(url) ? new URL(url).host : url);

/** " — <source>" and " (recorded by alice)" for one status change or receipt, when it has them. */
export function provenance(c: { source?: Source; sourceUrl?: string; url?: string; by?: { name: string } }): Line {
  const out: Line = [];
  if (c.source) out.push(' — ', ...sourceLink(c.source));
  const url = c.sourceUrl ?? c.url;
  if (url) out.push(' — ', urlLink(url));
  if (c.by) out.push(` (recorded by ${c.by.name})`);
  return out;
}
const sourceLine = (s: Source): Line => ['Source: ', ...sourceLink(s)];

/** The event's date: in each reader's zone in Slack, with the event's zone as fallback and label. */
export function eventDate(event: SummitEvent): Line {
  if (event.allDay) return [date(event.start, event.timezone), ` (all day, ${event.timezone})`];
  if (event.openEnded) return [date(event.start, event.timezone, true)];
  return [date(event.start, event.timezone, true), ' to ', date(event.end, event.timezone, true)];
}

/**
 * How late an outstanding update is: a promised date that passed is overdue; an estimate is never overdue (nobody
 * promised it), so how long ago the estimate passed is said instead.
 */
export function lateness(o: OutstandingUpdate): Line {
  if (o.overdue) return [' (overdue)'];
  if (o.estimatePassedDays === undefined) return [];
  const d = o.estimatePassedDays;
  return [d === 0 ? ' (our estimate passed today)' : ` (our estimate passed ${d} day${d === 1 ? '' : 's'} ago)`];
}

/** When an expected update is due: a promised date, or the data set's estimate when the source gave none. */
export function expectedWhen(update: ExpectedUpdate, zone: string): Line {
  return update.estimated
    ? [' — no date given; nudging from ', date(update.expected, zone)]
    : [' — expected ', date(update.expected, zone)];
}

/**
 * The sentence for no event: before it was announced, or for an incident that has none at all (an outage with no
 * meeting, briefing or review on record).
 */
function notAnnounced(now: Date, zone: string, hasEvent: boolean): Line {
  if (!hasEvent) return ['This incident has no event: no meeting, briefing or review is on record for it.'];
  return ['No event has been announced yet (as of ', date(now, zone), ').'];
}

function countsText(c: QuestionCounts): string {
  const parts = [`${c.open} open`];
  if (c.partial > 0) parts.push(`${c.partial} partly answered`);
  parts.push(`${c.answered} answered`);
  if (c.dropped > 0) parts.push(`${c.dropped} not pursued`);
  if (c.superseded > 0) parts.push(`${c.superseded} superseded`);
  return parts.join(', ');
}

function nextUpdateLine(outstanding: OutstandingUpdate[], zone: string): Line {
  const next = outstanding[0];
  if (!next) return ['No expected update is outstanding.'];
  const line: Line = [
    bold('Next expected update: '),
    next.update.text,
    ...expectedWhen(next.update, zone),
    ...lateness(next),
  ];
  if (outstanding.length > 1) line.push(` (+${outstanding.length - 1} more outstanding)`);
  return line;
}

export interface StatusData {
  incident: Incident;
  /** The event and its countdown, once it was announced. */
  event?: EventNow;
  counts: QuestionCounts;
  outstanding: OutstandingUpdate[];
  now: Date;
}

/** The overview a newcomer meets first: what the incident is, the event, the questions, the next update. */
export function statusReply({ incident, event, counts, outstanding, now }: StatusData): Reply {
  const zone = incident.zone;
  const notAnswered = counts.open + counts.partial;
  const questions = `${notAnswered} question${notAnswered === 1 ? '' : 's'} not fully answered.`;
  const e = event?.event;
  const when = event && describeCountdown(event.countdown, event.event.allDay);
  return {
    share: 'status',
    summary: e
      ? `${e.name}: ${when}. ${questions}`
      : `${incident.title}: ${incident.event === undefined ? 'no event' : 'no event announced yet'}. ${questions}`,
    blocks: [
      header(e ? e.name : incident.title),
      paragraph(summaryText(incident, event)),
      paragraph(...eventLine(event, now, zone, incident.event !== undefined)),
      paragraph(bold('Questions: '), countsText(counts), '. ', code('/summit questions'), ' lists them.'),
      paragraph(...nextUpdateLine(outstanding, zone)),
      note(incident.title, ...(e ? [' · ', ...sourceLink(e.source)] : []), ' · ', code('/summit help'), ' for more'),
    ],
  };
}

/**
 * The incident's summary as known at the moment: the data set's words, then, once an event was announced, who
 * hosts it in the tense of the moment ("will host", "is hosting", "hosted"). Nothing about an event before then.
 */
export function summaryText(incident: Incident, event: EventNow | undefined): string {
  if (!event) return incident.summary;
  const e = event.event;
  const hosts =
    e.hosts.length <= 1 ? (e.hosts[0] ?? 'Its hosts') : `${e.hosts.slice(0, -1).join(', ')} and ${e.hosts.at(-1)}`;
  const phase = event.countdown.phase;
  const verb =
    phase === 'upcoming'
      ? 'will host'
      : phase === 'past'
        ? 'hosted'
        : e.hosts.length > 1
          ? 'are hosting'
          : 'is hosting';
  const name = /^the\s/i.test(e.name) ? e.name : `the ${e.name}`;
  return `${incident.summary} ${hosts} ${verb} ${name}.`;
}

/** The event's date, place and countdown; before it was announced, that it was not yet. */
export function eventLine(event: EventNow | undefined, now: Date, zone: string, hasEvent = true): Line {
  if (!event) return notAnnounced(now, zone, hasEvent);
  const e = event.event;
  return [...eventDate(e), ` · ${e.location} · `, bold(describeCountdown(event.countdown, e.allDay))];
}

export function whenReply(incident: Incident, event: EventNow | undefined, now: Date): Reply {
  if (event === undefined) {
    const line = notAnnounced(now, incident.zone, incident.event !== undefined);
    return {
      summary: incident.event === undefined ? 'This incident has no event.' : 'No event has been announced yet.',
      blocks: [paragraph(...line, ' ', code('/summit facts'), ' shows what is known.')],
      share: 'when',
    };
  }
  const { event: e, countdown } = event;
  const when = describeCountdown(countdown, e.allDay);
  const blocks = [
    header(e.name),
    paragraph(bold('Date: '), ...eventDate(e)),
    paragraph(bold('Time zone: '), e.timezone),
    paragraph(bold('Place: '), e.location),
    paragraph(bold('Hosts: '), e.hosts.join(', ')),
  ];
  if (e.audience) blocks.push(paragraph(bold('Audience: '), e.audience));
  if (e.topics.length > 0) blocks.push(paragraph(bold('Topics: '), e.topics.join('; ')));
  blocks.push(paragraph(bold('Countdown: '), when), note(...sourceLine(e.source)));
  return { summary: `${e.name}: ${when}, ${e.location}.`, blocks, share: 'when' };
}

export function factsReply(
  incident: Incident,
  facts: Fact[],
  topic: string | undefined,
  allTopics: string[],
  curator = false,
  retracted: readonly Fact[] = [],
): Reply {
  const title = topic ? `Facts: ${topic}` : `Facts: ${incident.title}`;
  if (
    facts.length === 0 &&
    retracted.length > 0 &&
    (!topic || allTopics.includes(topic) || retracted.some((f) => f.topic === topic))
  ) {
    // Something was known, and withdrawn: said so, when and why, never "nothing is known yet".
    const text = `Nothing stands on this now: ${retracted.length === 1 ? 'its one fact was' : `its ${retracted.length} facts were`} withdrawn.`;
    return {
      summary: text,
      blocks: [
        paragraph(text),
        list(
          retracted.map((f) => [
            ...idOf(curator, f.id),
            `${f.topic}: ${f.text} — withdrawn `,
            date(f.withdrawn?.at ?? new Date(0), incident.zone),
            f.withdrawn?.reason ? `: ${f.withdrawn.reason}` : '',
          ]),
        ),
        ...curatorBlocks(curator, ['fact', 'source']),
      ],
    };
  }
  if (facts.length === 0) {
    const known = allTopics.length > 0 ? allTopics.join(', ') : 'none';
    const why = topic && !allTopics.includes(topic) ? `There is no topic "${topic}".` : 'Nothing is known yet on this.';
    return {
      summary: `${why} Topics: ${known}.`,
      blocks: [
        paragraph(why, ' Topics: ', known, '. Try ', code(`/summit facts ${allTopics[0] ?? ''}`.trim()), '.'),
        ...curatorBlocks(curator, ['fact', 'source']),
      ],
    };
  }
  return {
    share: topic ? `facts ${topic}` : 'facts',
    summary: `${facts.length} fact${facts.length === 1 ? '' : 's'}${topic ? ` on ${topic}` : ''} about ${incident.title}.`,
    blocks: [
      header(title),
      list(
        facts.map((f) => [
          ...idOf(curator, f.id),
          ...(topic ? [] : [bold(`${f.topic}: `)]),
          f.text,
          ' — ',
          ...sourceLink(f.source),
        ]),
      ),
      note('Topics: ', allTopics.join(', '), '. ', code('/summit facts <topic>'), ' shows one.'),
      ...curatorBlocks(curator, ['fact', 'source']),
    ],
  };
}

/** An entry's short id, shown to admins (who correct and retract by it). */
export function idOf(curator: boolean, id: string): Inline[] {
  return curator ? [code(id), ' '] : [];
}

const ADD_LABEL = {
  source: 'Add source',
  fact: 'Add fact',
  timeline: 'Add timeline entry',
  expected: 'Add expected update',
};

/** For admins: buttons that add to the incident, and how to correct or retract what is listed. */
export function curatorBlocks(curator: boolean, kinds: (keyof typeof ADD_LABEL)[]): DocBlock[] {
  if (!curator) return [];
  return [
    { type: 'actions', buttons: kinds.map((k) => ({ actionId: ACTIONS.addItem, text: ADD_LABEL[k], value: k })) },
    note(
      'Admins: ',
      code('/summit correct <id>'),
      ' corrects an entry (the earlier version is kept), ',
      code('/summit retract <id> <reason>'),
      ' withdraws it, ',
      code('/summit history <id>'),
      ' lists its versions.',
    ),
  ];
}

export const STATUS_LABEL = {
  open: 'open',
  partial: 'partly answered',
  answered: 'answered',
  dropped: 'not pursued',
  superseded: 'superseded',
} as const;

/** "(open)", "(superseded by Q3)". */
function statusLabel(s: QuestionState): string {
  return s.status === 'superseded' && s.supersededBy ? `superseded by ${s.supersededBy}` : STATUS_LABEL[s.status];
}

/**
 * A question with what is known about it: its status, owner and due date (marked when overdue), the message it
 * came from, and its answers (or why it is open or not pursued), each with source and who.
 */
export function questionLine(s: QuestionState, zone = 'UTC'): Line {
  const line: Line = [bold(`${s.question.id}`), ` (${statusLabel(s)}) `, s.question.text];
  const about: Line = [];
  if (s.owner) about.push('owner ', user(s.owner));
  if (s.due) about.push(about.length > 0 ? ', due ' : 'due ', date(endOfDueDay(s.due.by), zone));
  if (s.overdue) about.push(bold(' — overdue'));
  if (s.question.message)
    about.push(about.length > 0 ? ' · ' : '', link(s.question.message.permalink, 'from a Slack message'));
  if (s.issue) about.push(about.length > 0 ? ' · ' : '', 'issue ', link(s.issue.url, `#${s.issue.number}`));
  if (about.length > 0) line.push('\n    ', ...about);
  for (const a of s.answers) line.push('\n    ↳ ', a.answer ?? '', ...provenance(a));
  for (const n of s.notes) line.push('\n    ↳ ', n.note ?? '', ...provenance(n));
  return line;
}

/** Midday of the due day (its `by` is the next midnight), so the date reads the same in any nearby zone. */
const endOfDueDay = (by: Date): Date => new Date(by.getTime() - 12 * 3_600_000);

/** "Record answer" beside a question that is not fully answered, for those who may record one. */
export function recordAnswerButton(s: QuestionState, canRecord: boolean): Button | undefined {
  return canRecord && isPursued(s.status)
    ? { actionId: ACTIONS.recordAnswer, text: 'Record answer', value: s.question.id, style: 'primary' }
    : undefined;
}

/** "Open issue": the question becomes an issue in the incident's repository (for admins and its owner). */
export function openIssueButton(questionId: string): Button {
  return { actionId: ACTIONS.openIssue, text: 'Open issue', value: questionId };
}

/**
 * Most questions a reply lists. Slack shows about 45 of them at most (50 blocks), and a document several thousand
 * questions long would be built in full only to be cut: past this, the list ends with how many more there are.
 */
export const MAX_LISTED_QUESTIONS = 200;

export function questionsReply(
  states: readonly QuestionState[],
  filter: 'open' | 'answered' | 'all',
  asOf: Date,
  zone: string,
  canRecord = false,
): Reply {
  const title =
    filter === 'open' ? 'Questions not fully answered' : filter === 'answered' ? 'Answered questions' : 'All questions';
  // The footer points at the other list, never at the one just shown.
  const asOfNote = note(
    'As of ',
    date(asOf, zone, true),
    '. ',
    ...(filter === 'all'
      ? [code('/summit questions'), ' shows only those not fully answered.']
      : [code('/summit questions all'), ' shows every question.']),
  );
  const share = filter === 'open' ? 'questions' : `questions ${filter}`;
  if (states.length === 0) {
    const none =
      filter === 'answered'
        ? 'No question is answered yet.'
        : filter === 'open'
          ? 'Every question is answered.'
          : 'The data set has no questions.';
    return { summary: none, blocks: [paragraph(none), asOfNote], share };
  }
  const listed = states.slice(0, MAX_LISTED_QUESTIONS);
  const more = states.length - listed.length;
  return {
    share,
    summary: `${title}: ${listed.map((s) => `${s.question.id} (${statusLabel(s)})`).join(', ')}${more > 0 ? ` and ${more} more` : ''}.`,
    blocks: [
      header(title),
      ...listed.map((s) => item(questionLine(s, zone), recordAnswerButton(s, canRecord))),
      ...(more > 0 ? [moreBlock(more)] : []),
      asOfNote,
    ],
  };
}

export function timelineReply(incident: Incident, entries: TimelineEntry[], curator = false): Reply {
  const zone = incident.zone;
  if (entries.length === 0)
    return {
      summary: 'Nothing on the timeline yet.',
      blocks: [paragraph('Nothing on the timeline yet.'), ...curatorBlocks(curator, ['timeline', 'source'])],
    };
  return {
    share: 'timeline',
    summary: `Timeline of ${incident.title}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}.`,
    blocks: [
      header(`Timeline: ${incident.title}`),
      list(
        entries.map((e) => [
          ...idOf(curator, e.id),
          date(e.when.at, e.when.dateOnly ? zone : 'UTC', !e.when.dateOnly),
          ' — ',
          e.text,
          ' — ',
          ...sourceLink(e.source),
        ]),
      ),
      ...curatorBlocks(curator, ['timeline', 'source']),
    ],
  };
}

/** One line of help: a command's usage and what it does. */
export interface CommandHelp {
  name: string;
  usage: string;
  summary: string;
  /** It records something (so a refused or bad request says that nothing was changed). */
  changes?: boolean;
}

export function helpReply(commands: readonly CommandHelp[]): Reply {
  return {
    share: 'help',
    summary: `/summit commands: ${commands.map((c) => c.name).join(', ')}.`,
    blocks: [
      header('summit-bot commands'),
      list(commands.map((c) => [code(`/summit ${c.usage}`), ` — ${c.summary}`])),
      note(
        'In Slack, replies are visible only to you and dates show in your own time zone; the console shows them in the event’s time zone.',
      ),
    ],
  };
}

export function unknownReply(word: string, suggestion: string | undefined): Reply {
  const did = suggestion ? [' Did you mean ', code(suggestion), '?'] : [];
  return {
    summary: `Unknown command "${word}".${suggestion ? ` Did you mean ${suggestion}?` : ''} Try /summit help.`,
    blocks: [paragraph('I don’t know ', code(word), '.', ...did, ' ', code('/summit help'), ' lists every command.')],
  };
}

export function usageReply(spec: CommandHelp, problem: string): Reply {
  const sentence = problem.charAt(0).toUpperCase() + problem.slice(1);
  return {
    summary: `${sentence}. Usage: /summit ${spec.usage}`,
    blocks: [
      paragraph(sentence, '. Usage: ', code(`/summit ${spec.usage}`), ' — ', spec.summary, '.'),
      divider,
      note(spec.changes ? 'Nothing was changed. ' : '', code('/summit help'), ' lists every command.'),
    ],
  };
}

/** When a status change happened: a date for data-set entries, date and time for recorded ones. */
export function changeWhen(c: StatusChange, zone: string): Inline {
  return date(c.when.at, zone, !c.when.dateOnly);
}

export function notShareableReply(): Reply {
  const text = 'That reply cannot be shared.';
  return sentenceReply(text);
}

/** Sharing failed: because the bot is not in the conversation (how to invite it), or for another reason. */
export function cannotPostReply(notMember: boolean): Reply {
  const text = notMember
    ? 'I can’t post in this conversation. Invite me with /invite @summit-bot (or share from a channel I’m in), then try again.'
    : 'Sorry, sharing failed. Please try again.';
  return sentenceReply(text);
}

/** Something failed that is not an outage: the transaction rolled back, so nothing changed. */
export function failureReply(): Reply {
  const text =
    'Sorry, something went wrong answering that, and nothing was changed. Please try again; if it keeps happening, tell whoever runs summit-bot.';
  return sentenceReply(text);
}

export function storeDownReply(): Reply {
  const text = 'State is unavailable right now, so nothing was recorded or read. Please try again in a moment.';
  return sentenceReply(text);
}

const DEGRADED =
  'Recorded answers and updates are unavailable right now: this shows the data set alone, without what was recorded in Slack.';

/**
 * A reply made without the store says so first, in its blocks and in its fallback text, so nobody takes the data
 * set's view for the recorded state.
 */
export function degraded(reply: Reply): Reply {
  return {
    summary: `${DEGRADED} ${reply.summary}`,
    blocks: [paragraph(bold(DEGRADED)), ...reply.blocks],
    share: undefined,
  };
}

/** A "which incident?" menu used after its command is no longer held (a day later): how to run it instead. */
export function heldCommandGoneReply(incidentId: string): Reply {
  const text = `That menu has expired, and nothing was run. Type the command again with the incident first, as in /summit ${incidentId} <command>.`;
  return { summary: text, blocks: [paragraph(text)] };
}

/** A change that was recorded, whose reply could not be posted in full: said so, with what it was. */
export function recordedNotShownReply(summary: string): Reply {
  const text = `Recorded, but the full reply could not be shown: ${summary}`;
  return { summary: truncate(text, 3000), blocks: [paragraph(truncate(text, 2900))] };
}
