import { config as loadDotenv } from 'dotenv';
import pino from 'pino';
import { loadIncident } from './incident/load';
import { systemClock } from './lib/clock';
import { ConfigError, isAppError } from './lib/errors';
import { scrubSecrets } from './lib/logger';
import { readSettings } from './settings';
import { openStore } from './store/open';
import type { PollOutcome } from './watch/watcher';
import { FeedWatcher } from './watch/watcher';

/**
 * `npm run watch -- --once`: polls every watched feed once, now, with no Slack, records what it finds in the store
 * the bot uses (so the bot will not post it again), and prints what is new. The bot itself polls on its own
 * schedule (each feed's `every`); this is for checking a `watch:` section by hand.
 */
export function formatOutcomes(outcomes: PollOutcome[]): string {
  if (outcomes.length === 0) return 'The data set watches no feed (no watch: section).';
  return outcomes
    .map((o) => {
      const head =
        o.result === 'baseline'
          ? `${o.feed}: first poll; ${o.added.length} item${o.added.length === 1 ? '' : 's'} recorded as already there (none is posted)`
          : o.result === 'ok' || o.result === 'not_modified'
            ? `${o.feed}: ${o.added.length === 0 ? 'nothing new' : `${o.added.length} new`}${o.result === 'not_modified' ? ' (not modified)' : ''}`
            : `${o.feed}: failed (${o.result})`;
      const items =
        o.result === 'baseline'
          ? []
          : o.added.map(
              (i) =>
                `  - ${i.title}${i.link ? ` <${i.link}>` : ''}${i.post ? ` (matched: ${i.matched.join(', ') || 'every item'})` : ' (did not match)'}`,
            );
      return [head, ...items].join('\n');
    })
    .join('\n');
}

async function main(argv: string[]): Promise<void> {
  if (argv.length !== 1 || argv[0] !== '--once')
    throw new ConfigError(
      'settings_invalid',
      'Usage: npm run watch -- --once (the bot itself polls each feed every `every`).',
    );
  loadDotenv({ quiet: true });
  const settings = readSettings(process.env);
  const incident = loadIncident(settings.configPath);
  const log = pino({ level: 'warn' }, pino.destination(2));
  const store = await openStore(settings.database, log);
  try {
    const outcomes = await new FeedWatcher({ feeds: incident.watch, store, clock: systemClock, log }).pollAll();
    process.stdout.write(`${formatOutcomes(outcomes)}\n`);
    if (outcomes.some((o) => !['ok', 'baseline', 'not_modified'].includes(o.result))) process.exitCode = 1;
  } finally {
    await store.close();
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`summit-bot watch: ${scrubSecrets(isAppError(error) ? error.message : String(error))}\n`);
    process.exit(isAppError(error) ? error.exitCode : 1);
  });
