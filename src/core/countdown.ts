import type { Incident, SummitEvent } from '../incident/model';
import { eventAsOf } from './incident';
import { localDay } from './zoned';

/**
 * Where `now` stands relative to the event, in the event's own calendar: "in 12 days" counts midnights in the
 * event's zone, so it is right across daylight-saving changes.
 */
export type Countdown =
  | { phase: 'upcoming'; days: number; minutes: number }
  | { phase: 'today'; minutes: number }
  | { phase: 'live' }
  /** A timed event with no end: under way from its start until the end of that day in its zone. */
  | { phase: 'started'; minutes: number }
  | { phase: 'past'; days: number };

export function countdown(event: SummitEvent, now: Date): Countdown {
  const zone = event.timezone;
  const today = localDay(now, zone);
  const startDay = localDay(event.start, zone);
  // For an all-day event `end` is the next midnight, which belongs to the next day.
  const endDay = localDay(new Date(event.end.getTime() - (event.allDay ? 1 : 0)), zone);
  const minutes = Math.floor((event.start.getTime() - now.getTime()) / 60_000);

  if (now < event.start) {
    const days = startDay - today;
    return days === 0 ? { phase: 'today', minutes } : { phase: 'upcoming', days, minutes };
  }
  if (now < event.end) return { phase: 'live' };
  if (event.openEnded && today === startDay) return { phase: 'started', minutes: -minutes };
  return { phase: 'past', days: today - endDay };
}

/** The event and its countdown at `now`, once it was announced (core/incident.ts, eventAsOf); undefined before. */
export interface EventNow {
  event: SummitEvent;
  countdown: Countdown;
}

export function eventNow(incident: Incident, now: Date): EventNow | undefined {
  const event = eventAsOf(incident, now);
  return event && { event, countdown: countdown(event, now) };
}
