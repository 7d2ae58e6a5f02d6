import { countdown } from '../core/countdown';
import { applyFollowUps, nextQuestionId } from '../core/follow-up';
import { factsAsOf, outstandingUpdates, timelineAsOf, topics } from '../core/incident';
import { countQuestions, questionAsOf, questionsAsOf } from '../core/questions';
import type { Actor, Incident, Question } from '../incident/model';
import type { FollowUpStore } from '../store/repository';
import type { Reply } from '../views/doc';
import * as followUp from '../views/follow-up';
import * as views from '../views/replies';
import { COMMANDS, specOf, type Command } from './grammar';

/** What a command runs against: the data set, the bot's clock reading, who is asking, and the store. */
export interface CommandContext {
  incident: Incident;
  now: Date;
  actor: Actor;
  /** Whether the actor may record answers and updates; may ask Slack (cached), so only called when needed. */
  isAdmin: () => Promise<boolean>;
  store: FollowUpStore;
}

export interface CommandResult {
  reply: Reply;
  /** Something was recorded: views that show state (the Home tab) should be refreshed. */
  changed: boolean;
}

const read = (reply: Reply): CommandResult => ({ reply, changed: false });

/**
 * Runs a parsed command: reads the stored follow-ups, applies them on top of the data set as of `now`, and
 * answers; a recording command checks who may do it and what it names before it writes anything.
 */
export async function runCommand(cmd: Command, ctx: CommandContext): Promise<CommandResult> {
  const { now } = ctx;
  const incident = applyFollowUps(ctx.incident, await ctx.store.state());
  const zone = incident.event.timezone;
  switch (cmd.name) {
    case 'status':
      return read(
        views.statusReply({
          incident,
          countdown: countdown(incident.event, now),
          counts: countQuestions(questionsAsOf(incident.questions, now)),
          outstanding: outstandingUpdates(incident, now),
        }),
      );
    case 'when':
      return read(views.whenReply(incident, countdown(incident.event, now)));
    case 'facts':
      return read(views.factsReply(incident, factsAsOf(incident, now, cmd.topic), cmd.topic, topics(incident)));
    case 'questions': {
      const states = questionsAsOf(incident.questions, now, cmd.filter);
      const canRecord = states.some((s) => s.status !== 'answered') && (await ctx.isAdmin());
      return read(views.questionsReply(states, cmd.filter, now, zone, canRecord));
    }
    case 'timeline':
      return read(views.timelineReply(incident, timelineAsOf(incident, now)));
    case 'updates':
      return read(
        followUp.updatesReply(
          incident.updates.filter((u) => u.when.at <= now).reverse(),
          outstandingUpdates(incident, now),
          zone,
        ),
      );
    case 'history': {
      const q = findQuestion(incident, cmd.questionId, now);
      if (!q) return read(noSuchQuestion(incident, cmd.questionId, now));
      return read(followUp.historyReply(q, now, zone, questionAsOf(q, now)));
    }
    case 'answer':
    case 'partial':
    case 'reopen':
      return recordChange(cmd, incident, ctx);
    case 'ask': {
      if (incident.permissions.ask === 'admins' && !(await ctx.isAdmin())) return read(followUp.refusalReply('add questions', incident.admins));
      const added = await ctx.store.addQuestion({ text: cmd.text, actor: ctx.actor, at: now }, (taken) => nextQuestionId(ctx.incident, taken));
      const question: Question = { id: added.questionId, text: added.text, history: [], added: { at: added.at, by: added.actor } };
      return { reply: followUp.askedReply(question), changed: true };
    }
    case 'update': {
      if (!(await ctx.isAdmin())) return read(followUp.refusalReply('record updates', incident.admins));
      const [first = '', ...rest] = cmd.words.split(/\s+/);
      const expected = incident.expectedUpdates.find((e) => e.id.toLowerCase() === first.toLowerCase());
      const text = expected ? cmd.words.slice(first.length).trim() : cmd.words;
      if (expected && rest.length === 0)
        return read(views.usageReply(specOf('update'), `write what the update says after ${expected.id}`));
      const u = await ctx.store.recordUpdate({ expectedId: expected?.id, text, url: cmd.url, actor: ctx.actor, at: now });
      return {
        reply: followUp.updateRecordedReply({ when: { at: u.at, dateOnly: false }, text: u.text, url: u.url, expectedId: u.expectedId, by: u.actor }, zone),
        changed: true,
      };
    }
    case 'help':
      return read(views.helpReply(COMMANDS));
    case 'usage':
      return read(views.usageReply(specOf(cmd.command), cmd.problem));
    case 'unknown':
      return read(views.unknownReply(cmd.word, cmd.suggestion));
  }
}

async function recordChange(
  cmd: Extract<Command, { name: 'answer' | 'partial' | 'reopen' }>,
  incident: Incident,
  ctx: CommandContext,
): Promise<CommandResult> {
  const what = cmd.name === 'reopen' ? 'reopen questions' : 'record answers';
  if (!(await ctx.isAdmin())) return read(followUp.refusalReply(what, incident.admins));
  const q = findQuestion(incident, cmd.questionId, ctx.now);
  if (!q) return read(noSuchQuestion(incident, cmd.questionId, ctx.now));
  const before = questionAsOf(q, ctx.now);
  if (cmd.name === 'reopen' && before.status === 'open') {
    return read({ summary: `${q.id} is already open.`, blocks: [{ type: 'paragraph', line: [`${q.id} is already open. Nothing was changed.`] }] });
  }
  const change =
    cmd.name === 'reopen'
      ? { questionId: q.id, status: 'open' as const, note: cmd.reason, actor: ctx.actor, at: ctx.now }
      : { questionId: q.id, status: cmd.name === 'answer' ? ('answered' as const) : ('partial' as const), answer: cmd.answer, sourceUrl: cmd.sourceUrl, actor: ctx.actor, at: ctx.now };
  await ctx.store.recordChange(change);
  const after = applyFollowUps(ctx.incident, await ctx.store.state());
  const updated = after.questions.find((x) => x.id === q.id) ?? q;
  const verb = cmd.name === 'reopen' ? 'reopened' : cmd.name === 'answer' ? 'marked answered' : 'marked partly answered';
  return { reply: followUp.changedReply(questionAsOf(updated, ctx.now), verb), changed: true };
}

function findQuestion(incident: Incident, id: string, now: Date): Question | undefined {
  return incident.questions.find((q) => q.id === id && (q.added === undefined || q.added.at <= now));
}

function noSuchQuestion(incident: Incident, id: string, now: Date): Reply {
  const open = questionsAsOf(incident.questions, now, 'open').map((s) => s.question.id);
  return followUp.noSuchQuestionReply(id, open);
}
