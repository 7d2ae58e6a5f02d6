import { DateTime } from 'luxon';
import type { Incident, Known, Source, Span } from '../incident/model';
import { countdown, type Countdown } from './countdown';
import { cronTimes, parseCron } from '../lib/cron';
import { isPursued, questionAsOf, questionsAsOf } from './questions';
import { known, receivedBy, eventAsOf } from './incident';

export type ReminderKind = 'countdown' | 'nudge' | 'digest' | 'chase' | 'source';

/**
 * The most items one poll of one feed may post. A feed that churns (new ids on every fetch) or publishes a burst
 * would otherwise post dozens at once; past this, one message says how many more there are (watch/watcher.ts).
 */
export const MAX_POSTS_PER_POLL = 5;

/** What a reminder is about, as data: the words are the views' (views/reminder.ts, reminderTitle). */
export type ReminderAbout =
  | { kind: 'countdown'; event: string; allDay: boolean; countdown: Countdown }
  | { kind: 'nudge'; text: string; n: number; max: number; estimated: boolean }
  | { kind: 'digest'; open: string[] }
  | { kind: 'chase'; questionId: string; text: string; due: string; n: number; max: number }
  /** A new item of a watched feed (not planned: found by the feed watcher, delivered the same way). */
  | {
      kind: 'source';
      feedId: string;
      publisher: string;
      itemRef: string;
      title: string;
      link?: string;
      published?: Date;
      matched: string[];
      /** A poll's summary of the new items it held back (the bound on what one poll posts): how many. */
      more?: number;
    };

/** One reminder the bot will post (to every subscribed target). */
export interface PlannedReminder {
  /** Unique and stable: the same reminder has the same key on every run and every replica. */
  key: string;
  /** What "Snooze 1 day" postpones: countdown, nudge:<expected-update id>, or digest. */
  series: string;
  kind: ReminderKind;
  at: Date;
  about: ReminderAbout;
  expectedId?: string;
  /** Sent to this person alone (a Slack user id), by DM, instead of to every subscribed target: a chase. */
  to?: string;
  /** The question a chase is about. */
  questionId?: string;
}

/** Adds (or with sign -1 subtracts) a span: days are calendar days in `zone`, so 09:00 stays 09:00 across DST. */
export function shift(at: Date, span: Span, zone: string, sign: 1 | -1): Date {
  // Hours and minutes are exact lengths (as luxon adds them): plain arithmetic, no zone work. The scheduler shifts
  // by its catch-up on every tick of every incident.
  if (span.unit !== 'days')
    return new Date(at.getTime() + sign * span.amount * (span.unit === 'hours' ? 3_600_000 : 60_000));
  return DateTime.fromJSDate(at, { zone })
    .plus({ [span.unit]: sign * span.amount })
    .toJSDate();
}

/**
 * The n-th (from 1) of a series that starts on `isoDate` at `time` and repeats every `every`. Each occurrence is
 * computed from the start, not from the one before, so a day-based series keeps its wall-clock time: an occurrence
 * that falls in a skipped hour (02:30 on the day clocks spring forward) moves to the next valid time (03:30), and
 * the ones after it are back at 02:30.
 */
export function nthOccurrence(isoDate: string, time: string, every: Span, n: number, zone: string): Date {
  // A pure function of its arguments, asked again for every plan (after every recorded change): kept.
  const key = `${isoDate} ${time} ${every.amount}${every.unit} ${n} ${zone}`;
  let ms = occurrences.get(key);
  if (ms === undefined) {
    ms = nthOccurrenceUncached(isoDate, time, every, n, zone).getTime();
    remember(occurrences, key, ms);
  }
  return new Date(ms);
}

/** At most this many of each kept zone computation (pure; the map is emptied when full). */
const ZONE_MEMO_MAX = 4096;
const occurrences = new Map<string, number>();
const dayStarts = new Map<string, number>();
function remember(map: Map<string, number>, key: string, ms: number): void {
  if (map.size >= ZONE_MEMO_MAX) map.clear();
  map.set(key, ms);
}

function nthOccurrenceUncached(isoDate: string, time: string, every: Span, n: number, zone: string): Date {
  const steps = every.amount * (n - 1);
  if (every.unit === 'days') {
    const day = DateTime.fromISO(isoDate, { zone }).plus({ days: steps }).toISODate() as string;
    return atTimeOn(day, time, zone).toJSDate();
  }
  return atTimeOn(isoDate, time, zone)
    .plus({ [every.unit]: steps })
    .toJSDate();
}

function atTimeOn(isoDate: string, time: string, zone: string): DateTime {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return DateTime.fromISO(isoDate, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
}

/** The start of a source's date in `zone`: nothing it reports is known before then. */
export function publishedAt(source: Source, zone: string): Date {
  const key = `${source.date} ${zone}`;
  let ms = dayStarts.get(key);
  if (ms === undefined) {
    ms = DateTime.fromISO(source.date, { zone }).toMillis();
    remember(dayStarts, key, ms);
  }
  return new Date(ms);
}

/** The first moment anything about the incident is known: its earliest source, or timeline entry as known. */
export function incidentKnownAt(incident: Incident): Date {
  const zone = incident.zone;
  const times = [
    ...incident.sources.map((s) => publishedAt(s, zone).getTime()),
    ...incident.timeline.map((t) => t.since.getTime()),
  ];
  return new Date(Math.min(...times));
}

/**
 * Every reminder due in (from, to], oldest first: a pure function of the data set (with what was recorded
 * applied), and the window. It is what the scheduler executes, what /summit schedule shows and what
 * `npm run preview` prints.
 *
 * Nothing is planned before it could be known: digests from the first moment the incident is known, countdown
 * reminders from the day the event was announced (its source's date), nudges from the day their expected update
 * was announced. `knownAt` is the vantage point (the bot's clock for /summit schedule): what a reminder says (the
 * open questions a digest counts, whether an update arrived) is what was known then, never later.
 */
export function planReminders(incident: Incident, from: Date, to: Date, knownAt?: Date): PlannedReminder[] {
  const config = incident.reminders;
  if (!config || to <= from) return [];
  const zone = config.zone;
  const event = incident.event;
  const out: PlannedReminder[] = [];
  const inWindow = (at: Date) => at > from && at <= to;
  /** What a reminder at `at` may know: as of its moment, and never past the vantage point. */
  const asOf = (at: Date) => (knownAt !== undefined && knownAt < at ? knownAt : at);
  /** Seen from the vantage point, only what was known then is planned at all (no countdown to an unannounced event). */
  const knownThen = (item: Known) => knownAt === undefined || known(item, knownAt);

  // No countdown for an incident with no event (one started in Slack may have none yet).
  if (config.countdown && event && knownThen(event)) {
    const eventAnnounced = event.since;
    const eventDay = DateTime.fromJSDate(event.start, { zone: event.timezone }).toISODate() as string;
    for (const offset of config.countdown.offsets) {
      const at =
        event.allDay && offset.unit === 'days'
          ? atTimeOn(eventDay, config.countdown.time, zone).minus({ days: offset.amount }).toJSDate()
          : shift(event.start, offset, zone, -1);
      if (!inWindow(at) || at < eventAnnounced) continue;
      // The countdown of its planned moment, so title and body agree whenever it is posted.
      out.push({
        key: `countdown:${offset.text}`,
        series: 'countdown',
        kind: 'countdown',
        at,
        about: { kind: 'countdown', event: event.name, allDay: event.allDay, countdown: countdown(event, at) },
      });
    }
  }

  if (config.updates) {
    const { every, max, time } = config.updates;
    for (const u of incident.expectedUpdates.filter(knownThen)) {
      const announced = u.since;
      for (let n = 1; n <= max; n++) {
        const at = nthOccurrence(u.expectedDate, time, every, n, zone);
        if (receivedBy(u, asOf(at))) break;
        if (at > to) break;
        // Each moment takes the version of the expected update shown then (a correction or retraction ends one).
        if (!inWindow(at) || at < announced || (u.until !== undefined && at >= u.until)) continue;
        out.push({
          key: `nudge:${u.id}:${n}`,
          series: `nudge:${u.id}`,
          kind: 'nudge',
          at,
          about: { kind: 'nudge', text: u.text, n, max, estimated: u.estimated },
          expectedId: u.id,
        });
      }
    }
  }

  if (config.questions) {
    const { every, max, time } = config.questions;
    // Each question with an owner and a due date, as known at the vantage point (or the window's end): its owner is
    // chased from the due date at `time`, every `every`, at most `max` times, until it is no longer pursued.
    for (const q of incident.questions) {
      const planned = questionAsOf(q, knownAt ?? to);
      if (!planned.due || !planned.owner || (q.added && q.added.at > (knownAt ?? to))) continue;
      const dueDate = planned.due.date;
      for (let n = 1; n <= max; n++) {
        const at = nthOccurrence(dueDate, time, every, n, zone);
        if (at > to) break;
        const then = questionAsOf(q, asOf(at));
        if (!isPursued(then.status)) break;
        if (!inWindow(at) || then.due?.date !== dueDate || !then.owner) continue;
        out.push({
          key: `chase:${q.id}:${dueDate}:${n}`,
          series: `chase:${q.id}`,
          kind: 'chase',
          at,
          about: { kind: 'chase', questionId: q.id, text: q.text, due: dueDate, n, max },
          to: then.owner,
          questionId: q.id,
        });
      }
    }
  }

  if (config.digest) {
    const spec = parseCron(config.digest.cron);
    if (typeof spec !== 'string') {
      // Digests end `until` after the event; seen from before the event was announced, no end is known yet.
      const until = event && knownThen(event) ? shift(event.end, config.digest.until, zone, 1) : to;
      const end = until < to ? until : to;
      const known = incidentKnownAt(incident);
      const start = known > from ? new Date(known.getTime() - 1) : from;
      for (const at of cronTimes(spec, zone, start, end)) {
        const open = questionsAsOf(incident.questions, asOf(at), 'open');
        if (open.length === 0) continue;
        out.push({
          key: `digest:${at.toISOString()}`,
          series: 'digest',
          kind: 'digest',
          at,
          about: { kind: 'digest', open: open.map((s) => s.question.id) },
        });
      }
    }
  }

  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
}

/** Why a plan is empty, as data (views/schedule.ts words it): each part of the reminders, and why it plans nothing. */
export type QuietReason =
  | { kind: 'no-reminders' }
  | { kind: 'event-not-announced' }
  | { kind: 'event-past'; at: Date }
  | { kind: 'nothing-expected' }
  /** `at`: when they ended (`until` after the event); `last`: the last digest's time before then, if any. */
  | { kind: 'digests-ended'; at: Date; last?: Date; until: string }
  | { kind: 'no-open-questions' };

/** Why nothing is planned from `now` on, as known at `now`: what a person asks on an empty /summit schedule. */
export function quietReasons(incident: Incident, now: Date): QuietReason[] {
  const config = incident.reminders;
  if (!config) return [{ kind: 'no-reminders' }];
  const out: QuietReason[] = [];
  const event = eventAsOf(incident, now);
  if (config.countdown) {
    if (!event) out.push({ kind: 'event-not-announced' });
    else if (event.start <= now) out.push({ kind: 'event-past', at: event.start });
  }
  if (config.updates && incident.expectedUpdates.every((u) => !known(u, now) || receivedBy(u, now)))
    out.push({ kind: 'nothing-expected' });
  if (config.digest) {
    const until = event ? shift(event.end, config.digest.until, config.zone, 1) : undefined;
    if (until !== undefined && until <= now) {
      // The last digest's own time (a weekly digest ends days before `until`), looked for in the five weeks before.
      const spec = parseCron(config.digest.cron);
      const last =
        typeof spec === 'string'
          ? undefined
          : cronTimes(spec, config.zone ?? incident.zone, new Date(until.getTime() - 35 * 86_400_000), until)
              .filter((t) => t < until)
              .at(-1);
      out.push({ kind: 'digests-ended', at: until, ...(last && { last }), until: config.digest.until.text });
    } else if (questionsAsOf(incident.questions, now, 'open').length === 0) out.push({ kind: 'no-open-questions' });
  }
  return out;
}
