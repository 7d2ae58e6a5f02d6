import { z } from 'zod';
import { clip, MAX_COMMAND_CHARS, sanitize } from '../lib/text';
import { decodeSlackEntities, fromSlackMarkup } from '../views/format';
import {
  ACTIONS,
  ANSWER_MODAL,
  CALLBACKS,
  CURATE_MODAL,
  START_MODAL,
  DROP_MODAL,
  SHORTCUTS,
  SOURCE_UPDATE_MODAL,
  TRACK_MODAL,
  UPDATE_MODAL,
} from '../views/ids';
import {
  parseAnswerFromMessage,
  parseDropSubmission,
  parseSourceAnswer,
  parseSourceUpdate,
  parseTrackSubmission,
} from '../views/lifecycle-forms';
import {
  formExpired,
  parseAnswerMetadata,
  parseAnswerSubmission,
  parseUpdateMetadata,
  parseUpdateSubmission,
  type StateValues,
} from '../views/modals';
import { helpReply, type CommandHelp } from '../views/replies';
import {
  editDistance,
  noArgs,
  parseAdd,
  parseAssign,
  parseCorrect,
  parseRetract,
  parseDrop,
  parseDue,
  parseIssue,
  parseMerge,
  parseAnswer,
  parseAsk,
  parseFacts,
  parseFollow,
  parseLink,
  parseHistory,
  parseQuestions,
  parseReopen,
  parseRemind,
  parseUpdate,
  type Parser,
} from './grammar';
import * as read from './handlers/read';
import * as record from './handlers/record';
import * as reminders from './handlers/reminders';
import type { Command, CommandName, Handler, ShortcutMessage } from './types';
import * as lifecycle from './handlers/lifecycle';
import { firstLink } from './handlers/lifecycle';
import * as sourcesHandlers from './handlers/sources';
import * as incidents from './handlers/incidents';
import * as links from './handlers/links';
import * as curation from './handlers/curate';
import * as start from './handlers/start';
import * as trackerHandlers from './handlers/tracker';
import { parseStartSubmission } from '../views/start-form';
import { firstBlock, parseCurateSubmission } from '../views/curate-forms';

/**
 * The command registry: every command, and every button that acts on the bot's state, described once. Parsing,
 * dispatch, permissions, what still answers while the store is down, reply reuse, sharing, `help`, the manifest's
 * usage hint and the README's command table all come from this table (tests hold the last two to it).
 *
 * Adding a read-only subcommand: an entry here, a handler (handlers/read.ts), a view (views/), a test.
 */

/**
 * Who may run a command. `ask` and `subscribe` follow the data set's `permissions:`; `subscribe` applies in
 * channels only (in a DM or the console a person only changes their own reminders).
 */
export type Access = 'anyone' | 'admins' | 'ask' | 'subscribe' | 'admins-or-owner' | 'link' | 'workspace';

export interface Entry<N extends CommandName> {
  /** The arguments as `help` shows them, after `/summit ` (button-only entries: how the button is labelled). */
  usage: string;
  summary: string;
  /** Typed as `/summit <word>` (with its aliases); false: only a button or form starts it. */
  typed: boolean;
  aliases?: readonly string[];
  parse?: Parser;
  /** The button whose value becomes this command. */
  button?: { action: string; command: (value: string) => Command };
  /** The form this command opens: its callback id, and how a submission becomes the command that records it. */
  form?: FormSpec;
  /** The message shortcut that starts it (callback id as in manifest.yml). */
  shortcut?: { callback: string; command: (message: ShortcutMessage) => Command };
  access: Access;
  /** What a refused user was trying to do ("record answers"), for the refusal. */
  refusal?: string;
  /** `none`: answers without the store; `dataset`: answers from the data set alone while it is down. */
  storeDown: 'none' | 'dataset' | 'refuse';
  /**
   * Whether its reply may be reused: `shared` within one recorded-state version and minute; `per-admin` the same,
   * apart for admins (who see buttons); `dataset` within one minute whatever is recorded meanwhile, for a reply
   * made from the data set and the clock alone.
   */
  reuse: 'never' | 'shared' | 'per-admin' | 'dataset';
  /**
   * Its reply reads the data set with what was added and corrected in Slack, and nothing else recorded (answers,
   * questions, updates): reused within the minute across other writes, while that incident's additions and
   * corrections stay the same.
   */
  curatedOnly?: boolean;
  /** Whether a "Share in channel" button may re-run it in the channel it is pressed in. */
  share: boolean;
  /** It records something (so a refused or bad request says that nothing was changed). */
  changes: boolean;
  /** About no incident in particular (help, incidents, mine): runs without asking which incident is meant. */
  anyIncident?: boolean;
  run: Handler<N>;
}

type Registry = { readonly [N in CommandName]: Entry<N> };

/**
 * A submitted form: the command it stands for and where it was opened (to confirm there), or the errors to show
 * beside its fields. `errorBlock` is where a refusal from the command itself is shown.
 */
export type FormSubmission =
  | { ok: true; command: Command; channelId?: string; errorBlock: string }
  | { ok: false; errors: Record<string, string> };

export interface FormSpec {
  callback: string;
  submit: (values: StateValues, metadata: string) => FormSubmission;
}

/** Longest button value read: every value the bot writes is a short command or id. */
export const MAX_BUTTON_VALUE = 200;
const buttonValue = z.string().max(MAX_BUTTON_VALUE).catch('');

const reading = {
  typed: true,
  access: 'anyone',
  storeDown: 'refuse',
  reuse: 'never',
  share: true,
  changes: false,
} as const;
/** A command that records something: typed, never reused or shared, refused while the store is down. */
const changing = <A extends Access>(access: A, refusal?: string) =>
  ({ typed: true, access, refusal, storeDown: 'refuse', reuse: 'never', share: false, changes: true }) as const;

export const REGISTRY: Registry = {
  status: {
    ...reading,
    usage: 'status',
    summary: 'the overview: the event, its countdown, open questions, the next expected update',
    aliases: ['', 'overview'],
    parse: noArgs('status'),
    storeDown: 'dataset',
    reuse: 'shared',
    run: read.status,
  },
  facts: {
    ...reading,
    usage: 'facts [outage|summit|aftermath]',
    summary: 'what is known, each fact with its source',
    aliases: ['fact'],
    parse: parseFacts,
    storeDown: 'dataset',
    reuse: 'per-admin',
    curatedOnly: true,
    run: read.facts,
  },
  when: {
    ...reading,
    usage: 'when',
    summary: 'date, time zone, place, hosts and countdown',
    aliases: ['date'],
    parse: noArgs('when'),
    storeDown: 'dataset',
    reuse: 'shared',
    curatedOnly: true,
    run: read.when,
  },
  questions: {
    ...reading,
    usage: 'questions [open|answered|all]',
    summary: 'the questions still open (or all of them), with answers and sources',
    aliases: ['question'],
    parse: parseQuestions,
    button: { action: ACTIONS.openQuestions, command: () => ({ name: 'questions', filter: 'open' }) },
    storeDown: 'dataset',
    reuse: 'per-admin',
    run: read.questions,
  },
  timeline: {
    ...reading,
    usage: 'timeline',
    summary: 'what happened when, with sources',
    parse: noArgs('timeline'),
    storeDown: 'dataset',
    reuse: 'per-admin',
    curatedOnly: true,
    run: read.timeline,
  },
  updates: {
    ...reading,
    usage: 'updates',
    summary: 'the updates recorded, newest first, and the expected ones still outstanding',
    parse: noArgs('updates'),
    reuse: 'per-admin',
    run: read.updates,
  },
  history: {
    ...reading,
    usage: 'history Q2|<id>',
    summary:
      'every change to a question, or every version of a source, fact, timeline entry or expected update, with who and when',
    parse: parseHistory,
    // Admins see an Open issue button on a question that can become an issue.
    reuse: 'per-admin',
    run: read.history,
  },
  answer: {
    ...changing('admins-or-owner', 'record answers'),
    usage: 'answer Q2 <answer> [source URL]',
    summary: 'mark a question answered',
    parse: parseAnswer('answer'),
    run: (cmd, env) => record.statusChange(cmd, env),
  },
  partial: {
    ...changing('admins-or-owner', 'record answers'),
    usage: 'partial Q2 <answer> [source URL]',
    summary: 'mark a question partly answered',
    parse: parseAnswer('partial'),
    run: (cmd, env) => record.statusChange(cmd, env),
  },
  reopen: {
    ...changing('admins', 'reopen questions'),
    usage: 'reopen Q2 [reason]',
    summary: 'set a question back to open',
    parse: parseReopen,
    run: (cmd, env) => record.statusChange(cmd, env),
  },
  ask: {
    ...changing('ask', 'add questions'),
    usage: 'ask <question>',
    summary: 'add an open question',
    parse: parseAsk,
    run: record.ask,
  },
  update: {
    ...changing('admins', 'record updates'),
    usage: 'update [expected-update-id | -] <text> [URL]',
    summary: 'record an update that arrived; - records one not tied to an expected update',
    parse: parseUpdate,
    run: record.update,
  },
  schedule: {
    ...reading,
    usage: 'schedule',
    summary: 'the next reminders for this channel or for you, in your time zone',
    parse: noArgs('schedule'),
    run: read.schedule,
  },
  subscribe: {
    ...changing('subscribe', 'subscribe a channel'),
    usage: 'subscribe',
    summary: 'this channel receives reminders',
    parse: noArgs('subscribe'),
    run: (cmd, env) => reminders.subscription(cmd, env),
  },
  unsubscribe: {
    ...changing('subscribe', 'unsubscribe a channel'),
    usage: 'unsubscribe',
    summary: 'this channel stops receiving reminders',
    parse: noArgs('unsubscribe'),
    run: (cmd, env) => reminders.subscription(cmd, env),
  },
  remind: {
    ...changing('anyone'),
    usage: 'remind me|off',
    summary: 'receive reminders by DM, or stop',
    parse: parseRemind,
    run: reminders.remind,
  },
  assign: {
    ...changing('admins', 'assign questions'),
    usage: 'assign Q2 @someone',
    summary: 'give a question an owner (- for none)',
    parse: parseAssign,
    run: lifecycle.assign,
  },
  due: {
    ...changing('admins-or-owner', 'set due dates'),
    usage: 'due Q2 YYYY-MM-DD',
    summary: 'set when a question is due (- for none); a date past is marked overdue at once',
    parse: parseDue,
    run: lifecycle.due,
  },
  issue: {
    ...changing('admins-or-owner', 'open issues'),
    usage: 'issue Q2',
    summary: 'make the question an issue in the incident’s GitHub repository (or link the one it has)',
    parse: parseIssue,
    button: {
      action: ACTIONS.openIssue,
      command: (value) => ({ name: 'issue', questionId: buttonValue.parse(value) }),
    },
    run: trackerHandlers.issue,
  },
  drop: {
    ...changing('admins-or-owner', 'drop questions'),
    usage: 'drop Q2 <reason>',
    summary: 'mark a question not pursued, saying why',
    parse: parseDrop,
    run: lifecycle.drop,
  },
  merge: {
    ...changing('admins', 'merge questions'),
    usage: 'merge Q5 into Q2',
    summary: 'mark a question superseded by another',
    parse: parseMerge,
    run: lifecycle.merge,
  },
  mine: {
    ...reading,
    share: false,
    usage: 'mine',
    summary: 'the open questions you own, overdue first (across incidents)',
    parse: noArgs('mine'),
    anyIncident: true,
    run: incidents.mine,
  },
  incidents: {
    ...reading,
    usage: 'incidents',
    summary: 'every incident: active or closed, who follows it, open questions, the next expected update',
    parse: noArgs('incidents'),
    // Not reused: it says which incident the asking channel follows.
    reuse: 'never',
    anyIncident: true,
    run: incidents.list,
  },
  follow: {
    ...changing('subscribe', 'make a channel follow an incident'),
    usage: 'follow <incident id>',
    summary: 'every command in this channel is about that incident',
    parse: parseFollow,
    run: incidents.follow,
  },
  unfollow: {
    ...changing('subscribe', 'make a channel stop following an incident'),
    usage: 'unfollow',
    summary: 'this channel follows no incident any more',
    parse: noArgs('unfollow'),
    run: incidents.unfollow,
  },
  link: {
    ...reading,
    usage: 'link [7d|revoke]',
    summary:
      "a link to this incident's read-only page (30 days, or as many as given); revoke: every link given stops working",
    parse: parseLink,
    access: 'link',
    refusal: 'get links to this incident’s page',
    storeDown: 'refuse',
    share: false,
    run: (cmd, env) => links.link(cmd, env),
  },
  calendar: {
    ...reading,
    usage: 'calendar',
    summary: "a link to subscribe to this incident's calendar (the event, expected updates, due dates)",
    parse: noArgs('calendar'),
    access: 'link',
    refusal: 'get links to this incident’s calendar',
    storeDown: 'none',
    share: false,
    run: (cmd, env) => links.link(cmd, env),
  },

  sources: {
    ...reading,
    usage: 'sources',
    summary: 'the watched feeds, when each was last checked, and their latest items with what was decided',
    parse: noArgs('sources'),
    run: sourcesHandlers.sources,
  },
  help: {
    ...reading,
    usage: 'help',
    summary: 'every command with a one-line usage',
    aliases: ['?'],
    parse: noArgs('help'),
    storeDown: 'none',
    reuse: 'dataset',
    anyIncident: true,
    run: async () => ({ reply: helpReply(helpEntries()), changed: false }),
  },
  'answer-form': {
    typed: false,
    usage: 'Record answer (a button on a question)',
    summary: 'opens the form to record an answer (admins)',
    button: {
      action: ACTIONS.recordAnswer,
      command: (value) => ({ name: 'answer-form', questionId: buttonValue.parse(value) }),
    },
    form: {
      callback: CALLBACKS.recordAnswerModal,
      submit: (values, metadata) => {
        const parsed = parseAnswerSubmission(values);
        if (!parsed.ok) return parsed;
        const meta = parseAnswerMetadata(metadata);
        const errorBlock = ANSWER_MODAL.answer.block;
        if (!meta) return { ok: false, errors: { [errorBlock]: formExpired('Record answer') } };
        const { status, answer, sourceUrl } = parsed.value;
        const command: Command = {
          name: status === 'answered' ? 'answer' : 'partial',
          questionId: meta.questionId,
          answer,
          sourceUrl,
        };
        return { ok: true, command, channelId: meta.channelId, errorBlock };
      },
    },
    access: 'admins-or-owner',
    refusal: 'record answers',
    storeDown: 'refuse',
    reuse: 'never',
    share: false,
    changes: true,
    run: record.answerForm,
  },
  'update-form': {
    typed: false,
    usage: 'Record update (a button on an update nudge)',
    summary: 'opens the form to record an expected update (admins)',
    button: {
      action: ACTIONS.recordUpdate,
      command: (value) => ({ name: 'update-form', expectedId: buttonValue.parse(value) }),
    },
    form: {
      callback: CALLBACKS.recordUpdateModal,
      submit: (values, metadata) => {
        const parsed = parseUpdateSubmission(values);
        if (!parsed.ok) return parsed;
        const meta = parseUpdateMetadata(metadata);
        const errorBlock = UPDATE_MODAL.text.block;
        if (!meta) return { ok: false, errors: { [errorBlock]: formExpired('Record update') } };
        const { text, url } = parsed.value;
        const command: Command = { name: 'update', expectedId: meta.expectedId, words: text, url };
        return { ok: true, command, channelId: meta.channelId, errorBlock };
      },
    },
    access: 'admins',
    refusal: 'record updates',
    storeDown: 'none',
    reuse: 'never',
    share: false,
    changes: true,
    run: record.updateForm,
  },
  track: {
    ...changing('ask', 'add questions'),
    typed: false,
    usage: 'Track as question (a message shortcut, then its form)',
    summary: 'the message becomes the next open question, linked to it, with an optional owner and due date',
    form: {
      callback: CALLBACKS.trackQuestionModal,
      submit: (values, metadata) => {
        const parsed = parseTrackSubmission(values, metadata);
        const errorBlock = TRACK_MODAL.text.block;
        if ('expired' in parsed) return { ok: false, errors: { [errorBlock]: formExpired('Track as question') } };
        if (!parsed.ok) return parsed;
        const { text, owner, due, message } = parsed.value;
        return { ok: true, command: { name: 'track', text, message, owner, due }, errorBlock };
      },
    },
    run: lifecycle.track,
  },
  'track-form': {
    ...changing('ask', 'add questions'),
    typed: false,
    usage: 'Track as question (a message shortcut)',
    summary: 'opens the form to track a message as a question',
    shortcut: { callback: SHORTCUTS.trackQuestion, command: (message) => ({ name: 'track-form', message }) },
    run: lifecycle.trackForm,
  },
  'answer-from-message-form': {
    ...changing('admins', 'record answers'),
    typed: false,
    usage: 'Use as answer (a message shortcut)',
    summary: 'opens the form to record a message as an answer (admins)',
    shortcut: {
      callback: SHORTCUTS.useAsAnswer,
      command: (message) => ({ name: 'answer-from-message-form', message }),
    },
    form: {
      callback: CALLBACKS.answerFromMessageModal,
      submit: (values, metadata) => {
        const parsed = parseAnswerFromMessage(values, metadata);
        if (!parsed.ok) return parsed;
        const { question, status, answer, sourceUrl, channelId } = parsed.value;
        const command: Command = {
          name: status === 'answered' ? 'answer' : 'partial',
          questionId: question,
          answer,
          sourceUrl,
        };
        return { ok: true, command, channelId, errorBlock: 'from_message_answer' };
      },
    },
    run: lifecycle.answerFromMessageForm,
  },
  'drop-form': {
    ...changing('admins-or-owner', 'drop questions'),
    typed: false,
    usage: 'Not pursued (a button on a chasing nudge)',
    summary: 'opens the form to mark a question not pursued (admins)',
    button: {
      action: ACTIONS.dropQuestion,
      command: (value) => ({ name: 'drop-form', questionId: buttonValue.parse(value) }),
    },
    form: {
      callback: CALLBACKS.dropModal,
      submit: (values, metadata) => {
        const parsed = parseDropSubmission(values, metadata);
        const errorBlock = DROP_MODAL.reason.block;
        if ('expired' in parsed) return { ok: false, errors: { [errorBlock]: formExpired('Not pursued') } };
        if (!parsed.ok) return parsed;
        const { questionId, reason, channelId } = parsed.value;
        return { ok: true, command: { name: 'drop', questionId, reason }, channelId, errorBlock };
      },
    },
    run: lifecycle.dropForm,
  },
  'source-update-form': {
    ...changing('admins', 'record updates'),
    typed: false,
    usage: 'Record as update (a button on a watched feed’s item)',
    summary: 'opens the form to record the item as an update (admins)',
    button: {
      action: ACTIONS.sourceRecordUpdate,
      command: (value) => ({ name: 'source-update-form', itemRef: buttonValue.parse(value) }),
    },
    form: {
      callback: CALLBACKS.sourceUpdateModal,
      submit: (values, metadata) => {
        const parsed = parseSourceUpdate(values, metadata);
        const errorBlock = SOURCE_UPDATE_MODAL.text.block;
        if ('expired' in parsed) return { ok: false, errors: { [errorBlock]: formExpired('Record as update') } };
        if (!parsed.ok) return parsed;
        const { expected, text, url, item, channelId } = parsed.value;
        const command: Command =
          expected === '-'
            ? { name: 'update', words: `- ${text}`, url, sourceItem: item }
            : { name: 'update', expectedId: expected, words: text, url, sourceItem: item };
        return { ok: true, command, channelId, errorBlock };
      },
    },
    run: sourcesHandlers.updateForm,
  },
  'source-answer-form': {
    ...changing('admins', 'record answers'),
    typed: false,
    usage: 'Answers a question (a button on a watched feed’s item)',
    summary: 'opens the form to record the item as an answer, its link as the source (admins)',
    button: {
      action: ACTIONS.sourceAnswer,
      command: (value) => ({ name: 'source-answer-form', itemRef: buttonValue.parse(value) }),
    },
    form: {
      callback: CALLBACKS.sourceAnswerModal,
      submit: (values, metadata) => {
        const parsed = parseSourceAnswer(values, metadata);
        const errorBlock = 'from_message_answer';
        if ('expired' in parsed) return { ok: false, errors: { [errorBlock]: formExpired('Answers a question') } };
        if (!parsed.ok) return parsed;
        const { question, status, answer, sourceUrl, item, channelId } = parsed.value;
        const name = status === 'answered' ? 'answer' : 'partial';
        return {
          ok: true,
          command: { name, questionId: question, answer, sourceUrl, sourceItem: item },
          channelId,
          errorBlock,
        };
      },
    },
    run: sourcesHandlers.answerForm,
  },
  'source-dismiss': {
    ...changing('admins', 'triage sources'),
    typed: false,
    usage: 'Not relevant (a button on a watched feed’s item)',
    summary: 'records that the item is not relevant; the post then says who dismissed it (admins)',
    button: {
      action: ACTIONS.sourceDismiss,
      command: (value) => ({ name: 'source-dismiss', itemRef: buttonValue.parse(value) }),
    },
    run: sourcesHandlers.dismiss,
  },
  new: {
    ...changing('workspace', 'start an incident'),
    usage: 'new',
    summary: 'opens the form to start an incident (title, id, time zone, summary); the channel then follows it',
    parse: noArgs('new'),
    anyIncident: true,
    run: start.newForm,
  },
  start: {
    ...changing('workspace', 'start an incident'),
    typed: false,
    anyIncident: true,
    usage: 'Start (the Start an incident form)',
    summary: 'records the incident of the form',
    form: {
      callback: CALLBACKS.startIncidentModal,
      submit: (values, metadata) => {
        const parsed = parseStartSubmission(values, metadata);
        if (!parsed)
          return { ok: false, errors: { [START_MODAL.title.block]: formExpired('the button, or type the command,') } };
        return {
          ok: true,
          // The channel it was started in follows it: the form names it (a form's submission has no channel).
          command: { name: 'start', ...parsed },
          channelId: parsed.channelId,
          errorBlock: START_MODAL.title.block,
        };
      },
    },
    run: start.start,
  },
  'source-add-form': {
    ...changing('admins', 'add to an incident'),
    typed: false,
    usage: 'Add as source (a button on a watched feed’s item)',
    summary: 'opens the Add source form with the item’s link, title, publisher and date (admins)',
    button: {
      action: ACTIONS.sourceAddAsSource,
      command: (value) => ({ name: 'source-add-form', itemRef: buttonValue.parse(value) }),
    },
    run: sourcesHandlers.addAsSourceForm,
  },
  add: {
    ...changing('admins', 'add to an incident'),
    usage: 'add source|fact|timeline|expected|event',
    summary: 'opens the form to add a source, fact, timeline entry, expected update or the event',
    parse: parseAdd,
    button: {
      action: ACTIONS.addItem,
      command: (value) => parseAdd({ remainder: value, args: [buttonValue.parse(value)], rawArgs: [value] }),
    },
    shortcut: {
      callback: SHORTCUTS.addAsSource,
      command: (message) => {
        const url = firstLink(message.text);
        return { name: 'add', kind: 'source', ...(url !== undefined && { prefill: { url } }) };
      },
    },
    run: curation.addForm,
  },
  correct: {
    ...changing('admins', 'correct an incident'),
    usage: 'correct <id>',
    summary: 'opens the form to correct a source, fact, timeline entry or expected update; the earlier version is kept',
    parse: parseCorrect,
    button: {
      action: ACTIONS.correctItem,
      command: (value) => ({ name: 'correct', itemId: buttonValue.parse(value) }),
    },
    run: curation.correctForm,
  },
  retract: {
    ...changing('admins', 'retract from an incident'),
    usage: 'retract <id> <reason>',
    summary: 'withdraws a source, fact, timeline entry or expected update from now on, with the reason',
    parse: parseRetract,
    run: curation.retract,
  },
  curate: {
    ...changing('admins', 'add to or correct an incident'),
    typed: false,
    usage: 'Add or Save correction (the add and correct forms)',
    summary: 'records the source, fact, timeline entry or expected update of the form',
    form: {
      callback: CALLBACKS.curateModal,
      submit: (values, metadata) => {
        const parsed = parseCurateSubmission(values, metadata);
        if (parsed.ok)
          return {
            ok: true,
            command: {
              name: 'curate',
              meta: parsed.meta,
              entry: parsed.entry,
              proposedId: parsed.proposedId,
              ...(parsed.newSource && { newSource: parsed.newSource }),
            },
            channelId: parsed.meta.channelId,
            errorBlock: firstBlock(parsed.meta.kind),
          };
        if ('errors' in parsed) return parsed;
        // Hidden metadata that no longer reads: said beside the form's first field, whichever form it is.
        return {
          ok: false,
          errors: {
            [Object.keys(values)[0] ?? CURATE_MODAL.text.block]: formExpired('the button, or type the command,'),
          },
        };
      },
    },
    run: curation.curate,
  },
  snooze: {
    typed: false,
    usage: 'Snooze 1 day (a button on a reminder)',
    summary: 'no more of that series of reminders here until the same time tomorrow',
    button: { action: ACTIONS.snooze, command: (value) => ({ name: 'snooze', series: buttonValue.parse(value) }) },
    access: 'subscribe',
    refusal: 'snooze a channel’s reminders',
    storeDown: 'refuse',
    reuse: 'never',
    share: false,
    changes: true,
    run: reminders.snooze,
  },
};

export const COMMAND_NAMES = Object.keys(REGISTRY) as CommandName[];

export function entryOf<N extends CommandName>(name: N): Entry<N> {
  return REGISTRY[name] as unknown as Entry<N>;
}

/** The commands people type, in the registry's order: what help, the manifest and the README list. */
export function typedCommands(): (CommandHelp & { name: CommandName; access: Access })[] {
  return COMMAND_NAMES.filter((n) => REGISTRY[n].typed).map((name) => ({
    name,
    usage: REGISTRY[name].usage,
    summary: REGISTRY[name].summary,
    access: REGISTRY[name].access,
  }));
}

/** What `help` lists: each typed command, marked when only admins may run it. */
function helpEntries(): CommandHelp[] {
  return typedCommands().map((c) =>
    c.access === 'admins'
      ? { ...c, summary: `${c.summary} (admins)` }
      : c.access === 'admins-or-owner'
        ? { ...c, summary: `${c.summary} (admins, or the question's owner)` }
        : c,
  );
}

/** The typed command for a word (a name or an alias), if any. */
function commandNamed(word: string): CommandName | undefined {
  return COMMAND_NAMES.find((n) => REGISTRY[n].typed && (n === word || REGISTRY[n].aliases?.includes(word)));
}

/**
 * Parses the text of a /summit command. Never throws: any text gets a Command. From Slack (`slack`), its markup
 * and entity escaping are undone here, once, so arguments are kept as the user typed them; the markup itself stays
 * available to the parsers that need what it carries (a user id). Typed text (the console, a button's value) has
 * only entities to undo.
 */
export function parseCommand(input: string, from: 'slack' | 'typed' = 'typed'): Command {
  // The length limit comes before any other work: only the first word of an overlong text is looked at.
  if (input.length > MAX_COMMAND_CHARS) {
    const word = firstWord(input.slice(0, 200));
    const name = commandNamed(word);
    const problem = `the text is ${input.length} characters; at most ${MAX_COMMAND_CHARS}`;
    return name === undefined ? { name: 'unknown', word: clip(word) } : { name: 'usage', command: name, problem };
  }
  const strip = (t: string) =>
    sanitize(t)
      .replace(/^\s*\/summit\b/i, '')
      .trim();
  const text = strip(from === 'slack' ? fromSlackMarkup(input) : decodeSlackEntities(input));
  const [first = '', ...rest] = text.split(/\s+/);
  // "when?" or "status." is the command as meant: punctuation after the command word is not part of it.
  const lower = first.toLowerCase();
  const word = commandNamed(lower) ? lower : lower.replace(/(?<=.)[?!.,;:]+$/u, '');
  const name = commandNamed(word);
  const parse = name === undefined ? undefined : REGISTRY[name].parse;
  if (name === undefined || parse === undefined)
    return { name: 'unknown', word: clip(first), suggestion: suggestionFor(word, rest) };
  const raw = strip(input);
  return parse({
    // The text after the command word, as typed (inner spacing and line breaks kept).
    remainder: text.slice(first.length).trim(),
    args: rest.filter((a) => a !== ''),
    rawArgs: raw
      .split(/\s+/)
      .slice(1)
      .filter((a) => a !== ''),
  });
}

function firstWord(text: string): string {
  return (
    text
      .replace(/^\s*\/summit\b/i, '')
      .trim()
      .split(/\s+/)[0]
      ?.toLowerCase() ?? ''
  );
}

/** Every word a command is typed as (names and aliases, and the console's own): what no incident's id may be. */
export function reservedWords(): string[] {
  const typed = COMMAND_NAMES.flatMap((n) => (REGISTRY[n].typed ? [n, ...(REGISTRY[n].aliases ?? [])] : []));
  return [...typed.filter((w) => w !== ''), 'use', 'exit', 'quit'];
}

/** The action ids of the buttons that stand for a command. */
export function buttonActions(): string[] {
  return COMMAND_NAMES.flatMap((n) => REGISTRY[n].button?.action ?? []);
}

/** The command a pressed button stands for, or undefined for a button the registry does not know. */
export function buttonCommand(actionId: string, value: string | undefined): Command | undefined {
  const name = COMMAND_NAMES.find((n) => REGISTRY[n].button?.action === actionId);
  return name === undefined ? undefined : REGISTRY[name].button?.command(value ?? '');
}

/** The forms the registry knows: what the view listener routes, by callback id. */
export function forms(): FormSpec[] {
  return COMMAND_NAMES.flatMap((n) => REGISTRY[n].form ?? []);
}

/** The message shortcuts the registry knows, by callback id: what the shortcut listener routes. */
export function shortcuts(): { callback: string; command: (message: ShortcutMessage) => Command }[] {
  return COMMAND_NAMES.flatMap((n) => REGISTRY[n].shortcut ?? []);
}

/** Whether a "Share in channel" button may re-run this command. */
export function isShareable(cmd: Command): boolean {
  return cmd.name !== 'usage' && cmd.name !== 'unknown' && REGISTRY[cmd.name].share;
}

/**
 * What to suggest for an unknown first word: a mistyped /summit itself ("/sumit when": "/summit when"), or the
 * closest command.
 */
function suggestionFor(word: string, rest: string[]): string | undefined {
  if (word.startsWith('/') && editDistance(word, '/summit') <= 2) {
    const next = rest[0]?.toLowerCase().replace(/[?!.,;:]+$/u, '');
    const command = next === undefined ? undefined : (commandNamed(next) ?? closestCommand(next));
    return command === undefined ? '/summit help' : `/summit ${command}`;
  }
  return closestCommand(word);
}

/** The command closest to a mistyped word (a prefix, or at most two edits away), if any is close enough. */
export function closestCommand(word: string): CommandName | undefined {
  if (word === '') return undefined;
  const w = word.slice(0, 32);
  const names = typedCommands().map((c) => c.name);
  const prefix = names.find((n) => n.startsWith(w) || (w.length > n.length && w.startsWith(n)));
  if (prefix) return prefix;
  let best: { name: CommandName; d: number } | undefined;
  for (const n of names) {
    const d = editDistance(w, n);
    if (d <= Math.max(1, Math.min(2, Math.floor(n.length / 3))) && (best === undefined || d < best.d))
      best = { name: n, d };
  }
  return best?.name;
}

/** The slash command's usage hint in manifest.yml: every typed command's name. */
export function usageHint(): string {
  return `[${typedCommands()
    .map((c) => c.name)
    .join(' | ')}]`;
}

const WHO: Record<Access, string> = {
  anyone: 'anyone',
  admins: 'admins',
  ask: 'anyone, or admins if the data set says `permissions.ask: admins`',
  subscribe: 'admins, or anyone if the data set says `permissions.subscribe: everyone`',
  'admins-or-owner': "admins, or the question's owner",
  link: 'admins, or anyone if the data set says `permissions.link: everyone` (revoke: admins)',
  workspace: 'workspace admins and owners, and `SUMMIT_ADMINS`',
};

/** The README's command table (a test holds the README to it). */
export function commandTable(): string {
  const rows = typedCommands().map(
    (c) => `| \`/summit ${c.usage.replace(/\|/g, '\\|')}\` | ${WHO[c.access]} | ${c.summary.replace(/\|/g, '\\|')} |`,
  );
  return ['| command | who may | what it does |', '|---|---|---|', ...rows].join('\n');
}
