import { Catalog } from '../../src/incident/catalog';
import { parseIncident } from '../../src/incident/load';
import type { Incident } from '../../src/incident/model';
import { ManualClock } from '../../src/lib/clock';
import { Metrics } from '../../src/lib/metrics';
import type { FollowUpStore } from '../../src/store/repository';
import { GitHubTracker } from '../../src/tracker/github';
import { TrackerSync } from '../../src/tracker/sync';
import { FakeGitHub } from './fake-github';
import { datasetWith } from './incident';
import { silent, testStore } from './store';

export const REPO = 'example-org/follow-ups';
/** Who is who: GitHub login -> Slack user id. */
export const PEOPLE = { 'octo-ada': 'U0ADMIN', 'octo-bob': 'U0MEMBER' };

/** The default data set with its questions going to REPO. */
export function trackedIncident(github: Record<string, unknown> = {}): Incident {
  return parseIncident(
    datasetWith((d) => d.setIn(['github'], { repo: REPO, labels: ['incident'], people: PEOPLE, ...github })),
    'summit.yaml',
  );
}

export interface GitHubRig {
  fake: FakeGitHub;
  api: string;
  store: FollowUpStore;
  incident: Incident;
  catalog: Catalog;
  clock: ManualClock;
  tracker: GitHubTracker;
  sync: TrackerSync;
  metrics: Metrics;
  /** Runs the sender until nothing is due now. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

/** A fake GitHub with REPO, a store, the default incident tracked in it, and the sender (not started: drain() runs it). */
export async function githubRig(
  options: {
    store?: FollowUpStore;
    incident?: Incident;
    fake?: FakeGitHub;
    api?: string;
    timeoutMs?: number;
    links?: { publicUrl: string; secret: string };
  } = {},
): Promise<GitHubRig> {
  const fake = options.fake ?? new FakeGitHub();
  if (!options.fake) fake.repo(REPO, ['incident', 'follow-up']);
  const api = options.api ?? (await fake.start());
  const store = options.store ?? (await testStore());
  const incident = options.incident ?? trackedIncident();
  const catalog = new Catalog([incident]);
  const clock = new ManualClock('2024-09-12T12:00:00Z');
  const metrics = new Metrics();
  const tracker = new GitHubTracker({
    token: fake.token,
    apiUrl: api,
    log: silent,
    metrics,
    timeoutMs: options.timeoutMs ?? 2_000,
  });
  const sync = new TrackerSync({
    catalog,
    store,
    tracker,
    clock,
    log: silent,
    metrics,
    writeIntervalMs: 0,
    replyWaitMs: 3_000,
    ...(options.links && { links: options.links }),
  });
  return {
    fake,
    api,
    store,
    incident,
    catalog,
    clock,
    tracker,
    sync,
    metrics,
    drain: () => sync.wake(),
    stop: async () => {
      await sync.stop();
      if (!options.fake) await fake.stop();
    },
  };
}
