import { DateTime } from 'luxon';

/** The end of a calendar day (YYYY-MM-DD) in `zone`, the next midnight: something due that day is overdue from then. */
export function endOfDay(date: string, zone: string): Date {
  return DateTime.fromISO(date, { zone }).plus({ days: 1 }).toJSDate();
}
