import { config as loadDotenv } from 'dotenv';
import { loadCatalog, upgradeOptions } from './incident/catalog';
import { clockStartingAt, systemClock } from './lib/clock';
import { ConfigError, isAppError } from './lib/errors';
import { createLogger, scrubSecrets } from './lib/logger';
import { parseInstant, readSettings } from './settings';
import { openStore } from './store/open';
import type { PollOutcome } from './watch/watcher';
import { FeedWatcher, SharedFetches } from './watch/watcher';
import { MAX_POSTS_PER_POLL } from './core/plan';

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
                `  - ${i.title}${i.link ? ` <${i.link}>` : ''}${i.post ? ` (matched: ${i.matched.join(', ') || 'every item'})` : i.held ? ` (matched; held back: more than ${MAX_POSTS_PER_POLL} new in one poll)` : ' (did not match)'}`,
            );
      return [head, ...items].join('\n');
    })
    .join('\n');
}

const WATCH_COPY_NOTE =
  '(Run at another moment, SUMMIT_NOW: this poll used a copy of the store, so nothing was recorded.)';

async function main(argv: string[]): Promise<void> {
  if (argv.length !== 1 || argv[0] !== '--once')
    throw new ConfigError(
      'settings_invalid',
      'Usage: npm run watch -- --once (the bot itself polls each feed every `every`).',
    );
  loadDotenv({ quiet: true });
  const settings = readSettings(process.env);
  const catalog = loadCatalog(settings.configPath);
  // The bot's own log format (JSON, secrets scrubbed), on stderr so that stdout carries only the report.
  const log = createLogger(settings.logLevel === 'debug' ? 'debug' : 'warn', 2);
  // At another moment (SUMMIT_NOW), the poll runs against a copy of the store: what it finds is reported, and
  // nothing is recorded where the bot would read it back.
  const start =
    settings.summitNow === undefined
      ? undefined
      : parseInstant(settings.summitNow, (catalog.sole() ?? catalog.incidents[0])?.zone);
  const copy = start !== undefined && settings.summitNowStore === 'copy';
  const store = await openStore(settings.database, log, {
    copy,
    connectMs: settings.databaseConnectMs,
    migration: upgradeOptions(catalog, settings.upgradeIncident),
  });
  try {
    const clock = start ? clockStartingAt(start) : systemClock;
    // Every active incident's feeds, each recorded for its own incident; a URL two of them watch is fetched once.
    const shared = new SharedFetches();
    const outcomes: PollOutcome[] = [];
    for (const incident of catalog.active)
      for (const o of await new FeedWatcher({
        feeds: incident.watch,
        store: store.scoped(incident.id),
        clock,
        log,
        shared,
      }).pollAll())
        outcomes.push(catalog.size > 1 ? { ...o, feed: `${incident.id}/${o.feed}` } : o);
    process.stdout.write(`${formatOutcomes(outcomes)}\n`);
    if (copy) process.stdout.write(`${WATCH_COPY_NOTE}\n`);
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
