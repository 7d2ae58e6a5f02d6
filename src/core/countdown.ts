import type { SummitEvent } from '../incident/model';
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

/** "in 12 days", "tomorrow", "today", "in 3 hours", "taking place now", "started 10 minutes ago", "took place 810 days ago". */
export function describeCountdown(c: Countdown, allDay: boolean): string {
  switch (c.phase) {
    case 'upcoming':
      return c.days === 1 ? 'tomorrow' : `in ${c.days} days`;
    case 'today':
      if (allDay) return 'today';
      return `today, ${inMinutes(c.minutes)}`;
    case 'live':
      return allDay ? 'today' : 'taking place now';
    case 'started':
      return startedAgo(c.minutes);
    case 'past':
      return c.days === 0
        ? 'took place earlier today'
        : c.days === 1
          ? 'took place yesterday'
          : `took place ${c.days} days ago`;
  }
}

/** "starting now", "started 10 minutes ago", "started 2 hours ago". */
function startedAgo(minutes: number): string {
  if (minutes <= 0) return 'starting now';
  if (minutes < 60) return `started ${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  return `started ${hours} hour${hours === 1 ? '' : 's'} ago`;
}

function inMinutes(minutes: number): string {
  if (minutes <= 0) return 'starting now';
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  return `in ${hours} hour${hours === 1 ? '' : 's'}${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
