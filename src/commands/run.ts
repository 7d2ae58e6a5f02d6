import { countdown } from '../core/countdown';
import { applyFollowUps, nextQuestionId } from '../core/follow-up';
import { factsAsOf, outstandingUpdates, timelineAsOf, topics } from '../core/incident';
import { planReminders, shift } from '../core/plan';
import { countQuestions, questionAsOf, questionsAsOf } from '../core/questions';
import { targetKey, type Target } from '../store/reminders';
import { brokenScheduleReply, scheduleReply, subscriptionRefusedReply, subscriptionReply } from '../views/schedule';
import type { Actor, Incident, Question } from '../incident/model';
import { AdminCheckError, StoreUnavailableError } from '../lib/errors';
import { EMPTY_STATE, type FollowUpState } from '../store/records';
import type { FollowUpStore } from '../store/repository';
import type { Reply } from '../views/doc';
import * as followUp from '../views/follow-up';
import * as views from '../views/replies';
import { COMMANDS, editDistance, specOf, type Command } from './grammar';

/** What a command runs against: the data set, the bot's clock reading, who is asking, and the store. */
export interface CommandContext {
  incident: Incident;
  now: Date;
  actor: Actor;
  /** Whether the actor may record answers and updates; may ask Slack (cached), so only called when needed. */
  isAdmin: () => Promise<boolean>;
  store: FollowUpStore;
  /** The Slack conversation the command came from; absent in the console. */
  channelId?: string;
  /**
   * What identifies this request (its Slack signature): a change is applied once per key, so a signed request
   * sent again within Slack's five-minute window is answered but not applied twice. Absent in the console.
   */
  requestKey?: string;
  /** Whether the bot can post and read in a channel (Slack only; asked when a channel is subscribed). */
  channelAccess?: (channelId: string) => Promise<ChannelAccess>;
}

/** member: the bot can post and read history there; private: a private channel it is not in; unknown: Slack did not say. */
export type ChannelAccess = 'member' | 'private' | 'archived' | 'unknown';

/** How far ahead /summit schedule looks. */
const SCHEDULE_DAYS = 60;
const SCHEDULE_MAX = 10;

export interface CommandResult {
  reply: Reply;
  /** Something was recorded: views that show state (the Home tab) should be refreshed. */
  changed: boolean;
  /** Answered without the store (it was unavailable). */
  degraded?: boolean;
}

const read = (reply: Reply): CommandResult => ({ reply, changed: false });

/**
 * Runs a parsed command: reads the stored follow-ups, applies them on top of the data set as of `now`, and
 * answers; a recording command checks who may do it and what it names before it writes anything.
 */
export async function runCommand(cmd: Command, ctx: CommandContext): Promise<CommandResult> {
  try {
    return await runWithState(cmd, ctx, STATELESS.has(cmd.name) ? EMPTY_STATE : await ctx.store.state());
  } catch (error) {
    if (error instanceof AdminCheckError) return read(followUp.adminUnconfirmedReply());
    if (!(error instanceof StoreUnavailableError)) throw error;
    return storeDown(cmd, ctx);
  }
}

/**
 * Most questions that can be added in Slack. Far beyond what a team follows for one incident; it keeps what one
 * member can make the bot store (and hold in memory) bounded, whatever the rate of asks.
 */
export const MAX_ADDED_QUESTIONS = 1000;

/** `update - <text>`: an update not tied to any expected one, whatever its first word looks like. */
const GENERAL_UPDATE = '-';
/** A word with the shape of an expected-update id (post-summit, rca_2): words joined by -, _ or . */
const ID_SHAPED = /^[a-z0-9]+([-_.][a-z0-9]+)+$/i;

/** Commands that never need the store: they answer the same whether it is up or down. */
const STATELESS: ReadonlySet<Command['name']> = new Set(['help', 'usage', 'unknown']);

/** Commands that can still answer from the data set alone while the store is down. */
const DATASET_ONLY: ReadonlySet<Command['name']> = new Set(['status', 'facts', 'when', 'questions', 'timeline']);

/** The store is down: answer from the data set where that means something, and say so first; change nothing. */
async function storeDown(cmd: Command, ctx: CommandContext): Promise<CommandResult> {
  if (DATASET_ONLY.has(cmd.name)) {
    const { reply } = await runWithState(cmd, ctx, EMPTY_STATE);
    return { reply: views.degraded(reply), changed: false, degraded: true };
  }
  return { reply: views.storeDownReply(), changed: false, degraded: true };
}

/** Whether the actor is an admin, for what only shapes a reading reply (buttons): "no" when Slack cannot say. */
async function adminForDisplay(ctx: CommandContext): Promise<boolean> {
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
async function firstTime(ctx: CommandContext): Promise<boolean> {
  return ctx.requestKey === undefined || ctx.requestKey === '' ? true : ctx.store.claimRequest(ctx.requestKey);
}

async function runWithState(cmd: Command, ctx: CommandContext, state: FollowUpState): Promise<CommandResult> {
  const { now } = ctx;
  const incident = applyFollowUps(ctx.incident, state);
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
      const canRecord = states.some((s) => s.status !== 'answered') && (await adminForDisplay(ctx));
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
      if (state.questions.length >= MAX_ADDED_QUESTIONS) return read(followUp.questionListFullReply(MAX_ADDED_QUESTIONS));
      if (!(await firstTime(ctx))) return read(followUp.replayReply());
      const added = await ctx.store.addQuestion({ text: cmd.text, actor: ctx.actor, at: now }, (taken) => nextQuestionId(ctx.incident, taken));
      const question: Question = { id: added.questionId, text: added.text, history: [], added: { at: added.at, by: added.actor } };
      return { reply: followUp.askedReply(question), changed: true };
    }
    case 'update': {
      if (!(await ctx.isAdmin())) return read(followUp.refusalReply('record updates', incident.admins));
      let expected;
      let text = cmd.words;
      if (cmd.expectedId !== undefined) {
        expected = incident.expectedUpdates.find((e) => e.id === cmd.expectedId);
        if (!expected) return read(followUp.noSuchExpectedUpdateReply(cmd.expectedId, incident.expectedUpdates.map((e) => e.id)));
      } else {
        const [first = '', ...rest] = cmd.words.split(/\s+/);
        expected = incident.expectedUpdates.find((e) => e.id.toLowerCase() === first.toLowerCase());
        if (expected) text = cmd.words.slice(first.length).trim();
        else if (first === GENERAL_UPDATE) text = cmd.words.slice(first.length).trim();
        else {
          // Never a silent guess: a first word shaped like an id, or close to a known one, is refused with the
          // closest ids instead of being recorded as the start of a general update.
          const ids = incident.expectedUpdates.map((e) => e.id);
          const close = ids.filter((id) => editDistance(first.toLowerCase(), id.toLowerCase()) <= 2);
          if (close.length > 0 || ID_SHAPED.test(first)) return read(followUp.unknownExpectedUpdateReply(first, close, ids));
        }
        if ((expected || first === GENERAL_UPDATE) && rest.length === 0)
          return read(views.usageReply(specOf('update'), `write what the update says after ${first}`));
      }
      if (!(await firstTime(ctx))) return read(followUp.replayReply());
      const u = await ctx.store.recordUpdate({ expectedId: expected?.id, text, url: cmd.url, actor: ctx.actor, at: now });
      return {
        reply: followUp.updateRecordedReply({ when: { at: u.at, dateOnly: false }, text: u.text, url: u.url, expectedId: u.expectedId, by: u.actor }, zone),
        changed: true,
      };
    }
    case 'subscribe':
    case 'unsubscribe':
      return channelSubscription(cmd.name === 'subscribe', incident, ctx);
    case 'remind': {
      const me: Target = { kind: 'user', id: ctx.actor.id };
      if (ctx.channelId === undefined) return consoleReminders(cmd.on, ctx);
      if (!(await firstTime(ctx))) return read(followUp.replayReply());
      const changed = cmd.on ? await ctx.store.reminders.subscribe(me, ctx.actor, now) : await ctx.store.reminders.unsubscribe(me, ctx.actor, now);
      const text = cmd.on
        ? changed ? 'You will receive reminders by DM.' : 'You already receive reminders by DM.'
        : changed ? 'You will no longer receive reminders by DM.' : 'You were not receiving reminders by DM.';
      return { reply: subscriptionReply(text, cmd.on), changed };
    }
    case 'schedule':
      return read(await schedule(incident, ctx));
    case 'snooze':
      return snooze(cmd.series, incident, ctx);
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
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const change =
    cmd.name === 'reopen'
      ? { questionId: q.id, status: 'open' as const, note: cmd.reason, actor: ctx.actor, at: ctx.now }
      : { questionId: q.id, status: cmd.name === 'answer' ? ('answered' as const) : ('partial' as const), answer: cmd.answer, sourceUrl: cmd.sourceUrl, actor: ctx.actor, at: ctx.now };
  await ctx.store.recordChange(change);
  const verb = cmd.name === 'reopen' ? 'reopened' : cmd.name === 'answer' ? 'marked answered' : 'marked partly answered';
  // Committed: from here on the reply says so, whatever happens to the read-back that shows the question.
  try {
    const after = applyFollowUps(ctx.incident, await ctx.store.state());
    const updated = after.questions.find((x) => x.id === q.id) ?? q;
    return { reply: followUp.changedReply(questionAsOf(updated, ctx.now), verb), changed: true };
  } catch {
    return { reply: followUp.changedBriefly(q.id, verb), changed: true };
  }
}

async function channelSubscription(on: boolean, incident: Incident, ctx: CommandContext): Promise<CommandResult> {
  const channel = ctx.channelId;
  if (channel === undefined) return consoleReminders(on, ctx);
  if (channel.startsWith('D')) return read(subscriptionReply('This is a direct message: use `/summit remind me` (or `remind off`) here.', false));
  if (incident.permissions.subscribe === 'admins' && !(await ctx.isAdmin()))
    return read(followUp.refusalReply(on ? 'subscribe a channel' : 'unsubscribe a channel', incident.admins));
  const target = { kind: 'channel' as const, id: channel };
  if (on && ctx.channelAccess) {
    // Checked now, so a channel the bot cannot post and read in is refused with how to fix it, instead of failing
    // silently when the first reminder is due. Joining a public channel happens here too.
    const access = await ctx.channelAccess(channel);
    if (access !== 'member') return read(subscriptionRefusedReply(access));
  }
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const changed = on ? await ctx.store.reminders.subscribe(target, ctx.actor, ctx.now) : await ctx.store.reminders.unsubscribe(target, ctx.actor, ctx.now);
  const text = on
    ? changed ? 'This channel will receive reminders. `/summit schedule` shows the next ones.' : 'This channel already receives reminders.'
    : changed ? 'This channel will no longer receive reminders.' : 'This channel was not subscribed.';
  return { reply: subscriptionReply(text, on), changed };
}

/** The console's one target: it prints reminders as they fire until told to stop; the store remembers which. */
export const CONSOLE_TARGET: Target = { kind: 'console', id: 'local' };

/** subscribe / remind me and unsubscribe / remind off, typed in the console. */
async function consoleReminders(on: boolean, ctx: CommandContext): Promise<CommandResult> {
  const changed = on ? await ctx.store.reminders.subscribe(CONSOLE_TARGET, ctx.actor, ctx.now) : await ctx.store.reminders.unsubscribe(CONSOLE_TARGET, ctx.actor, ctx.now);
  const text = on
    ? 'Reminders print here in the console as they fire.'
    : changed
      ? 'The console will no longer print reminders. `subscribe` (or `remind me`) brings them back.'
      : 'The console was not printing reminders.';
  return { reply: subscriptionReply(text, on), changed };
}

/** The next reminders for the channel the command came from, or for the caller by DM. */
async function schedule(incident: Incident, ctx: CommandContext): Promise<Reply> {
  const config = incident.reminders;
  const zone = config?.zone ?? incident.event.timezone;
  const horizon = shift(ctx.now, { amount: SCHEDULE_DAYS, unit: 'days', text: `${SCHEDULE_DAYS}d` }, zone, 1);
  const planned = planReminders(incident, ctx.now, horizon, ctx.now);
  if (ctx.channelId === undefined) {
    const subscribed = (await ctx.store.reminders.subscription(CONSOLE_TARGET))?.status !== 'removed';
    return scheduleReply({ who: 'the console', subscribed, upcoming: planned.slice(0, SCHEDULE_MAX), zone, howToSubscribe: 'subscribe' });
  }
  const reminders = ctx.store.reminders;
  const dm = ctx.channelId.startsWith('D');
  const target: Target = dm ? { kind: 'user', id: ctx.actor.id } : { kind: 'channel', id: ctx.channelId };
  const sub = await reminders.subscription(target);
  if (sub?.status === 'broken' || sub?.status === 'disabled') return brokenScheduleReply(sub.status, sub.reason);
  const snoozes = await reminders.snoozes();
  const upcoming = planned.filter((r) => !((snoozes.get(`${r.series} ${targetKey(target)}`) ?? new Date(0)) > r.at)).slice(0, SCHEDULE_MAX);
  return scheduleReply({
    who: dm ? 'you' : 'this channel',
    subscribed: sub?.status === 'active',
    upcoming,
    zone,
    howToSubscribe: dm ? '/summit remind me' : '/summit subscribe',
  });
}

/**
 * Snooze 1 day, pressed on a reminder: in a DM it postpones that person's reminders of the series; in a channel it
 * postpones the channel's, which needs the permission that subscribing the channel needs.
 */
async function snooze(series: string, incident: Incident, ctx: CommandContext): Promise<CommandResult> {
  const channel = ctx.channelId;
  if (channel === undefined) return read(subscriptionReply('In the console, reminders cannot be snoozed.', false));
  if (!knownSeries(incident).includes(series)) return read(followUp.unknownSeriesReply());
  const dm = channel.startsWith('D');
  if (!dm && incident.permissions.subscribe === 'admins' && !(await ctx.isAdmin())) return read(followUp.refusalReply('snooze a channel’s reminders', incident.admins));
  if (!(await firstTime(ctx))) return read(followUp.replayReply());
  const target: Target = dm ? { kind: 'user', id: ctx.actor.id } : { kind: 'channel', id: channel };
  const zone = incident.reminders?.zone ?? incident.event.timezone;
  const until = shift(ctx.now, { amount: 1, unit: 'days', text: '1d' }, zone, 1);
  await ctx.store.reminders.snooze(series, targetKey(target), until, ctx.actor, ctx.now);
  return { reply: followUp.snoozedReply(dm), changed: true };
}

/** The reminder series a data set can have: what Snooze may name. */
function knownSeries(incident: Incident): string[] {
  return ['countdown', 'digest', ...incident.expectedUpdates.map((u) => `nudge:${u.id}`)];
}

function findQuestion(incident: Incident, id: string, now: Date): Question | undefined {
  return incident.questions.find((q) => q.id === id && (q.added === undefined || q.added.at <= now));
}

function noSuchQuestion(incident: Incident, id: string, now: Date): Reply {
  const open = questionsAsOf(incident.questions, now, 'open').map((s) => s.question.id);
  return followUp.noSuchQuestionReply(id, open);
}
