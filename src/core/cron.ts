import { DateTime } from 'luxon';

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week), evaluated in a time zone.
 * Pure, so the reminder plan can list digest times for any window (node-cron only times the scheduler's tick).
 * Supports *, lists (1,15), ranges (1-5), steps (star/15, 0-30/10) and 7 as Sunday. Day-of-month and day-of-week
 * follow cron's rule: when both are restricted, either may match.
 */
export interface CronSpec {
  minutes: number[];
  hours: number[];
  days: Set<number>;
  months: Set<number>;
  weekdays: Set<number>;
  anyDay: boolean;
  anyWeekday: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Parses a cron expression, or returns a sentence saying what is wrong with it. */
export function parseCron(expr: string): CronSpec | string {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week, such as "0 9 * * 1"';
  const sets: number[][] = [];
  for (let i = 0; i < 5; i++) {
    const f = FIELDS[i] as (typeof FIELDS)[number];
    const values = parseField(parts[i] as string, f.min, f.max);
    if (typeof values === 'string') return `${f.name} "${parts[i]}": ${values}`;
    sets.push(values);
  }
  const [minutes = [], hours = [], days = [], months = [], weekdays = []] = sets;
  return {
    minutes,
    hours,
    days: new Set(days),
    months: new Set(months),
    weekdays: new Set(weekdays.map((d) => (d === 7 ? 0 : d))),
    anyDay: parts[2] === '*',
    anyWeekday: parts[4] === '*',
  };
}

function parseField(text: string, min: number, max: number): number[] | string {
  const out = new Set<number>();
  for (const piece of text.split(',')) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(piece);
    if (!m) return `"${piece}" is not a number, range, list or step`;
    const step = m[4] === undefined ? 1 : Number(m[4]);
    let lo = min;
    let hi = max;
    if (m[1] !== '*') {
      lo = Number(m[2]);
      hi = m[3] === undefined ? (m[4] === undefined ? lo : max) : Number(m[3]);
    }
    if (lo < min || hi > max || lo > hi || step < 1) return `must be within ${min}-${max}`;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** Every moment in (from, to] that the expression names, in `zone`. A local time skipped by a DST change has no run. */
export function cronTimes(spec: CronSpec, zone: string, from: Date, to: Date): Date[] {
  const out: Date[] = [];
  let day = DateTime.fromJSDate(from, { zone }).startOf('day');
  const last = DateTime.fromJSDate(to, { zone }).startOf('day');
  while (day <= last) {
    const dom = spec.days.has(day.day);
    const dow = spec.weekdays.has(day.weekday % 7);
    const dayMatches = spec.anyDay && spec.anyWeekday ? true : spec.anyDay ? dow : spec.anyWeekday ? dom : dom || dow;
    if (spec.months.has(day.month) && dayMatches) {
      for (const hour of spec.hours) {
        for (const minute of spec.minutes) {
          const t = day.set({ hour, minute });
          if (t.hour !== hour || t.minute !== minute) continue;
          const ms = t.toMillis();
          if (ms > from.getTime() && ms <= to.getTime()) out.push(t.toJSDate());
        }
      }
    }
    day = day.plus({ days: 1 });
  }
  return out;
}
