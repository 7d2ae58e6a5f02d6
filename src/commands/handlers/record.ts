import { nextQuestionId, receiptOf } from '../../core/follow-up';
import { expectedById, receivedBy } from '../../core/incident';
import { questionAsOf } from '../../core/questions';
import type { Question } from '../../incident/model';
import * as followUp from '../../views/follow-up';
import { recordAnswerModal, recordUpdateModal } from '../../views/modals';
import { editDistance } from '../grammar';
import type { CommandResult, Handler } from '../types';
import { committed, findQuestion, firstTime, noSuchQuestion, ownerOrAdminRefusal, read } from './common';
import { triaged, triagedAlready } from './triage';

/**
 * The commands that record something. Who may run each is the registry's to check, before these run; each checks
 * what it names, then claims the request (a replayed request changes nothing twice), then writes.
 */

/**
 * Most questions that can be added in Slack. Far beyond what a team follows for one incident; it keeps what one
 * member can make the bot store (and hold in memory) bounded, whatever the rate of asks.
 */
export const MAX_ADDED_QUESTIONS = 1000;

/** `update - <text>`: an update not tied to any expected one, whatever its first word looks like. */
const GENERAL_UPDATE = '-';
/** A word with the shape of an expected-update id (post-summit, rca_2): words joined by -, _ or . */
const ID_SHAPED = /^[a-z0-9]+([-_.][a-z0-9]+)+$/i;

export const statusChange: Handler<'answer' | 'partial' | 'reopen'> = async (cmd, { incident, ctx }) => {
  const q = findQuestion(incident, cmd.questionId, ctx.now);
  if (!q) return read(noSuchQuestion(incident, cmd.questionId, ctx.now, true));
  const before = questionAsOf(q, ctx.now);
  if (cmd.name !== 'reopen') {
    const refused = await ownerOrAdminRefusal(before.owner, ctx, 'record answers');
    if (refused) return refused;
  }
  if (cmd.name === 'reopen' && before.status === 'open') return read(followUp.alreadyOpenReply(q.id));
  const done = cmd.name === 'reopen' ? undefined : await triagedAlready(ctx, cmd.sourceItem);
  if (done) return done;
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const change =
    cmd.name === 'reopen'
      ? { questionId: q.id, status: 'open' as const, note: cmd.reason, actor: ctx.actor, at: ctx.now }
      : {
          questionId: q.id,
          status: cmd.name === 'answer' ? ('answered' as const) : ('partial' as const),
          answer: cmd.answer,
          sourceUrl: cmd.sourceUrl,
          actor: ctx.actor,
          at: ctx.now,
        };
  await ctx.store.recordChange(change);
  if (cmd.name !== 'reopen') await triaged(ctx, cmd.sourceItem, 'answer', q.id);
  const verb =
    cmd.name === 'reopen' ? 'reopened' : cmd.name === 'answer' ? 'marked answered' : 'marked partly answered';
  return committed(ctx, q.id, verb);
};

export const ask: Handler<'ask'> = async (cmd, { state, ctx }) => {
  if (state.questions.length >= MAX_ADDED_QUESTIONS) return read(followUp.questionListFullReply(MAX_ADDED_QUESTIONS));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const result = await ctx.store.addQuestion({ text: cmd.text, actor: ctx.actor, at: ctx.now }, (taken) =>
    nextQuestionId(ctx.incident, taken),
  );
  if (!('added' in result)) throw new Error('a question without a message cannot be tracked already');
  const added = result.added;
  const question: Question = {
    id: added.questionId,
    text: added.text,
    history: [],
    added: { at: added.at, by: added.actor },
    assignments: [],
  };
  return { reply: followUp.askedReply(question), changed: true };
};

export const update: Handler<'update'> = async (cmd, { incident, ctx, usage }) => {
  let expected;
  let text = cmd.words;
  if (cmd.expectedId !== undefined) {
    expected = expectedById(incident, cmd.expectedId, ctx.now);
    if (!expected) return read(followUp.noSuchExpectedUpdateReply(cmd.expectedId.slice(0, 40), liveIds(incident)));
  } else {
    const [first = '', ...rest] = cmd.words.split(/\s+/);
    expected = expectedById(incident, first, ctx.now);
    if (expected || first === GENERAL_UPDATE) text = cmd.words.slice(first.length).trim();
    else {
      // Never a silent guess: a first word shaped like an id, or close to a known one, is refused with the
      // closest ids instead of being recorded as the start of a general update.
      const ids = liveIds(incident);
      const close = ids.filter((id) => editDistance(first.toLowerCase(), id.toLowerCase()) <= 2);
      if (close.length > 0 || ID_SHAPED.test(first))
        return read(followUp.unknownExpectedUpdateReply(first, close, ids));
    }
    if ((expected || first === GENERAL_UPDATE) && rest.length === 0)
      return usage(`write what the update says after ${first}`);
  }
  const done = await triagedAlready(ctx, cmd.sourceItem);
  if (done) return done;
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  // An expected update already received gets this one as a further receipt; the reply says so.
  const earlier = expected && receivedBy(expected, ctx.now) ? expected.received : undefined;
  const recorded = await ctx.store.recordUpdate({
    expectedId: expected?.id,
    text,
    url: cmd.url,
    actor: ctx.actor,
    at: ctx.now,
  });
  await triaged(ctx, cmd.sourceItem, 'update', recorded.expectedId ?? '-');
  const u = recorded;
  return {
    reply: followUp.updateRecordedReply(receiptOf(u), incident.zone, earlier),
    changed: true,
  };
};

/** Record answer (a button): the form for a question that is there now, or why not. */
export const answerForm: Handler<'answer-form'> = async (cmd, { incident, ctx }): Promise<CommandResult> => {
  const question = findQuestion(incident, cmd.questionId, ctx.now);
  if (!question) return read(noSuchQuestion(incident, cmd.questionId, ctx.now));
  const state = questionAsOf(question, ctx.now);
  const refused = await ownerOrAdminRefusal(state.owner, ctx, 'record answers');
  if (refused) return refused;
  return {
    ...read(followUp.formOpenedReply(question.id)),
    form: recordAnswerModal(state, { questionId: question.id, channelId: ctx.channelId }),
  };
};

/** Record update (a button on an update nudge): the form for an expected update of the data set, or why not. */
export const updateForm: Handler<'update-form'> = async (cmd, { incident, ctx }): Promise<CommandResult> => {
  const expected = expectedById(incident, cmd.expectedId, ctx.now);
  if (!expected) return read(followUp.noSuchExpectedUpdateReply(cmd.expectedId.slice(0, 40), liveIds(incident)));
  return {
    ...read(followUp.formOpenedReply(expected.id)),
    form: recordUpdateModal(expected.id, expected.text, { expectedId: expected.id, channelId: ctx.channelId }),
  };
};

/** The ids of the expected updates shown now (a withdrawn version's id is listed once, by its latest version). */
function liveIds(incident: { expectedUpdates: { id: string; until?: Date }[] }): string[] {
  return incident.expectedUpdates.filter((u) => u.until === undefined).map((u) => u.id);
}
