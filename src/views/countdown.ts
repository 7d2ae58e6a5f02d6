import type { Countdown } from '../core/countdown';

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
