import { DateTime } from 'luxon';
import type { Incident, Span } from '../incident/model';
import { countdown, describeCountdown } from './countdown';
import { cronTimes, parseCron } from './cron';
import { questionsAsOf } from './questions';

export type ReminderKind = 'countdown' | 'nudge' | 'digest';

/** One reminder the bot will post (to every subscribed target). */
export interface PlannedReminder {
  /** Unique and stable: the same reminder has the same key on every run and every replica. */
  key: string;
  /** What "Snooze 1 day" postpones: countdown, nudge:<expected-update id>, or digest. */
  series: string;
  kind: ReminderKind;
  at: Date;
  /** One line saying what it is about. */
  title: string;
  expectedId?: string;
}

/** Adds (or with sign -1 subtracts) a span: days are calendar days in `zone`, so 09:00 stays 09:00 across DST. */
export function shift(at: Date, span: Span, zone: string, sign: 1 | -1): Date {
  return DateTime.fromJSDate(at, { zone })
    .plus({ [span.unit]: sign * span.amount })
    .toJSDate();
}

function atTimeOn(isoDate: string, time: string, zone: string): DateTime {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return DateTime.fromISO(isoDate, { zone }).set({ hour, minute, second: 0, millisecond: 0 });
}

/**
 * Every reminder due in (from, to], oldest first: a pure function of the data set (with what was recorded
 * applied), and the window. It is what the scheduler executes, what /summit schedule shows and what
 * `npm run preview` prints.
 */
export function planReminders(incident: Incident, from: Date, to: Date): PlannedReminder[] {
  const config = incident.reminders;
  if (!config || to <= from) return [];
  const zone = config.zone;
  const event = incident.event;
  const out: PlannedReminder[] = [];
  const inWindow = (at: Date) => at > from && at <= to;

  if (config.countdown) {
    const eventDay = DateTime.fromJSDate(event.start, { zone: event.timezone }).toISODate() as string;
    for (const offset of config.countdown.offsets) {
      const at =
        event.allDay && offset.unit === 'days'
          ? atTimeOn(eventDay, config.countdown.time, zone).minus({ days: offset.amount }).toJSDate()
          : shift(event.start, offset, zone, -1);
      if (!inWindow(at)) continue;
      // A zero offset is the moment itself: "today" for an all-day event, "starting now" for a timed one.
      const when = offset.amount === 0 ? (event.allDay ? 'today' : 'starting now') : describeCountdown(countdown(event, at), event.allDay);
      out.push({ key: `countdown:${offset.text}`, series: 'countdown', kind: 'countdown', at, title: `${event.name}: ${when}` });
    }
  }

  if (config.updates) {
    const { every, max, time } = config.updates;
    for (const u of incident.expectedUpdates) {
      let at = atTimeOn(u.expectedDate, time, zone).toJSDate();
      for (let n = 1; n <= max; n++, at = shift(at, every, zone, 1)) {
        if (u.received && u.received.when.at <= at) break;
        if (at > to) break;
        if (!inWindow(at)) continue;
        out.push({
          key: `nudge:${u.id}:${n}`,
          series: `nudge:${u.id}`,
          kind: 'nudge',
          at,
          title: `Update expected: ${u.text} (reminder ${n} of ${max})`,
          expectedId: u.id,
        });
      }
    }
  }

  if (config.digest) {
    const spec = parseCron(config.digest.cron);
    if (typeof spec !== 'string') {
      const until = shift(event.end, config.digest.until, zone, 1);
      const end = until < to ? until : to;
      for (const at of cronTimes(spec, zone, from, end)) {
        const open = questionsAsOf(incident.questions, at, 'open');
        if (open.length === 0) continue;
        out.push({
          key: `digest:${at.toISOString()}`,
          series: 'digest',
          kind: 'digest',
          at,
          title: `Digest: ${open.length} question${open.length === 1 ? '' : 's'} not fully answered (${open.map((s) => s.question.id).join(', ')})`,
        });
      }
    }
  }

  return out.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
}
