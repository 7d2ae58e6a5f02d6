import { Cron } from 'croner';

/**
 * A five-field cron expression (minute hour day-of-month month day-of-week) evaluated in a time zone, through
 * croner. The reminder plan lists digest times for any window with it; node-cron only times the scheduler's tick.
 * Day-of-month and day-of-week follow cron's rule (when both are restricted, either may match); 7 is Sunday; a
 * local time that a daylight-saving change skips has no run, as with node-cron.
 */
export interface CronSpec {
  readonly expression: string;
}

const FIELDS = [
  { name: 'minute', croner: 'minute', range: '0-59' },
  { name: 'hour', croner: 'hour', range: '0-23' },
  { name: 'day of month', croner: 'day', range: '1-31' },
  { name: 'month', croner: 'month', range: '1-12' },
  { name: 'day of week', croner: 'dayOfWeek', range: '0-7' },
] as const;

/** At most this many expressions, and this many (expression, zone) evaluators, are kept (both bounded; dropped whole). */
const CRON_MEMO_MAX = 256;
const parsed = new Map<string, CronSpec | string>();
const evaluators = new Map<string, Cron>();

/**
 * Parses a cron expression, or returns a sentence saying what is wrong with it. The answer is kept per expression:
 * the reminder plan asks it for every plan it makes (six croner patterns a time).
 */
export function parseCron(expression: string): CronSpec | string {
  let result = parsed.get(expression);
  if (result === undefined) {
    if (parsed.size >= CRON_MEMO_MAX) parsed.clear();
    result = parseUncached(expression);
    parsed.set(expression, result);
  }
  return result;
}

function parseUncached(expression: string): CronSpec | string {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5)
    return 'must have five fields: minute hour day-of-month month day-of-week, such as "0 9 * * 1"';
  for (const [i, part] of parts.entries()) {
    // Checked field by field, so the finding names the field and the text the person wrote.
    const probe = parts.map((p, j) => (j === i ? p : '*')).join(' ');
    const problem = cronerProblem(probe);
    const field = FIELDS[i] as (typeof FIELDS)[number];
    if (problem !== undefined) return `${field.name} "${part}": ${explain(problem, field.range)}`;
  }
  const problem = cronerProblem(parts.join(' '));
  return problem === undefined ? { expression: parts.join(' ') } : problem;
}

function cronerProblem(expression: string): string | undefined {
  try {
    new Cron(expression, { paused: true, domAndDow: false });
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^CronPattern:\s*/, '');
  }
}

function explain(problem: string, range: string): string {
  if (/invalid value|larger than|out of range/i.test(problem)) return `must be within ${range}`;
  if (/illegal characters|syntax error|illegal stepping/i.test(problem)) return 'is not a number, range, list or step';
  return problem;
}

/** Every moment in (from, to] that the expression names, in `zone`. */
export function cronTimes(spec: CronSpec, zone: string, from: Date, to: Date): Date[] {
  const key = `${zone} ${spec.expression}`;
  let cron = evaluators.get(key);
  if (!cron) {
    if (evaluators.size >= CRON_MEMO_MAX) evaluators.clear();
    // Paused, and asked only through nextRun and match (which keep no state): one evaluator serves every plan.
    cron = new Cron(spec.expression, { paused: true, timezone: zone, domAndDow: false });
    evaluators.set(key, cron);
  }
  const out: Date[] = [];
  let at: Date | null = from;
  while ((at = cron.nextRun(at)) !== null && at.getTime() <= to.getTime()) {
    // croner moves a run that falls in a skipped hour to the hour after; cron (and node-cron) skips it.
    if (cron.match(at)) out.push(at);
  }
  return out;
}
