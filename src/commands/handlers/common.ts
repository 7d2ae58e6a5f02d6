import { applyFollowUps } from '../../core/follow-up';
import { questionAsOf, questionsAsOf } from '../../core/questions';
import type { Incident, Question } from '../../incident/model';
import { AdminCheckError } from '../../lib/errors';
import type { Reply } from '../../views/doc';
import * as followUp from '../../views/follow-up';
import type { CommandContext, CommandResult } from '../types';

/** Helpers the handlers share. */

export const read = (reply: Reply): CommandResult => ({ reply, changed: false });

/** Whether the actor is an admin, for what only shapes a reading reply (buttons): "no" when Slack cannot say. */
export async function adminForDisplay(ctx: CommandContext): Promise<boolean> {
  try {
    return await ctx.isAdmin();
  } catch (error) {
    if (error instanceof AdminCheckError) return false;
    throw error;
  }
}

/**
 * True the first time a request is seen. The key is kept in the store (shared by every replica) for longer than
 * Slack's signature window, so a request sent again is answered but changes nothing twice.
 */
export async function firstTime(ctx: CommandContext): Promise<boolean> {
  return ctx.requestKey === undefined || ctx.requestKey === '' ? true : ctx.store.claimRequest(ctx.requestKey);
}

/** The question with this id, if it existed at `now`. */
export function findQuestion(incident: Incident, id: string, now: Date): Question | undefined {
  return incident.questions.find((q) => q.id === id && (q.added === undefined || q.added.at <= now));
}

export function noSuchQuestion(incident: Incident, id: string, now: Date, changing = false): Reply {
  const open = questionsAsOf(incident.questions, now, 'open').map((s) => s.question.id);
  return followUp.noSuchQuestionReply(id.slice(0, 40), open, changing);
}

/** After a committed change: the question as it now stands (or, if that read fails, that it was recorded). */
export async function committed(ctx: CommandContext, questionId: string, verb: string): Promise<CommandResult> {
  try {
    const after = applyFollowUps(ctx.incident, await ctx.store.state());
    const q = after.questions.find((x) => x.id === questionId);
    if (q) return { reply: followUp.changedReply(questionAsOf(q, ctx.now), verb, after.zone), changed: true };
  } catch {
    // fall through: the change is committed whatever the read-back does
  }
  return { reply: followUp.changedBriefly(questionId, verb), changed: true };
}

/**
 * The rule of 'admins-or-owner' commands (answer, partial, drop and their forms; due): the question's owner for
 * their own question, or an admin. The refusal when neither, naming who may; undefined when they may go on.
 */
export async function ownerOrAdminRefusal(
  owner: string | undefined,
  ctx: CommandContext,
  what: string,
): Promise<CommandResult | undefined> {
  if (owner !== undefined && owner === ctx.actor.id) return undefined;
  if (await ctx.isAdmin()) return undefined;
  return read(followUp.refusalReply(`${what} (or the question’s owner, for their own)`, ctx.incident.admins));
}
