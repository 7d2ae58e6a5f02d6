import type { Generated } from 'kysely';

/**
 * The stored follow-up state. Every table is append-only: the current state of a question is derived by
 * replaying its changes on top of the data set, so nothing a user recorded is ever overwritten.
 * Times are ISO-8601 strings made by the application (the bot's clock), identical on every dialect.
 */
export interface QuestionChangeTable {
  id: Generated<number>;
  question_id: string;
  status: 'open' | 'partial' | 'answered';
  answer: string | null;
  source_url: string | null;
  note: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface AddedQuestionTable {
  question_id: string;
  text: string;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface UpdateTable {
  id: Generated<number>;
  expected_id: string | null;
  text: string;
  url: string | null;
  actor_id: string;
  actor_name: string;
  at: string;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  actor_id: string;
  action: string;
  subject: string;
  /** JSON of what changed. */
  detail: string;
}

export interface Database {
  question_change: QuestionChangeTable;
  added_question: AddedQuestionTable;
  follow_up_update: UpdateTable;
  audit: AuditTable;
}
