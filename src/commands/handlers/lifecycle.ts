import { nextQuestionId } from '../../core/follow-up';
import { isHandle, isPursued, questionAsOf, questionsAsOf, type QuestionState } from '../../core/questions';
import type { Incident } from '../../incident/model';
import * as followUp from '../../views/follow-up';
import { fromSlackMarkup } from '../../views/format';
import { answerFromMessageModal, dropModal, trackQuestionModal } from '../../views/lifecycle-forms';
import { TRACK_MODAL } from '../../views/ids';
import type { CommandContext, CommandResult, Handler } from '../types';
import { committed, findQuestion, firstTime, noSuchQuestion, ownerOrAdminRefusal, read } from './common';
import { MAX_ADDED_QUESTIONS } from './record';

/**
 * A question's life beyond its answers: an owner, a due date, not pursued, superseded by another; questions
 * tracked from a Slack message, and answers taken from one. Every change is a new row with who and when.
 */

/** The question as it stands now, or the reply saying there is no such question. */
function current(incident: Incident, id: string, ctx: CommandContext): QuestionState | CommandResult {
  const q = findQuestion(incident, id, ctx.now);
  return q ? questionAsOf(q, ctx.now) : read(noSuchQuestion(incident, id, ctx.now, true));
}
const isResult = (x: QuestionState | CommandResult): x is CommandResult => 'reply' in x;

/** A person who may own a question: a user of the workspace, not a bot, not deactivated (Slack only). */
async function ownerProblem(userId: string, ctx: CommandContext): Promise<CommandResult | undefined> {
  if (!ctx.lookupUser) return undefined;
  const info = await ctx.lookupUser(userId);
  const why = !info ? 'unknown' : info.bot ? 'bot' : info.deleted ? 'deleted' : undefined;
  return why ? read(followUp.notAssignableReply(userId, why)) : undefined;
}

export const assign: Handler<'assign'> = async (cmd, { incident, ctx }) => {
  const s = current(incident, cmd.questionId, ctx);
  if (isResult(s)) return s;
  if (!isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'take an owner'));
  if (s.owner === cmd.userId)
    return read(
      followUp.unchangedReply(
        cmd.userId ? `${s.question.id} is already owned by them.` : `${s.question.id} has no owner.`,
      ),
    );
  // A plain handle is how the console names people; in Slack only a real mention names a person.
  if (cmd.userId && isHandle(cmd.userId) && ctx.channelId !== undefined)
    return read(followUp.notAMentionReply(cmd.userId));
  if (cmd.userId && !isHandle(cmd.userId)) {
    const problem = await ownerProblem(cmd.userId, ctx);
    if (problem) return problem;
  }
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  await ctx.store.recordAssignment({
    questionId: s.question.id,
    field: 'owner',
    value: cmd.userId,
    actor: ctx.actor,
    at: ctx.now,
  });
  return committed(ctx, s.question.id, cmd.userId ? 'assigned' : 'left without an owner');
};

export const due: Handler<'due'> = async (cmd, { incident, ctx }) => {
  const s = current(incident, cmd.questionId, ctx);
  if (isResult(s)) return s;
  const refused = await ownerOrAdminRefusal(s.owner, ctx, 'set due dates');
  if (refused) return refused;
  if (!isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'take a due date'));
  if (s.due?.date === cmd.date)
    return read(
      followUp.unchangedReply(
        cmd.date ? `${s.question.id} is already due ${cmd.date}.` : `${s.question.id} has no due date.`,
      ),
    );
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  await ctx.store.recordAssignment({
    questionId: s.question.id,
    field: 'due',
    value: cmd.date,
    actor: ctx.actor,
    at: ctx.now,
  });
  return committed(ctx, s.question.id, cmd.date ? `due ${cmd.date}` : 'left without a due date');
};

export const drop: Handler<'drop'> = async (cmd, { incident, ctx }) => {
  const s = current(incident, cmd.questionId, ctx);
  if (isResult(s)) return s;
  const refused = await ownerOrAdminRefusal(s.owner, ctx, 'drop questions');
  if (refused) return refused;
  if (!isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'be dropped'));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  await ctx.store.recordChange({
    questionId: s.question.id,
    status: 'dropped',
    note: cmd.reason,
    actor: ctx.actor,
    at: ctx.now,
  });
  return committed(ctx, s.question.id, 'marked not pursued');
};

export const merge: Handler<'merge'> = async (cmd, { incident, ctx }) => {
  const s = current(incident, cmd.questionId, ctx);
  if (isResult(s)) return s;
  const into = current(incident, cmd.into, ctx);
  if (isResult(into)) return into;
  if (!isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'be merged'));
  if (into.status === 'superseded' || into.status === 'dropped')
    return read(followUp.closedQuestionReply(into, 'take another question'));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  await ctx.store.recordChange({
    questionId: s.question.id,
    status: 'superseded',
    supersededBy: into.question.id,
    actor: ctx.actor,
    at: ctx.now,
  });
  return committed(ctx, s.question.id, `merged into ${into.question.id}`);
};

/** From the Track as question form: the next Qn, its source the message itself; once per message. */
export const track: Handler<'track'> = async (cmd, { state, ctx }) => {
  if (state.questions.length >= MAX_ADDED_QUESTIONS) return read(followUp.questionListFullReply(MAX_ADDED_QUESTIONS));
  // The rules of assign and due: a member may name themself as owner (and then set the due date); naming anyone
  // else, or a due date for someone else's question, is for admins.
  const self = cmd.owner === undefined || cmd.owner === ctx.actor.id;
  if (cmd.owner && !self && !(await ctx.isAdmin()))
    return {
      ...read(
        followUp.refusalReply('make someone else a question’s owner (you may name yourself)', ctx.incident.admins),
      ),
      errorField: TRACK_MODAL.owner.block,
    };
  if (cmd.due && cmd.owner !== ctx.actor.id && !(await ctx.isAdmin()))
    return {
      ...read(followUp.refusalReply('set a due date (or its owner, when you name yourself)', ctx.incident.admins)),
      errorField: TRACK_MODAL.due.block,
    };
  if (cmd.owner) {
    const problem = await ownerProblem(cmd.owner, ctx);
    if (problem) return { ...problem, errorField: TRACK_MODAL.owner.block };
  }
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const result = await ctx.store.addQuestion(
    { text: cmd.text, actor: ctx.actor, at: ctx.now, message: cmd.message },
    (taken) => nextQuestionId(ctx.incident, taken),
  );
  if ('alreadyTracked' in result) return read(followUp.alreadyTrackedReply(result.alreadyTracked));
  const id = result.added.questionId;
  const set = { questionId: id, actor: ctx.actor, at: ctx.now };
  if (cmd.owner) await ctx.store.recordAssignment({ ...set, field: 'owner', value: cmd.owner });
  if (cmd.due) await ctx.store.recordAssignment({ ...set, field: 'due', value: cmd.due });
  return committed(ctx, id, 'added from the message');
};

export const trackForm: Handler<'track-form'> = async (cmd, { ctx }) => {
  const text = fromSlackMarkup(cmd.message.text).trim();
  if (text === '') return read(followUp.noTextReply('track'));
  const earlier = await ctx.store.trackedFrom(cmd.message.channel, cmd.message.ts);
  if (earlier) return read(followUp.alreadyTrackedReply(earlier));
  return { ...read(followUp.formOpenedReply('the message')), form: trackQuestionModal({ ...cmd.message, text }) };
};

/** The first http(s) link in a message as Slack sends it (<url> or <url|label>, or bare), if any. */
export function firstLink(slackText: string): string | undefined {
  const m = /<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>|(https?:\/\/[^\s<>]+)/i.exec(slackText);
  return m ? (m[1] ?? m[2]) : undefined;
}

export const answerFromMessageForm: Handler<'answer-from-message-form'> = async (cmd, { incident, ctx }) => {
  const text = fromSlackMarkup(cmd.message.text).trim();
  if (text === '') return read(followUp.noTextReply('use'));
  const open = questionsAsOf(incident.questions, ctx.now, 'open');
  if (open.length === 0) return read(followUp.noOpenQuestionReply());
  const source = firstLink(cmd.message.text) ?? cmd.message.permalink;
  return {
    ...read(followUp.formOpenedReply('the message')),
    form: answerFromMessageModal(open, { ...cmd.message, text }, source),
  };
};

export const dropForm: Handler<'drop-form'> = async (cmd, { incident, ctx }) => {
  const s = current(incident, cmd.questionId, ctx);
  if (isResult(s)) return s;
  const refused = await ownerOrAdminRefusal(s.owner, ctx, 'drop questions');
  if (refused) return refused;
  if (!isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'be dropped'));
  return { ...read(followUp.formOpenedReply(s.question.id)), form: dropModal(s, ctx.channelId) };
};
