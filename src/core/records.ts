/** Plain records the store returns: what users recorded, with who and when. */

import type { Actor } from '../incident/model';

export type { Actor };

export interface RecordedChange {
  id: number;
  questionId: string;
  status: 'open' | 'partial' | 'answered';
  answer?: string;
  sourceUrl?: string;
  /** Why a question was reopened. */
  note?: string;
  actor: Actor;
  at: Date;
}

export interface RecordedQuestion {
  questionId: string;
  text: string;
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
}

export const EMPTY_STATE: FollowUpState = { changes: [], questions: [], updates: [] };
