import { Catalog } from '../../src/incident/catalog';
import { WebPages } from '../../src/web/pages';
import { frontsOf, type Front } from '../../src/web/serve';
import type { IssueRequests } from '../../src/commands/types';
import type { Incident } from '../../src/incident/model';
import type { FollowUpStore } from '../../src/store/repository';
import type { Clock } from '../../src/lib/clock';
import { Metrics } from '../../src/lib/metrics';
import type { HttpSettings } from '../../src/settings';
import { buildSlackApp, startSlackApp, type RunningSlackApp } from '../../src/slack/app';
import { parseIncident } from '../../src/incident/load';
import { FakeSlack } from './fake-slack';
import { datasetWith } from './incident';
import { silent, testStore } from './store';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-0000-secret';

export interface TestBot {
  running: RunningSlackApp;
  /** Refreshes one person's Home tab, as main.ts does after a change from GitHub. */
  refreshHomeOf: (userId: string) => void;
  fake: FakeSlack;
  store: FollowUpStore;
  /** http://127.0.0.1:PORT */
  base: string;
  events: string;
  stop(): Promise<void>;
}

/** The real Bolt app in HTTP mode on a free loopback port, its Web API pointed at a fake Slack. */
export async function startTestBot(
  incident: Incident | Incident[],
  clock: Clock,
  options: {
    realNow?: () => number;
    store?: FollowUpStore;
    admins?: string[];
    /** PUBLIC_URL and WEB_LINK_SECRET: the pages served on the bot's own server, as in HTTP mode. */
    web?: { publicUrl: string; secret: string };
    /** Questions as GitHub issues, and GitHub's webhooks on the bot's server (as main.ts wires them). */
    issues?: IssueRequests;
    front?: Front;
  } = {},
): Promise<TestBot> {
  const store = options.store ?? (await testStore());
  const catalog = new Catalog(Array.isArray(incident) ? incident : [incident]);
  const fake = new FakeSlack();
  const slackApiUrl = await fake.start();
  const settings: HttpSettings = {
    mode: 'http',
    slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET },
    port: 0,
    host: '127.0.0.1',
    slackApiUrl,
    configPath: 'config/incidents',
    admins: options.admins ?? [],
    web: options.web,
    logLevel: 'error',
    database: { kind: 'sqlite', path: ':memory:' },
    shutdownGraceMs: 10_000,
    summitNowStore: 'copy',
    databaseConnectMs: 0,
  };
  const app = buildSlackApp(
    {
      settings,
      catalog,
      clock,
      log: silent,
      store,
      metrics: new Metrics(false),
      pages: frontsOf(
        options.web && new WebPages({ catalog, store, clock, log: silent, ...options.web }),
        options.front,
      ),
      ...(options.issues && { issues: options.issues }),
    },
    { botId: 'BBOT', botUserId: 'UBOT' },
    options.realNow,
  );
  const running = await startSlackApp(app, settings);
  const base = `http://127.0.0.1:${running.port}`;
  return {
    running,
    refreshHomeOf: app.refreshHomeOf,
    fake,
    store,
    base,
    events: `${base}/slack/events`,
    stop: async () => {
      await running.stop();
      await fake.stop();
      await store.close();
    },
  };
}

/** The bot on the default data set with these Slack user ids as its listed admins. */
export async function startBotWithAdmins(admins: string[], clock: Clock): Promise<TestBot> {
  return startTestBot(
    parseIncident(
      datasetWith((d) => d.setIn(['admins'], admins)),
      'summit.yaml',
    ),
    clock,
  );
}
