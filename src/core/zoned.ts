import { IANAZone } from 'luxon';
import { Memo } from '../lib/memo';

/**
 * Calendar-day arithmetic in a time zone, fast. Asking a zone for its UTC offset (Intl under the hood) is the
 * expensive part, and offsets only change at daylight-saving transitions, which fall on whole minutes: so the
 * offset is remembered per zone and quarter hour.
 */
const QUARTER_HOUR = 15 * 60_000;
const DAY = 86_400_000;
const MAX_ENTRIES = 20_000;
const offsets = new Memo<string, number>(MAX_ENTRIES);

/** The zone's offset from UTC at `ms`, in ms. */
export function offsetMs(ms: number, zone: string): number {
  const key = `${zone} ${Math.floor(ms / QUARTER_HOUR)}`;
  return offsets.getOrMake(key, () => IANAZone.create(zone).offset(ms) * 60_000);
}

/** The local calendar day of an instant in `zone`, as a whole number of days since 1970-01-01. */
export function localDay(at: Date, zone: string): number {
  const ms = at.getTime();
  return Math.floor((ms + offsetMs(ms, zone)) / DAY);
}
