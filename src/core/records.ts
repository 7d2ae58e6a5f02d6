/** Plain records the store returns: what users recorded, with who and when. */

import type { ItemKind } from '../incident/items';
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

/**
 * A question's owner (a Slack user id) or due date (YYYY-MM-DD) set, or cleared (undefined); or the issue made for
 * it in the incident's tracker (its web address).
 */
export interface RecordedAssignment {
  id: number;
  questionId: string;
  field: 'owner' | 'due' | 'issue';
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

/**
 * A source, fact, timeline entry or expected update added, corrected or retracted in Slack: layered on the data set
 * (incident/curate.ts), never written into its file.
 */
export interface RecordedCuration {
  id: number;
  kind: ItemKind;
  /** The entry's id: its own (sources, expected updates) or its short id (facts, timeline entries). */
  itemId: string;
  action: 'add' | 'correct' | 'retract';
  /** The entry as submitted, in the data set's shape (without id); absent for a retraction. */
  entry?: Record<string, unknown>;
  /** The version corrected or retracted (its fingerprint, incident/items.ts). */
  base?: string;
  /** Why it was retracted. */
  reason?: string;
  actor: Actor;
  at: Date;
}

/** Everything recorded, oldest first: applied on top of the data set by core/follow-up.ts. */
export interface FollowUpState {
  changes: RecordedChange[];
  questions: RecordedQuestion[];
  updates: RecordedUpdate[];
  assignments: RecordedAssignment[];
  curations: RecordedCuration[];
}

export const EMPTY_STATE: FollowUpState = { changes: [], questions: [], updates: [], assignments: [], curations: [] };
