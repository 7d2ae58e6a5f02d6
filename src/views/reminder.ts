import type { Countdown } from '../core/countdown';
import { describeCountdown } from './countdown';
import type { PlannedReminder } from '../core/plan';
import type { QuestionState } from '../core/questions';
import type { SummitEvent } from '../incident/model';
import { actions, bold, code, date, item, list, note, paragraph, type Button, type DocBlock, type Reply } from './doc';
import { ACTIONS } from './ids';
import { eventDate, openIssueButton, questionLine } from './replies';

/** One line saying what a planned reminder is about: its title, in the plan, the schedule and the message. */
export function reminderTitle(r: PlannedReminder): string {
  const a = r.about;
  switch (a.kind) {
    case 'countdown':
      return `${a.event}: ${describeCountdown(a.countdown, a.allDay)}`;
    case 'nudge':
      // A date the source never gave is not called expected (the data set only estimates it).
      return a.estimated
        ? `Update awaited: ${a.text} (no date given; reminder ${a.n} of ${a.max})`
        : `Update expected: ${a.text} (reminder ${a.n} of ${a.max})`;
    case 'chase':
      return `Due ${a.due}: ${a.questionId} ${a.text} (reminder ${a.n} of ${a.max})`;
    case 'source':
      return a.more !== undefined ? moreItemsTitle(a.publisher, a.more) : `New from ${a.publisher}: ${a.title}`;
    case 'digest':
      return `Digest: ${a.open.length} question${a.open.length === 1 ? '' : 's'} not fully answered (${a.open.join(', ')})`;
  }
}

/** How many open questions a reminder lists before "and N more". */
const REMINDER_QUESTIONS = 10;

export interface ReminderData {
  reminder: PlannedReminder;
  /** The incident's zone: dates are said in it. */
  zone: string;
  /** The incident's event and its countdown, when it has one. */
  event?: { event: SummitEvent; countdown: Countdown };
  open: readonly QuestionState[];
  /** Sent after its time (the bot was down): say so. */
  late: boolean;
  /** The incident's questions can become issues (its data set names a repository). */
  tracked?: boolean;
}

/** A reminder message: what it is about, the countdown, the open questions, and its buttons. Pure. */
export function reminderReply(data: ReminderData): Reply {
  return data.reminder.kind === 'chase' ? chaseReply(data) : broadcastReply(data);
}

/** A chase, to a question's owner: the question as it stands, and what they can do about it. */
function chaseReply({ reminder, zone, open, late, tracked }: ReminderData): Reply {
  const state = open.find((s) => s.question.id === reminder.questionId);
  const blocks: DocBlock[] = [paragraph(bold(reminderTitle(reminder)))];
  if (state) blocks.push(item(questionLine(state, zone)));
  if (late)
    blocks.push(note('Sent late: it was due ', date(reminder.at, zone, true), ' while summit-bot was not running.'));
  blocks.push(note('You own this question. ', code('/summit mine'), ' lists every question you own.'));
  const buttons: Button[] = [
    { actionId: ACTIONS.recordAnswer, text: 'Record answer', value: reminder.questionId ?? '', style: 'primary' },
    { actionId: ACTIONS.snooze, text: 'Snooze 1 day', value: reminder.series },
    { actionId: ACTIONS.dropQuestion, text: 'Not pursued', value: reminder.questionId ?? '' },
  ];
  // The owner may make their question an issue, where the incident has a repository and it has none yet.
  if (tracked && state && !state.issue) buttons.push(openIssueButton(state.question.id));
  blocks.push(actions(...buttons));
  return { summary: `${reminderTitle(reminder)}${late ? ' (sent late)' : ''}`, blocks };
}

/** A countdown, a nudge or a digest, to every subscribed target. */
function broadcastReply({ reminder, zone, event: e, open, late }: ReminderData): Reply {
  const blocks: DocBlock[] = [paragraph(bold(reminderTitle(reminder)))];
  if (e)
    blocks.push(
      paragraph(
        ...eventDate(e.event),
        ` · ${e.event.location} · `,
        bold(describeCountdown(e.countdown, e.event.allDay)),
      ),
    );
  if (open.length > 0) {
    const shown = open.slice(0, REMINDER_QUESTIONS);
    blocks.push(paragraph(bold(`Not fully answered (${open.length}):`)));
    blocks.push(list(shown.map((s) => [bold(s.question.id), ` ${s.question.text}`, s.overdue ? ' (overdue)' : ''])));
    if (open.length > shown.length) blocks.push(note(`…and ${open.length - shown.length} more.`));
  } else blocks.push(paragraph('Every question is answered.'));
  if (late)
    blocks.push(note('Sent late: it was due ', date(reminder.at, zone, true), ' while summit-bot was not running.'));
  blocks.push(
    note(
      code('/summit schedule'),
      ' shows what comes next; ',
      code('/summit unsubscribe'),
      ' or ',
      code('/summit remind off'),
      ' stops these.',
    ),
  );

  const buttons: Button[] = [{ actionId: ACTIONS.openQuestions, text: 'Open questions', value: 'questions' }];
  if (reminder.kind === 'nudge' && reminder.expectedId)
    buttons.push({
      actionId: ACTIONS.recordUpdate,
      text: 'Record update',
      value: reminder.expectedId,
      style: 'primary',
    });
  buttons.push({ actionId: ACTIONS.snooze, text: 'Snooze 1 day', value: reminder.series });
  blocks.push(actions(...buttons));
  return { summary: `${reminderTitle(reminder)}${late ? ' (sent late)' : ''}`, blocks };
}

/** A poll's summary of the items it held back. */
export function moreItemsTitle(publisher: string, more: number): string {
  return `And ${more} more new item${more === 1 ? '' : 's'} from ${publisher}: /summit sources lists them`;
}
