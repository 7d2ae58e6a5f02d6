import { config as loadDotenv } from 'dotenv';
import type { Logger } from 'pino';
import { ConsoleScreen, runConsole, CONSOLE_BANNER } from './console/console';
import { CONSOLE_TARGET } from './commands/run';
import { loadCatalog, upgradeOptions, type BrokenFile, type Catalog } from './incident/catalog';
import { DataSetReloader } from './incident/reload';
import { startReloading, type Reloading } from './scheduler/reloading';
import { noticeBrokenFiles } from './slack/dataset-notice';
import { reservedWords } from './commands/registry';
import { clockStartingAt, systemClock, type Clock } from './lib/clock';
import { ConfigError, isAppError } from './lib/errors';
import { createLogger } from './lib/logger';
import { scrubSecrets } from './lib/secrets';
import { Metrics } from './lib/metrics';
import { parseInstant, readSettings, type SlackSettings } from './settings';
import type { SlackDeps } from './slack/deps';
import { buildSlackApp, startSlackApp, verifyBotToken } from './slack/app';
import { openStore } from './store/open';
import { ConsolePoster } from './scheduler/console-poster';
import { ReminderDelivery, WatermarkWrites } from './scheduler/delivery';
import type { ReminderPoster } from './scheduler/poster';
import { Scheduler } from './scheduler/scheduler';
import { FeedWatcher, SharedFetches } from './watch/watcher';
import { WebPages } from './web/pages';
import { frontsOf, startPageServer } from './web/serve';
import { GitHubTracker } from './tracker/github';
import { AT_ANOTHER_MOMENT, TrackerSync } from './tracker/sync';
import { GitHubWebhooks, WEBHOOK_PATH } from './tracker/webhook';
import { SlackPoster } from './scheduler/slack-poster';
import type { Target } from './store/reminders';
import type { FollowUpStore } from './store/repository';

/**
 * The only file with side effects: reads settings and the data set, then starts one front end (Slack over HTTP,
 * Socket Mode, or the console) and stops it cleanly on SIGTERM/SIGINT.
 */

interface Args {
  at?: string;
  help: boolean;
}

const ASOF_BANNER =
  'Running at another moment (--at or SUMMIT_NOW): you may try every command, but on a copy of the store. Nothing is written back, and the copy is forgotten at exit.';

const USAGE = `Usage: npm start [-- --at <ISO date or instant>]
  --at 2024-09-03   answer as of that moment (same as SUMMIT_NOW); the clock runs on from there
Settings come from the environment or .env: see .env.example.`;

export function parseArgs(argv: string[]): Args {
  const args: Args = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--at') args.at = argv[++i] ?? '';
    else if (a.startsWith('--at=')) args.at = a.slice('--at='.length);
    else throw new ConfigError('settings_invalid', `Unknown argument "${a}".\n${USAGE}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  loadDotenv({ quiet: true });
  const env = { ...process.env };
  if (args.at !== undefined) {
    if (parseInstant(args.at) === undefined)
      throw new ConfigError(
        'settings_invalid',
        `--at: must be an ISO-8601 date or instant such as 2024-09-03, not "${args.at}".`,
      );
    env.SUMMIT_NOW = args.at;
  }
  const settings = readSettings(env);
  // A person at a terminal (rather than a script): the console shows a prompt, and only warnings and errors are
  // logged, since anything chattier would garble it.
  const interactive = settings.mode === 'console' && Boolean(process.stdin.isTTY);
  const quiet = interactive && (settings.logLevel === 'debug' || settings.logLevel === 'info');
  // In the console, log lines are short sentences on standard error, never JSON between a prompt and its reply.
  const log = createLogger(
    quiet ? 'warn' : settings.logLevel,
    settings.mode === 'console' ? 2 : 1,
    settings.mode === 'console',
  );
  processLog = log;
  const catalog = loadCatalog(settings.configPath, reservedWords());
  const migration = upgradeOptions(catalog, settings.upgradeIncident);
  catalog.earlier = migration.legacyIncident;
  const zone = (catalog.sole() ?? catalog.incidents[0])?.zone;
  const start = settings.summitNow === undefined ? undefined : parseInstant(settings.summitNow, zone);
  const clock: Clock = start ? clockStartingAt(start) : systemClock;
  log.debug({ mode: settings.mode, dataset: settings.configPath, now: clock.now().toISOString() }, 'starting');
  // A run at another moment works on a copy of the store, so nothing it does is read back at the real time.
  const copy = start !== undefined && settings.summitNowStore === 'copy';
  if (copy)
    log.info(
      { now: clock.now().toISOString() },
      'running at another moment: working on a copy of the store; nothing is written back',
    );
  const store = await openStore(settings.database, log, {
    connectMs: settings.databaseConnectMs,
    copy,
    migration,
  });
  // The incidents' pages and calendars, when PUBLIC_URL is set: on Slack's own server in HTTP mode, else on PORT.
  const pages = settings.web
    ? new WebPages({
        catalog,
        store,
        clock,
        log,
        secret: settings.web.secret,
        publicUrl: settings.web.publicUrl,
        trustedProxies: settings.web.trustedProxies,
      })
    : undefined;
  const metrics = new Metrics();
  // Questions as GitHub issues (GITHUB_TOKEN): the sender, and GitHub's changes by webhook or by polling; started
  // once the front end is up, so a start that stops has sent and applied nothing. A run at another moment on a copy
  // of the store leaves GitHub alone: its issues are real.
  const github =
    settings.github && !copy
      ? gitHubOf(settings.github, { catalog, store, clock, log, metrics, web: settings.web })
      : undefined;
  const issues = settings.github && copy ? AT_ANOTHER_MOMENT : github?.sync;
  const front = frontsOf(pages, github?.webhooks);
  const ownServer =
    front && settings.mode !== 'http' ? await startPageServer(front, settings.port, settings.host) : undefined;
  try {
    if (settings.mode === 'console') {
      process.stderr.write(`${CONSOLE_BANNER}\n`);
      if (copy) process.stderr.write(`${ASOF_BANNER}\n`);
      if (catalog.size > 1)
        process.stderr.write(
          `${catalog.size} incidents: ${catalog.incidents.map((i) => i.id).join(', ')}. Type "use <id>" to choose one, or name it first ("${catalog.incidents[0]?.id ?? ''} facts").\n`,
        );
      if (ownServer && pages)
        process.stderr.write(
          `Pages on http://${settings.host ?? '127.0.0.1'}:${ownServer.port}/incidents/<id> (links with "link" and "calendar", made for ${settings.web?.publicUrl ?? ''}).\n`,
        );
      if (ownServer && github?.webhooks)
        process.stderr.write(
          `GitHub's webhooks on http://${settings.host ?? '127.0.0.1'}:${ownServer.port}${WEBHOOK_PATH}.\n`,
        );
      const screen = new ConsoleScreen(process.stdout, interactive);
      if (github) github.sync.onChange = (c) => screen.print(`${c.incidentId} ${c.questionId} ${c.what}.\n`);
      const schedule = () =>
        startScheduler({ catalog, clock, store, log }, new ConsolePoster(screen), [CONSOLE_TARGET]);
      let scheduler: Scheduler | undefined;
      // In the console the findings of a broken file are logged (to the terminal): there is no one to DM.
      const reloading = reloadDataSets(
        settings.configPath,
        settings.reloadMs,
        { catalog, store, log },
        {
          onChange: async () => {
            await scheduler?.stop();
            if (scheduler) scheduler = schedule();
          },
          onBroken: async () => undefined,
        },
      );
      // The incidents started in Slack join the data sets' before anything is served.
      await reloading.check();
      scheduler = schedule();
      github?.sync.start();
      try {
        await runConsole({
          catalog,
          clock,
          store,
          input: process.stdin,
          screen,
          interactive,
          links: settings.web,
          ...(issues && { issues }),
        });
        // With pages on, piped input's end does not end them: a newcomer opens the links the pipe asked for.
        if (ownServer && pages && !interactive) {
          process.stderr.write(
            `The input has ended; the pages stay up on http://${settings.host ?? '127.0.0.1'}:${ownServer.port}/incidents/<id> until Ctrl-C (or SIGTERM).\n`,
          );
          await waitForSignal(log);
        }
      } finally {
        await reloading.stop();
        await scheduler.stop();
      }
      return;
    }
    if (ownServer)
      log.info(
        {
          port: ownServer.port,
          ...(pages && { pages: '/incidents/<id>' }),
          ...(github?.webhooks && { github: WEBHOOK_PATH }),
        },
        'served beside Slack',
      );
    await runSlack(settings, {
      catalog,
      clock,
      store,
      log,
      metrics,
      onFatal: fail,
      pages: front,
      ...(issues && { issues }),
      ...(github && { tracker: github.sync }),
    });
  } finally {
    await github?.sync.stop();
    await ownServer?.close();
    await store.close();
  }
}

async function runSlack(
  settings: SlackSettings,
  deps: Omit<SlackDeps, 'settings'> & { tracker?: TrackerSync },
): Promise<void> {
  const { log } = deps;
  if (settings.mode === 'socket' && settings.signingSecretIgnored)
    log.info('Socket Mode was chosen because SLACK_APP_TOKEN is set; SLACK_SIGNING_SECRET is not used in Socket Mode');
  const identity = await verifyBotToken(settings, log);
  const app = buildSlackApp({ ...deps, settings }, identity);
  if (deps.tracker)
    deps.tracker.onChange = (c) => {
      if (c.owner !== undefined && !c.owner.startsWith('@')) app.refreshHomeOf(c.owner);
    };
  const poster = new SlackPoster(settings.slack.botToken, settings.slackApiUrl, log);
  let scheduler: Scheduler | undefined;
  const reloading = reloadDataSets(settings.configPath, settings.reloadMs, deps, {
    onChange: async () => {
      await scheduler?.stop();
      if (scheduler) scheduler = startScheduler(deps, poster, [], deps.metrics);
    },
    onBroken: (broken) =>
      noticeBrokenFiles(
        { client: app.app.client, store: deps.store, catalog: deps.catalog, admins: settings.admins, log },
        broken,
      ),
  });
  // The incidents started in Slack join the data sets' before anything is served.
  await reloading.check();
  const running = await startSlackApp(app, settings);
  scheduler = startScheduler(deps, poster, [], deps.metrics);
  deps.tracker?.start();
  runningSince = Date.now();
  log.info(
    settings.mode === 'http'
      ? { mode: 'http', port: running.port, team: identity.team, events: '/slack/events', health: '/healthz' }
      : { mode: 'socket', team: identity.team },
    'summit-bot is running',
  );
  await waitForSignal(log);
  // Stop taking new work, then give the work in flight (replies, Home refreshes, deliveries) the grace period.
  // Whatever is still running then is abandoned safely: a delivery's claim is leased, and the next process looks in
  // the channel's history before posting it again.
  const finished = await withinGrace(
    Promise.all([running.stop(), reloading.stop(), scheduler.stop()]).then(() => true),
    settings.shutdownGraceMs,
  );
  if (finished) log.info('stopped');
  else
    log.warn(
      { graceMs: settings.shutdownGraceMs, inFlight: running.inFlight() },
      'stopped: work still in flight after the grace period was abandoned',
    );
}

/**
 * GitHub, when GITHUB_TOKEN is set: the sender of what Slack changed, and what GitHub changed coming back by webhook
 * (GITHUB_WEBHOOK_SECRET) or by polling. Nothing runs until the front end calls `sync.start()`, which also tries
 * every repository the data sets name (one the token cannot reach is logged and named by /summit incidents); a
 * webhook delivery before then is answered 503.
 */
function gitHubOf(
  settings: NonNullable<ReturnType<typeof readSettings>['github']>,
  deps: {
    catalog: Catalog;
    store: FollowUpStore;
    clock: Clock;
    log: Logger;
    metrics: Metrics;
    web?: { publicUrl: string; secret: string };
  },
): { sync: TrackerSync; webhooks?: GitHubWebhooks } {
  const tracker = new GitHubTracker({
    token: settings.token,
    apiUrl: settings.apiUrl,
    log: deps.log,
    metrics: deps.metrics,
  });
  const sync = new TrackerSync({
    catalog: deps.catalog,
    store: deps.store,
    tracker,
    clock: deps.clock,
    log: deps.log,
    metrics: deps.metrics,
    links: deps.web,
    ...(settings.webhookSecret === undefined && { pollMs: settings.pollMs }),
  });
  const webhooks =
    settings.webhookSecret === undefined
      ? undefined
      : new GitHubWebhooks({
          secret: settings.webhookSecret,
          trackers: deps.store.trackers,
          apply: (event) => sync.apply(event, 'webhook'),
          ready: () => sync.started,
          log: deps.log,
          metrics: deps.metrics,
        });
  return { sync, ...(webhooks && { webhooks }) };
}

/** Resolves true when `work` finishes within `ms`, false when the time runs out first (the work is left to die). */
function withinGrace(work: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.catch(() => true), late]).finally(() => clearTimeout(timer));
}

/**
 * The one scheduler: for each active incident, its deliveries and its feeds' watcher, on that incident's records.
 * Closed incidents plan no reminders and watch no feeds. A feed URL several incidents watch is fetched once a tick.
 */
function startScheduler(
  deps: { catalog: Catalog; clock: Clock; store: FollowUpStore; log: Logger },
  poster: ReminderPoster,
  fixedTargets: Target[] = [],
  metrics?: Metrics,
): Scheduler {
  const shared = new SharedFetches();
  const watermarks = new WatermarkWrites();
  const work = deps.catalog.active.map((incident) => {
    const scoped = { ...deps, incident, store: deps.store.scoped(incident.id) };
    return {
      incidentId: incident.id,
      delivery: new ReminderDelivery({ ...scoped, poster, fixedTargets, metrics, watermarks }),
      ...(incident.watch.length > 0 && {
        watcher: new FeedWatcher({ feeds: incident.watch, ...scoped, metrics, shared }),
      }),
      busy: incident.reminders !== undefined || incident.watch.length > 0,
    };
  });
  const scheduler = new Scheduler(work, deps.log, metrics, undefined, shared, watermarks);
  if (work.some((w) => w.busy)) scheduler.start();
  return scheduler;
}

/**
 * Data set files edited while the bot runs (SUMMIT_RELOAD_SECONDS; 0: read at start only): checked on a timer, the
 * scheduler started again on the new incidents, a broken file's findings logged and passed on.
 */
function reloadDataSets(
  where: string,
  everyMs: number | undefined,
  deps: { catalog: Catalog; store: FollowUpStore; log: Logger },
  on: { onChange: () => Promise<void>; onBroken: (broken: BrokenFile[]) => Promise<void> },
): Reloading {
  const reloader = new DataSetReloader(where, deps.catalog, reservedWords());
  return startReloading({
    reloader,
    started: () => deps.store.startedIncidents(),
    everyMs: everyMs ?? 0,
    log: deps.log,
    ...on,
  });
}

function waitForSignal(log: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

/** Set once the bot is serving: from then on, a stray rejection is logged rather than fatal (see below). */
let runningSince: number | undefined;
let processLog: Logger | undefined;

function fail(error: unknown): never {
  if (isAppError(error)) {
    process.stderr.write(`summit-bot: ${scrubSecrets(error.message)}\n`);
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`summit-bot: unexpected error: ${scrubSecrets(message)}\n`);
  process.exit(1);
}

/**
 * The unhandled-rejection policy. During start-up every rejection ends the process (exit 1, or the error's own exit
 * code) with a sentence. Once the bot is serving, a rejection that nobody awaited (a library's background promise:
 * a malformed Socket Mode envelope, a dropped connection) is logged with its code and the bot carries on: the
 * operation it belonged to has already failed, and nothing the bot holds is left half-changed. A rejected Slack
 * credential still ends the process (AppError with an exit code), since the bot cannot serve without it.
 * An uncaught exception always ends the process: the state it was thrown from cannot be trusted.
 */
process.on('unhandledRejection', (error: unknown) => {
  if (runningSince !== undefined && processLog && !isAppError(error)) {
    processLog.error({ err: error }, 'unhandled rejection (logged; the bot carries on)');
    return;
  }
  fail(error);
});
process.on('uncaughtException', fail);
main().then(
  () => process.exit(0),
  (error) => fail(error),
);
