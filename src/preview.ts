import { config as loadDotenv } from 'dotenv';
import { DateTime } from 'luxon';
import { applyFollowUps } from './core/follow-up';
import { planReminders } from './core/plan';
import { reminderTitle } from './views/reminder';
import { loadCatalog, upgradeOptions } from './incident/catalog';
import type { Incident } from './incident/model';
import { ConfigError, isAppError } from './lib/errors';
import { createLogger, scrubSecrets } from './lib/logger';
import { parseInstant, readSettings } from './settings';
import { openStore } from './store/open';

/**
 * `npm run preview -- [--from ISO] [--to ISO]`: every reminder the bot would post in a window, with no Slack at
 * all. By default the window runs from the start of the month before the event to the end of the month after it.
 * What was recorded (updates silence nudges, answers end chases) is read from a copy of the store: nothing is written.
 */
export function formatPlan(incident: Incident, from: Date, to: Date): string {
  const zone = incident.reminders?.zone ?? incident.zone;
  if (!incident.reminders) return 'The data set has no reminders: section, so nothing is planned.';
  const plan = planReminders(incident, from, to);
  const head = `Reminders from ${from.toISOString()} to ${to.toISOString()} (${zone}): ${plan.length}`;
  const rows = plan.map((r) => {
    const local = DateTime.fromJSDate(r.at, { zone }).toFormat('ccc yyyy-LL-dd HH:mm ZZZZ', { locale: 'en-US' });
    const utc = DateTime.fromJSDate(r.at, { zone: 'UTC' }).toFormat("yyyy-LL-dd HH:mm'Z'");
    return `${local.padEnd(26)}  ${utc}  ${r.kind.padEnd(9)}  ${reminderTitle(r)}`;
  });
  return [head, ...rows].join('\n');
}

function parseArgs(argv: string[], zone: string): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=') ? a.split(/=(.*)/) : [a, undefined];
    if (flag !== '--from' && flag !== '--to')
      throw new ConfigError(
        'settings_invalid',
        `Unknown argument "${a}". Usage: npm run preview -- [--from ISO] [--to ISO]`,
      );
    const value = inline ?? argv[++i] ?? '';
    const at = parseInstant(value, zone);
    if (!at)
      throw new ConfigError(
        'settings_invalid',
        `${flag}: must be an ISO-8601 date or instant such as 2024-08-01, not "${value}".`,
      );
    out[flag === '--from' ? 'from' : 'to'] = at;
  }
  return out;
}

/** How long a window is when only one end of it is given. */
const DEFAULT_SPAN = { months: 3 };

/**
 * The window to preview: both flags as given; only --from, three months from it; only --to, three months before
 * it; neither, from the start of the month before the event to the end of the month after it. Only a window whose
 * two ends were both given can be backwards, so only then is it refused, naming both flags.
 */
export function previewWindow(args: { from?: Date; to?: Date }, event: DateTime): { from: Date; to: Date } {
  if (args.from && args.to) {
    if (args.to <= args.from)
      throw new ConfigError('settings_invalid', '--to must come after --from (they were given the other way round).');
    return { from: args.from, to: args.to };
  }
  // Months are calendar months in the event's zone, like everything the plan counts.
  if (args.from)
    return { from: args.from, to: DateTime.fromJSDate(args.from, { zone: event.zone }).plus(DEFAULT_SPAN).toJSDate() };
  if (args.to)
    return { from: DateTime.fromJSDate(args.to, { zone: event.zone }).minus(DEFAULT_SPAN).toJSDate(), to: args.to };
  return {
    from: event.minus({ months: 1 }).startOf('month').toJSDate(),
    to: event.plus({ months: 1 }).endOf('month').toJSDate(),
  };
}

/** `--incident <id>` taken out of the arguments: the one incident to preview (default: every one). */
export function incidentArg(argv: string[]): { incident?: string; rest: string[] } {
  const rest: string[] = [];
  let incident: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--incident') incident = argv[++i] ?? '';
    else if (a.startsWith('--incident=')) incident = a.slice('--incident='.length);
    else rest.push(a);
  }
  return { incident, rest };
}

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const settings = readSettings(process.env);
  const catalog = loadCatalog(settings.configPath);
  const { incident: only, rest } = incidentArg(process.argv.slice(2));
  if (only !== undefined && !catalog.has(only))
    throw new ConfigError(
      'settings_invalid',
      `--incident: there is no incident "${only}"${catalog.closest(only).length > 0 ? ` (did you mean ${catalog.closest(only).join(' or ')}?)` : ''}; the incidents are ${catalog.incidents.map((i) => i.id).join(', ')}.`,
    );
  const chosen = only === undefined ? catalog.incidents : [catalog.get(only) as Incident];
  // What was recorded (which silences nudges and closes questions), read from a copy: preview writes nothing, not
  // even a migration, and creates no store file.
  const store = await openStore(settings.database, createLogger('warn', 2), {
    copy: true,
    connectMs: settings.databaseConnectMs,
    migration: upgradeOptions(catalog, settings.upgradeIncident),
  });
  const out: string[] = [];
  try {
    for (const base of chosen) {
      const zone = base.reminders?.zone ?? base.zone;
      const args = parseArgs(rest, zone);
      // Around the event; an incident with none, around now.
      const { from, to } = previewWindow(args, DateTime.fromJSDate(base.event?.start ?? new Date(), { zone }));
      const incident = applyFollowUps(base, await store.scoped(base.id).state());
      const plan =
        base.state === 'closed' ? 'This incident is closed: it plans no reminders.' : formatPlan(incident, from, to);
      out.push(chosen.length > 1 ? `# ${base.id}: ${base.title}\n${plan}` : plan);
    }
  } finally {
    await store.close();
  }
  process.stdout.write(`${out.join('\n\n')}\n`);
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`summit-bot preview: ${scrubSecrets(isAppError(error) ? error.message : String(error))}\n`);
    process.exit(isAppError(error) ? error.exitCode : 1);
  });
