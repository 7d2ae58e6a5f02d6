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
} as const;

/** Message metadata on every reminder, so a retry can find out whether the post already went out. */
export const REMINDER_EVENT_TYPE = 'summit_reminder';

export const CALLBACKS = {
  recordAnswerModal: 'summit_record_answer_modal',
  recordUpdateModal: 'summit_record_update_modal',
} as const;

export const UPDATE_MODAL = {
  text: { block: 'update_text', action: 'text' },
  url: { block: 'update_url', action: 'url' },
} as const;

/** Input blocks of the record-answer modal (errors are keyed by block id). */
export const ANSWER_MODAL = {
  status: { block: 'answer_status', action: 'status' },
  answer: { block: 'answer_text', action: 'answer' },
  source: { block: 'answer_source', action: 'source_url' },
} as const;
