/** Every action, block and callback id, in one place: builders and listeners both import them from here. */

export const ACTIONS = {
  /** "Record answer" on an open question: value is the question id. */
  recordAnswer: 'summit_record_answer',
  /** "Share in channel" on an ephemeral reply: value is the command that makes the reply. */
  shareReply: 'summit_share_reply',
} as const;

export const CALLBACKS = {
  recordAnswerModal: 'summit_record_answer_modal',
} as const;

/** Input blocks of the record-answer modal (errors are keyed by block id). */
export const ANSWER_MODAL = {
  status: { block: 'answer_status', action: 'status' },
  answer: { block: 'answer_text', action: 'answer' },
  source: { block: 'answer_source', action: 'source_url' },
} as const;
