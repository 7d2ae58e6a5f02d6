/** Plain records the store returns: what users recorded, with who and when. */

import type { Actor, MessageSource, QuestionStatus } from '../incident/model';

export type { Actor };

export interface RecordedChange {
  id: number;
  questionId: string;
  status: QuestionStatus;
  answer?: string;
  sourceUrl?: string;
  /** Why a question was reopened, or is not pursued. */
  note?: string;
  /** The question that supersedes it (status superseded). */
  supersededBy?: string;
  actor: Actor;
  at: Date;
}

export interface RecordedQuestion {
  questionId: string;
  text: string;
  actor: Actor;
  at: Date;
  /** Tracked from a Slack message. */
  message?: MessageSource;
}

/** A question's owner (a Slack user id) or due date (YYYY-MM-DD) set, or cleared (undefined). */
export interface RecordedAssignment {
  id: number;
  questionId: string;
  field: 'owner' | 'due';
  value?: string;
  actor: Actor;
  at: Date;
}

export interface RecordedUpdate {
  id: number;
  expectedId?: string;
  text: string;
  url?: string;
  actor: Actor;
  at: Date;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actorId: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

/** Everything recorded, oldest first: applied on top of the data set by core/follow-up.ts. */
export interface FollowUpState {
  changes: RecordedChange[];
  questions: RecordedQuestion[];
  updates: RecordedUpdate[];
  assignments: RecordedAssignment[];
}

export const EMPTY_STATE: FollowUpState = { changes: [], questions: [], updates: [], assignments: [] };
