/** Every command, action, block and callback id, in one place: builders and listeners both import them from here. */

/** Every slash command the app serves; manifest.yml must declare exactly these (a test checks it). */
export const SLASH_COMMANDS = ['/summit'] as const;
export const SUMMIT_COMMAND = SLASH_COMMANDS[0];

export const ACTIONS = {
  /** "Record answer" on an open question: value is the question id. */
  recordAnswer: 'summit_record_answer',
  /** "Share in channel" on an ephemeral reply: value is the command that makes the reply. */
  shareReply: 'summit_share_reply',
  /** On reminders: show the open questions to whoever presses it. */
  openQuestions: 'summit_open_questions',
  /** On update nudges (admins): value is the expected-update id. */
  recordUpdate: 'summit_record_update',
  /** On reminders: value is the reminder series to postpone for this channel or person. */
  snooze: 'summit_snooze',
  /** On a watched feed's item (admins): value is the item's reference. */
  sourceRecordUpdate: 'summit_source_update',
  sourceAnswer: 'summit_source_answer',
  sourceDismiss: 'summit_source_dismiss',
  /** On a watched feed's item (admins): the Add source form, prefilled from the item. */
  sourceAddAsSource: 'summit_source_add_as_source',
  /** On a chasing nudge (admins): value is the question id; opens the Not pursued form. */
  dropQuestion: 'summit_drop_question',
  /** On the "which incident?" reply: a select whose value is "<incident id> <command text>", run again as chosen. */
  chooseIncident: 'summit_choose_incident',
  /** On facts, timeline and updates (admins): value is what to add (source, fact, timeline, expected). */
  addItem: 'summit_add_item',
  /** On a fact, timeline entry or expected update (admins): value is its id. */
  correctItem: 'summit_correct_item',
  /** On a question (admins, its owner), where its incident has a repository: value is the question id. */
  openIssue: 'summit_open_issue',
} as const;

/**
 * The n-th button of one action in one block, sent with an action id of its own (Slack refuses repeated action ids
 * within a block) and routed as the action itself: ids of ours never hold a dot.
 */
export function variantOf(actionId: string, n: number): string {
  return `${actionId}.${n}`;
}

/** The action an action id stands for (itself, or the action of a variant). */
export function actionBase(actionId: string): string {
  const dot = actionId.indexOf('.');
  return dot < 0 ? actionId : actionId.slice(0, dot);
}

/** The block of the "which incident?" menu: it carries the reference of the command held for it. */
const HELD_COMMAND_BLOCK = 'summit_held:';
export function heldCommandBlock(ref: string): string {
  return `${HELD_COMMAND_BLOCK}${ref}`;
}
/** The held command's reference a menu's block carries, if it carries one. */
export function heldCommandRef(blockId: string | undefined): string | undefined {
  return blockId?.startsWith(HELD_COMMAND_BLOCK) ? blockId.slice(HELD_COMMAND_BLOCK.length) || undefined : undefined;
}

/** Message metadata on every reminder, so a retry can find out whether the post already went out. */
export const REMINDER_EVENT_TYPE = 'summit_reminder';
/** Message metadata on every post of a watched feed's item: {feed, item}. */
export const SOURCE_EVENT_TYPE = 'summit_source_item';

const ANSWER_MODAL_STATUS = { block: 'answer_status', action: 'status' } as const;

export const CALLBACKS = {
  recordAnswerModal: 'summit_record_answer_modal',
  recordUpdateModal: 'summit_record_update_modal',
  trackQuestionModal: 'summit_track_question_modal',
  answerFromMessageModal: 'summit_answer_from_message_modal',
  dropModal: 'summit_drop_modal',
  sourceUpdateModal: 'summit_source_update_modal',
  sourceAnswerModal: 'summit_source_answer_modal',
  /** Start an incident (/summit new). */
  startIncidentModal: 'summit_start_incident_modal',
  /** Add or correct a source, fact, timeline entry or expected update. */
  curateModal: 'summit_curate_modal',
} as const;

/** Message shortcuts (manifest.yml declares them with these callback ids; operators may rely on them). */
export const SHORTCUTS = {
  trackQuestion: 'summit_track_question',
  useAsAnswer: 'summit_use_as_answer',
  addAsSource: 'summit_add_as_source',
} as const;

export const TRACK_MODAL = {
  text: { block: 'track_text', action: 'text' },
  owner: { block: 'track_owner', action: 'owner' },
  due: { block: 'track_due', action: 'due' },
} as const;

export const FROM_MESSAGE_MODAL = {
  question: { block: 'from_message_question', action: 'question' },
  status: ANSWER_MODAL_STATUS,
  answer: { block: 'from_message_answer', action: 'answer' },
  source: { block: 'from_message_source', action: 'source_url' },
} as const;

export const SOURCE_UPDATE_MODAL = {
  expected: { block: 'source_expected', action: 'expected' },
  text: { block: 'source_text', action: 'text' },
  url: { block: 'source_url', action: 'url' },
} as const;

export const DROP_MODAL = {
  reason: { block: 'drop_reason', action: 'reason' },
} as const;

export const UPDATE_MODAL = {
  text: { block: 'update_text', action: 'text' },
  url: { block: 'update_url', action: 'url' },
} as const;

/** Input blocks of the record-answer modal (errors are keyed by block id). */
export const ANSWER_MODAL = {
  status: ANSWER_MODAL_STATUS,
  answer: { block: 'answer_text', action: 'answer' },
  source: { block: 'answer_source', action: 'source_url' },
} as const;

/** The fields of the add and correct forms, one block each (errors are keyed by block id). */
export const CURATE_MODAL = {
  url: { block: 'curate_url', action: 'url' },
  title: { block: 'curate_title', action: 'title' },
  publisher: { block: 'curate_publisher', action: 'publisher' },
  date: { block: 'curate_date', action: 'date' },
  topic: { block: 'curate_topic', action: 'topic' },
  newTopic: { block: 'curate_new_topic', action: 'new_topic' },
  text: { block: 'curate_text', action: 'text' },
  source: { block: 'curate_source', action: 'source' },
  /** A new source given with the entry (an incident with no source yet). */
  sourceUrl: { block: 'curate_source_url', action: 'source_url' },
  sourceTitle: { block: 'curate_source_title', action: 'source_title' },
  sourcePublisher: { block: 'curate_source_publisher', action: 'source_publisher' },
  sourceDate: { block: 'curate_source_date', action: 'source_date' },
  when: { block: 'curate_when', action: 'when' },
  time: { block: 'curate_time', action: 'time' },
  expected: { block: 'curate_expected', action: 'expected' },
  estimated: { block: 'curate_estimated', action: 'estimated' },
  name: { block: 'curate_name', action: 'name' },
  start: { block: 'curate_start', action: 'start' },
  end: { block: 'curate_end', action: 'end' },
  timezone: { block: 'curate_timezone', action: 'timezone' },
  location: { block: 'curate_location', action: 'location' },
  hosts: { block: 'curate_hosts', action: 'hosts' },
} as const;

/** The fields of the Start an incident form. */
export const START_MODAL = {
  title: { block: 'start_title', action: 'title' },
  id: { block: 'start_id', action: 'id' },
  timezone: { block: 'start_timezone', action: 'timezone' },
  summary: { block: 'start_summary', action: 'summary' },
  github: { block: 'start_github', action: 'github' },
} as const;
