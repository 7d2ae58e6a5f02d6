import type { OutstandingUpdate } from '../core/incident';
import { assignmentsAsOf, changesAsOf, issueOf, type QuestionState } from '../core/questions';
import type { Question, Receipt } from '../incident/model';
import {
  sentenceReply,
  actions,
  bold,
  code,
  date,
  header,
  item,
  link,
  list,
  note,
  paragraph,
  user,
  type Inline,
  type Line,
  type Reply,
} from './doc';
import {
  changeWhen,
  curatorBlocks,
  expectedWhen,
  lateness,
  openIssueButton,
  provenance,
  questionLine,
  STATUS_LABEL,
} from './replies';

/** Replies of the follow-up commands: updates, history, confirmations and refusals. Pure builders. */

function receiptLine(r: Receipt, zone: string): Line {
  const line: Line = [date(r.when.at, zone, !r.when.dateOnly), ' — '];
  if (r.expectedId) line.push(code(r.expectedId), ' received: ');
  line.push(r.text ?? 'Update received', ...provenance(r));
  return line;
}

export function updatesReply(
  received: Receipt[],
  outstanding: OutstandingUpdate[],
  zone: string,
  curator = false,
): Reply {
  const blocks = [header('Updates')];
  if (received.length === 0) blocks.push(paragraph('No update has been recorded yet.'));
  else blocks.push(list(received.map((r) => receiptLine(r, zone))));
  if (outstanding.length === 0) blocks.push(note('No expected update is outstanding.'));
  else {
    blocks.push(paragraph(bold('Still expected:')));
    blocks.push(list(outstanding.map((o) => outstandingLine(o, zone))));
    blocks.push(note('An admin records one with ', code('/summit update <id> <text> [URL]'), '.'));
  }
  blocks.push(...curatorBlocks(curator, ['expected', 'source']));
  return {
    summary: `${received.length} update${received.length === 1 ? '' : 's'} recorded; ${outstanding.length} expected update${outstanding.length === 1 ? '' : 's'} outstanding.`,
    blocks,
    share: 'updates',
  };
}

/** An issue's web address as `#12` (its address, when it is not an issue's). */
function issueLabel(url: string): string {
  const issue = issueOf(url);
  return issue ? `#${issue.number}` : url;
}

export function historyReply(
  question: Question,
  now: Date,
  zone: string,
  current: QuestionState,
  openIssue = false,
): Reply {
  const changes = changesAsOf(question, now);
  const lines: { at: number; line: Line }[] = [];
  if (question.added)
    lines.push({
      at: question.added.at.getTime(),
      line: [
        date(question.added.at, zone, true),
        ' — asked',
        ` (by ${question.added.by.name})`,
        ...messageLink(question),
      ],
    });
  for (const c of changes) {
    const what =
      c.status === 'open'
        ? c.by
          ? 'reopened'
          : 'open'
        : c.status === 'superseded' && c.supersededBy
          ? `superseded by ${c.supersededBy}`
          : STATUS_LABEL[c.status];
    const text = c.answer ?? c.note;
    lines.push({
      at: c.when.at.getTime(),
      line: [changeWhen(c, zone), ' — ', bold(what), ...(text ? [': ', text] : []), ...provenance(c)],
    });
  }
  for (const a of assignmentsAsOf(question, now)) {
    const set: Line =
      a.field === 'owner'
        ? a.value
          ? ['owner ', user(a.value)]
          : ['owner cleared']
        : a.field === 'issue'
          ? a.value
            ? ['issue ', link(a.value, issueLabel(a.value))]
            : ['issue unlinked']
          : a.value
            ? [`due ${a.value}`]
            : ['due date cleared'];
    const when: Line = a.by ? [date(a.when.at, zone, true), ' — '] : ['From the data set — '];
    lines.push({ at: a.when.at.getTime(), line: [...when, ...set, ...(a.by ? [` (by ${a.by.name})`] : [])] });
  }
  // Oldest first; a stable sort keeps the order above on ties.
  const ordered = lines.sort((x, y) => x.at - y.at).map((l) => l.line);
  return {
    // Counts every line the body lists (asked, status changes, owner and due-date changes), so the two agree.
    summary: `${question.id}: ${STATUS_LABEL[current.status]}. ${ordered.length} change${ordered.length === 1 ? '' : 's'}.`,
    blocks: [
      header(`History of ${question.id}`),
      paragraph(
        bold(question.id),
        ' ',
        question.text,
        ' — now ',
        bold(current.supersededBy ? `superseded by ${current.supersededBy}` : STATUS_LABEL[current.status]),
      ),
      ordered.length > 0 ? list(ordered) : paragraph('No changes yet: open since the start.'),
      ...(openIssue ? [actions(openIssueButton(question.id))] : []),
    ],
    share: `history ${question.id}`,
  };
}

export function changedReply(state: QuestionState, verb: string, zone = 'UTC'): Reply {
  return {
    summary: `${state.question.id} ${verb}.`,
    blocks: [
      paragraph('Recorded: ', bold(state.question.id), ` ${verb}.`),
      item(questionLine(state, zone)),
      note(code(`/summit history ${state.question.id}`), ' shows every change.'),
    ],
    share: `history ${state.question.id}`,
  };
}

export function askedReply(question: Question): Reply {
  return {
    summary: `Added ${question.id}: ${question.text}`,
    blocks: [
      paragraph('Added ', bold(question.id), ' (open): ', question.text),
      note('An admin can answer it with ', code(`/summit answer ${question.id} <answer> [source URL]`), '.'),
    ],
    share: `history ${question.id}`,
  };
}

export function updateRecordedReply(receipt: Receipt, zone: string, earlier?: Receipt): Reply {
  const id = receipt.expectedId;
  return {
    summary: `Update recorded${id ? ` for ${id}` : ''}${earlier ? ' (it had already been received: this is a further update)' : ''}.`,
    blocks: [
      paragraph(
        'Recorded an update',
        ...(id && !earlier ? [' for ', code(id), ' (no longer outstanding)'] : []),
        ...(id && earlier
          ? [
              ' for ',
              code(id),
              '. It had already been received ',
              date(earlier.when.at, zone),
              ', so this is recorded as a further update',
            ]
          : []),
        '.',
      ),
      item(receiptLine(receipt, zone)),
      ...(earlier ? [note('Received before: ', ...receiptLine(earlier, zone))] : []),
    ],
    share: 'updates',
  };
}

/** A polite refusal naming who may do it. Nothing is changed. */
export function refusalReply(what: string, admins: string[]): Reply {
  const who: Inline[] = [];
  admins.forEach((id, i) => who.push(i === 0 ? '' : ', ', user(id)));
  const named = admins.length > 0 ? [...who, ', or a workspace admin or owner'] : ['a workspace admin or owner'];
  return {
    summary: `Only admins can ${what}. Nothing was changed.`,
    blocks: [paragraph(`Sorry, only admins can ${what}: `, ...named, '. Nothing was changed.')],
  };
}

/** An id that names no question (then); `changing`: the command would have changed something. */
export function noSuchQuestionReply(id: string, open: string[], changing = false): Reply {
  const hint = open.length > 0 ? `Open: ${open.join(', ')}` : 'No question is open';
  return {
    summary: `No question ${id}. ${hint}.`,
    blocks: [
      paragraph(
        `No question ${id}. ${hint}. `,
        code('/summit questions all'),
        changing ? ' lists every question. Nothing was changed.' : ' lists every question.',
      ),
    ],
  };
}

/** A change was committed but the question could not be read back to show it: the receipt still says recorded. */
export function changedBriefly(questionId: string, verb: string): Reply {
  return {
    summary: `${questionId} ${verb}.`,
    blocks: [
      paragraph('Recorded: ', bold(questionId), ` ${verb}.`),
      note(code(`/summit history ${questionId}`), ' shows every change.'),
    ],
    share: `history ${questionId}`,
  };
}

/** The same signed request arrived again: it was answered the first time and changes nothing now. */
export function replayReply(): Reply {
  const text = 'That request was already handled, so it was not applied again.';
  return sentenceReply(text);
}

/** Slack could not say whether the user is an admin (users.info failed or was slow). */
export function adminUnconfirmedReply(): Reply {
  const text =
    'I could not confirm with Slack that you are an admin just now, so nothing was changed. Please try again in a moment.';
  return sentenceReply(text);
}

export function noSuchExpectedUpdateReply(id: string, known: string[]): Reply {
  const hint = known.length > 0 ? `Expected updates: ${known.join(', ')}.` : 'The data set expects no update.';
  return {
    summary: `No expected update ${id}. ${hint}`,
    blocks: [paragraph('No expected update ', code(id), `. ${hint} Nothing was changed.`)],
  };
}

export function unknownSeriesReply(): Reply {
  const text = 'That reminder is no longer planned, so there is nothing to snooze. Nothing was changed.';
  return sentenceReply(text);
}

export function snoozedReply(dm: boolean): Reply {
  const text = `Snoozed: no more of these reminders ${dm ? 'for you' : 'here'} until the same time tomorrow.`;
  return sentenceReply(text);
}

/** A first word that looks like an expected-update id but is none: the closest ids, and how to record a general update. */
export function unknownExpectedUpdateReply(word: string, closest: string[], known: string[]): Reply {
  const did: Inline[] =
    closest.length > 0
      ? [' Did you mean ', ...closest.flatMap((id, i) => (i === 0 ? [code(id)] : [' or ', code(id)])), '?']
      : [];
  const list = known.length > 0 ? `Expected updates: ${known.join(', ')}.` : 'The data set expects no update.';
  return {
    summary: `${word} is not an expected update.${closest.length > 0 ? ` Did you mean ${closest.join(' or ')}?` : ''} Nothing was recorded.`,
    blocks: [
      paragraph(code(word), ' is not an expected update.', ...did, ` ${list} Nothing was recorded.`),
      note(
        'To record an update not tied to an expected one, start with a dash: ',
        code('/summit update - <text> [URL]'),
        '.',
      ),
    ],
  };
}

export function questionListFullReply(max: number): Reply {
  const text = `The question list is full: at most ${max.toLocaleString('en-US')} questions can be added in Slack. Nothing was added; answer the ones that are open, or ask whoever runs summit-bot to start a new data set.`;
  return sentenceReply(text);
}

export function alreadyOpenReply(questionId: string): Reply {
  return {
    summary: `${questionId} is already open.`,
    blocks: [paragraph(`${questionId} is already open. Nothing was changed.`)],
  };
}

/** What a button that opens a form says in words (its reply where no form can be shown). */
export function formOpenedReply(id: string): Reply {
  return sentenceReply(`Opened the form for ${id}.`);
}

export const SUBSCRIBE_IN_DM = 'This is a direct message: use `/summit remind me` (or `remind off`) here.';
export const NO_SNOOZE_IN_CONSOLE = 'In the console, reminders cannot be snoozed.';

export function channelSubscriptionText(on: boolean, changed: boolean): string {
  if (on)
    return changed
      ? 'This channel will receive reminders. `/summit schedule` shows the next ones.'
      : 'This channel already receives reminders.';
  return changed ? 'This channel will no longer receive reminders.' : 'This channel was not subscribed.';
}

export function dmSubscriptionText(on: boolean, changed: boolean): string {
  if (on) return changed ? 'You will receive reminders by DM.' : 'You already receive reminders by DM.';
  return changed ? 'You will no longer receive reminders by DM.' : 'You were not receiving reminders by DM.';
}

export function consoleSubscriptionText(on: boolean, changed: boolean): string {
  if (on) return 'Reminders print here in the console as they fire.';
  return changed
    ? 'The console will no longer print reminders. `subscribe` (or `remind me`) brings them back.'
    : 'The console was not printing reminders.';
}

/** One expected update still outstanding: its id, what it is, and when it is expected. */
export function outstandingLine(o: OutstandingUpdate, zone: string): Line {
  return [o.update.text, ' (', code(o.update.id), ')', ...expectedWhen(o.update, zone), ...lateness(o)];
}

/** A question that is closed (answered, not pursued, superseded) cannot take what only a pursued one can. */
export function closedQuestionReply(state: QuestionState, what: string): Reply {
  const status =
    state.status === 'superseded' && state.supersededBy
      ? `superseded by ${state.supersededBy}`
      : STATUS_LABEL[state.status];
  return sentenceReply(`${state.question.id} is ${status}, so it cannot ${what}. Nothing was changed.`);
}

/** Why a user cannot own a question. */
export function notAssignableReply(userId: string, why: 'unknown' | 'bot' | 'deleted'): Reply {
  const reason = why === 'unknown' ? 'is not a user of this workspace' : why === 'bot' ? 'is a bot' : 'is deactivated';
  const text = `${userId} ${reason}: a question’s owner must be a person who can answer it. Nothing was changed.`;
  return {
    summary: text,
    blocks: [
      paragraph(
        user(userId),
        ` ${reason}: a question’s owner must be a person who can answer it. Nothing was changed.`,
      ),
    ],
  };
}

/** In Slack, a typed "@bob" that Slack did not turn into a mention names nobody. */
export function notAMentionReply(handle: string): Reply {
  return sentenceReply(
    `${handle} is not a mention: type @ and pick the person from Slack’s list, so Slack sends who they are. Nothing was changed.`,
  );
}

export function unchangedReply(text: string): Reply {
  return sentenceReply(`${text} Nothing was changed.`);
}

/** The same message was tracked already. */
export function alreadyTrackedReply(questionId: string): Reply {
  return {
    summary: `That message is already tracked as ${questionId}.`,
    blocks: [
      paragraph(
        'That message is already tracked as ',
        bold(questionId),
        '. ',
        code(`/summit history ${questionId}`),
        ' shows it.',
      ),
    ],
    share: `history ${questionId}`,
  };
}

/** A shortcut on a message with nothing to take (files only). */
export function noTextReply(what: 'track' | 'use'): Reply {
  return sentenceReply(
    `That message has no text to ${what === 'track' ? 'track as a question' : 'use as an answer'} (only files or attachments). Nothing was recorded.`,
  );
}

export function noOpenQuestionReply(): Reply {
  return sentenceReply('No question is open or partly answered, so there is nothing to answer. Nothing was recorded.');
}

/** What the caller owns, overdue first. */
export function mineReply(states: QuestionState[], asOf: Date, zone: string): Reply {
  if (states.length === 0)
    return {
      summary: 'You own no open question.',
      blocks: [
        paragraph('You own no open question.'),
        note('An admin gives a question an owner with ', code('/summit assign Q3 @someone'), '.'),
      ],
    };
  const overdue = states.filter((s) => s.overdue).length;
  return {
    summary: `You own ${states.length} open question${states.length === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} overdue` : ''}.`,
    blocks: [
      header('Yours'),
      ...states.map((s) => item(questionLine(s, zone))),
      note('As of ', date(asOf, zone, true), '. ', code('/summit questions'), ' lists every open question.'),
    ],
  };
}

/** " — from a Slack message" (linked), for a question tracked from one. */
function messageLink(question: Question): Line {
  return question.message ? [' from ', link(question.message.permalink, 'a Slack message')] : [];
}
