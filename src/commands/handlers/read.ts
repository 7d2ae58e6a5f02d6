import type { Fact, Incident } from '../../incident/model';
import { eventNow } from '../../core/countdown';
import { factsAsOf, outstandingUpdates, timelineAsOf, topics, updatesAsOf } from '../../core/incident';
import { planReminders, quietReasons, shift, type PlannedReminder, type QuietReason } from '../../core/plan';
import { countQuestions, isPursued, questionAsOf, questionsAsOf } from '../../core/questions';
import { targetKey, type Target } from '../../store/reminders';
import * as followUp from '../../views/follow-up';
import * as views from '../../views/replies';
import { brokenScheduleReply, SCHEDULE_DAYS, scheduleReply } from '../../views/schedule';
import type { CommandContext, Handler } from '../types';
import { adminForDisplay, findQuestion, noSuchQuestion, read } from './common';
import { CONSOLE_TARGET } from './reminders';
import { itemHistory } from './curate';

/** The commands that only read: the data set and the recorded follow-ups, as of the bot's clock. */

export const status: Handler<'status'> = async (_cmd, { incident, ctx }) =>
  read(
    views.statusReply({
      incident,
      event: eventNow(incident, ctx.now),
      counts: countQuestions(questionsAsOf(incident.questions, ctx.now)),
      outstanding: outstandingUpdates(incident, ctx.now),
      now: ctx.now,
    }),
  );

export const when: Handler<'when'> = async (_cmd, { incident, ctx }) =>
  read(views.whenReply(incident, eventNow(incident, ctx.now), ctx.now));

export const facts: Handler<'facts'> = async (cmd, { incident, ctx }) =>
  read(
    views.factsReply(
      incident,
      factsAsOf(incident, ctx.now, cmd.topic),
      cmd.topic,
      topics(incident, ctx.now),
      await curator(ctx),
      retractedFacts(incident, ctx.now, cmd.topic),
    ),
  );

/** The facts retracted by `now` (not those replaced by a correction), of one topic when given, once each. */
function retractedFacts(incident: Incident, now: Date, topic: string | undefined): Fact[] {
  const out = new Map<string, Fact>();
  for (const f of incident.facts)
    if (
      f.withdrawn !== undefined &&
      f.withdrawn.at <= now &&
      f.withdrawn.reason !== 'corrected' &&
      (topic === undefined || f.topic.toLowerCase() === topic.toLowerCase())
    )
      out.set(f.id, f);
  return [...out.values()];
}

export const questions: Handler<'questions'> = async (cmd, { incident, ctx }) => {
  const states = questionsAsOf(incident.questions, ctx.now, cmd.filter);
  const canRecord = states.some((s) => s.status !== 'answered') && (await adminForDisplay(ctx));
  return read(views.questionsReply(states, cmd.filter, ctx.now, incident.zone, canRecord));
};

export const timeline: Handler<'timeline'> = async (_cmd, { incident, ctx }) =>
  read(views.timelineReply(incident, timelineAsOf(incident, ctx.now), await curator(ctx)));

export const updates: Handler<'updates'> = async (_cmd, { incident, ctx }) =>
  read(
    followUp.updatesReply(
      updatesAsOf(incident, ctx.now),
      outstandingUpdates(incident, ctx.now),
      incident.zone,
      await curator(ctx),
    ),
  );

export const history: Handler<'history'> = async (cmd, { incident, ctx }) => {
  const q = findQuestion(incident, cmd.id.toUpperCase(), ctx.now);
  if (!q) return itemHistory(incident, cmd.id, ctx.now) ?? read(noSuchQuestion(incident, cmd.id, ctx.now));
  const s = questionAsOf(q, ctx.now);
  const canOpen =
    incident.github !== undefined &&
    ctx.issues !== undefined &&
    !s.issue &&
    isPursued(s.status) &&
    (await adminForDisplay(ctx));
  return read(followUp.historyReply(q, ctx.now, incident.zone, s, canOpen));
};

/**
 * Whether a reply shows the ids and Add buttons of an incident's admins: to its admins, in Slack and in the console.
 */
async function curator(ctx: CommandContext): Promise<boolean> {
  // In Slack the incident's admins; in the console its local admin, who retracts and corrects by these ids too.
  return adminForDisplay(ctx);
}

/** How many reminders /summit schedule lists (it looks SCHEDULE_DAYS ahead). */
const SCHEDULE_MAX = 10;

/**
 * The plan /summit schedule shows, made once per minute for a given applied data set (the model changes object
 * whenever the recorded state does) and shared by every channel and person asking in that minute: as of the
 * minute, like every reused reply, then only what is still ahead of `now`. One entry per model, dropped with it.
 */
interface PlanMemo {
  minute: number;
  plan: PlannedReminder[];
  /** Why nothing is planned, for one second of the clock. */
  quiet?: { second: number; reasons: QuietReason[] };
}
const plans = new WeakMap<Incident, PlanMemo>();

function planOf(incident: Incident, now: Date): PlanMemo {
  const minute = Math.floor(now.getTime() / 60_000);
  let memo = plans.get(incident);
  if (memo?.minute !== minute) {
    const zone = incident.reminders?.zone ?? incident.zone;
    const start = new Date(minute * 60_000);
    const horizon = shift(start, { amount: SCHEDULE_DAYS, unit: 'days', text: `${SCHEDULE_DAYS}d` }, zone, 1);
    memo = { minute, plan: planReminders(incident, start, horizon, start) };
    plans.set(incident, memo);
  }
  return memo;
}

function scheduledFrom(incident: Incident, now: Date): PlannedReminder[] {
  return planOf(incident, now).plan.filter((r) => r.at > now);
}

/**
 * Why nothing is planned, kept with the plan for a second of the clock (the moments it compares are data set and
 * recorded times): for an incident that is over, every /summit schedule asks it.
 */
function quietAt(incident: Incident, now: Date): QuietReason[] {
  const memo = planOf(incident, now);
  const second = Math.floor(now.getTime() / 1000);
  if (memo.quiet?.second !== second) memo.quiet = { second, reasons: quietReasons(incident, now) };
  return memo.quiet.reasons;
}

/** The next reminders for the channel the command came from, or for the caller by DM. */
export const schedule: Handler<'schedule'> = async (_cmd, { incident, ctx }) => {
  const zone = incident.reminders?.zone ?? incident.zone;
  const planned = scheduledFrom(incident, ctx.now);
  const reminders = ctx.store.reminders;
  if (ctx.channelId === undefined) {
    const subscribed = (await reminders.subscription(CONSOLE_TARGET))?.status !== 'removed';
    return read(
      scheduleReply({
        who: 'the console',
        subscribed,
        upcoming: planned.slice(0, SCHEDULE_MAX),
        zone,
        howToSubscribe: 'subscribe',
        quiet: planned.length === 0 ? quietAt(incident, ctx.now) : [],
      }),
    );
  }
  const dm = ctx.channelId.startsWith('D');
  const target: Target = dm ? { kind: 'user', id: ctx.actor.id } : { kind: 'channel', id: ctx.channelId };
  // A chase goes to its owner alone: shown in that person's DM schedule, never a channel's.
  const forHere = planned.filter((r) => r.to === undefined || (dm && r.to === ctx.actor.id));
  // Both at once: on PostgreSQL each is a round trip.
  const [sub, snoozes] = await Promise.all([reminders.subscription(target), reminders.snoozes()]);
  if (sub?.status === 'broken' || sub?.status === 'disabled') return read(brokenScheduleReply(sub.status, sub.reason));
  const upcoming = forHere
    .filter((r) => !((snoozes.get(`${r.series} ${targetKey(target)}`) ?? new Date(0)) > r.at))
    .slice(0, SCHEDULE_MAX);
  return read(
    scheduleReply({
      who: dm ? 'you' : 'this channel',
      subscribed: sub?.status === 'active',
      upcoming,
      zone,
      howToSubscribe: dm ? '/summit remind me' : '/summit subscribe',
      quiet: upcoming.length === 0 ? quietAt(incident, ctx.now) : [],
    }),
  );
};
