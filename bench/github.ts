import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseDocument } from 'yaml';
import { nextQuestionId } from '../src/core/follow-up';
import { Catalog } from '../src/incident/catalog';
import { parseIncident } from '../src/incident/load';
import { ManualClock } from '../src/lib/clock';
import { openStore } from '../src/store/open';
import { GitHubTracker } from '../src/tracker/github';
import { TrackerSync } from '../src/tracker/sync';
import { FakeGitHub } from '../test/helpers/fake-github';
import { readFileSync } from 'node:fs';

/**
 * Questions as GitHub issues at scale, against the fake GitHub (test/helpers/fake-github.ts) on 127.0.0.1:
 * 1,000 linked questions in one repository; a poll of it unchanged; a burst of 500 changes made in Slack sent
 * at a paced rate to a GitHub that refuses writes made faster. GitHub documents at most 80 content-creating
 * requests a minute (one per 0.75 s) and the bot's pace is one a second; both are scaled down 25 times here, to
 * 40 ms and 30 ms, so the bench takes 20 seconds rather than the 8 minutes 500 writes take at the real pace.
 */

export interface GitHubFigures {
  linked: number;
  linkSeconds: number;
  /** Requests one poll of the unchanged repository made, their statuses, and the rate limit it cost. */
  unchangedPoll: { requests: number; statuses: number[]; rateLimitCost: number };
  /** One pass of the sender over the 1,000 links with nothing to send. */
  idlePassMs: number;
  /** The sender's tick when nothing changed: the pass is skipped. */
  idleTickMs: number;
  burst: {
    changes: number;
    comments: number;
    distinctMarkers: number;
    refusedByLimit: number;
    seconds: number;
    paceMs: number;
    limitGapMs: number;
    floorSeconds: number;
  };
  /** Without the pace: what the limit refused, and that every change still arrived once. */
  unpaced: { changes: number; comments: number; distinctMarkers: number; refusedByLimit: number; seconds: number };
}

const REPO = 'bench-org/follow-ups';
const QUESTIONS = 1000;
const BURST = 500;
const PACE_MS = 40;
const LIMIT_GAP_MS = 30;
const UNPACED = 20;

export async function githubScale(root: string): Promise<GitHubFigures> {
  const log = pino({ level: 'silent' });
  const fake = new FakeGitHub();
  fake.repo(REPO, ['incident']);
  const api = await fake.start();
  const dir = mkdtempSync(path.join(tmpdir(), 'summit-bench-github-'));
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, 'summit.db') }, log);
  const doc = parseDocument(readFileSync(path.join(root, 'config', 'incidents', 'crowdstrike-2024.yaml'), 'utf8'));
  doc.setIn(['github'], { repo: REPO, labels: ['incident'] });
  const incident = parseIncident(doc.toString(), 'bench.yaml');
  const scoped = store.scoped(incident.id);
  const actor = { id: 'U0BENCH', name: 'bench' };
  const clock = new ManualClock('2024-09-12T12:00:00Z');
  for (let i = 0; i < QUESTIONS; i++)
    await scoped.addQuestion({ text: `Follow-up ${i + 1}: what was done?`, actor, at: clock.now() }, (taken) =>
      nextQuestionId(incident, taken),
    );
  const catalog = new Catalog([incident]);
  const tracker = new GitHubTracker({ token: fake.token, apiUrl: api, log });
  // Setting up: the 1,000 issues made without a pace (the fake sets no limit yet).
  const sync = new TrackerSync({
    catalog,
    store,
    tracker,
    clock,
    log,
    writeIntervalMs: 0,
    writesPerHour: Number.POSITIVE_INFINITY,
    replyWaitMs: 0,
  });
  const ids = (await scoped.state()).questions.map((q) => q.questionId);

  // 1,000 linked questions.
  const t0 = performance.now();
  for (const id of ids) await sync.request(incident, id, actor, clock.now());
  await sync.wake();
  const linkSeconds = (performance.now() - t0) / 1000;
  const linked = (await store.trackers.links('linked')).length;

  // A poll of the repository: the first reads its events; the next, unchanged, is one 304 at no cost.
  await sync.pollRepo(REPO);
  const before = fake.requests.length;
  const remaining = fake.remaining;
  await sync.pollRepo(REPO);
  const polled = fake.requests.slice(before);
  const unchangedPoll = {
    requests: polled.length,
    statuses: polled.map((r) => r.status),
    rateLimitCost: remaining - fake.remaining,
  };

  // The sender's whole pass over 1,000 links when nothing is to be sent, and its tick when nothing changed (which
  // skips the pass).
  const idle = performance.now();
  await sync.wake(true);
  const idlePassMs = performance.now() - idle;
  const tick = performance.now();
  await sync.wake();
  const idleTickMs = performance.now() - tick;

  /**
   * `count` changes made in Slack (partly answered), sent by a sender of its own at `paceMs` until all have arrived:
   * the comments they made, their distinct markers, the writes the limit refused, and the seconds it took.
   */
  const burst = async (from: number, count: number, paceMs: number) => {
    const sender = new TrackerSync({ catalog, store, tracker, clock, log, writeIntervalMs: paceMs });
    clock.advance(60_000);
    for (const id of ids.slice(from, from + count))
      await scoped.recordChange({
        questionId: id,
        status: 'partial',
        answer: `Progress on ${id}`,
        actor,
        at: clock.now(),
      });
    const refusedBefore = fake.writesRefused;
    const before = fake.repos.get(REPO)!.comments.length;
    const t = performance.now();
    for (let pass = 0; pass < 900; pass++) {
      await sender.wake();
      if (fake.repos.get(REPO)!.comments.length - before >= count) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seconds = (performance.now() - t) / 1000;
    await sender.stop();
    const made = fake.repos.get(REPO)!.comments.slice(before);
    return {
      changes: count,
      comments: made.length,
      distinctMarkers: new Set(made.map((c) => /<!-- (summit-bot:[^ ]+) -->/.exec(c.body)?.[1])).size,
      refusedByLimit: fake.writesRefused - refusedBefore,
      seconds,
    };
  };
  // 500 changes at the pace, to a GitHub that refuses faster writes (once the first sender has given up its lease).
  await sync.stop();
  fake.minWriteGapMs = LIMIT_GAP_MS;
  const paced = await burst(0, BURST, PACE_MS);
  // The same without the pace, for 20 changes: the limit refuses, each refusal holds the sender (retry-after), and
  // every change still arrives once.
  const unpaced = await burst(BURST, UNPACED, 0);
  await store.close();
  await fake.stop();
  return {
    linked,
    linkSeconds,
    unchangedPoll,
    idlePassMs,
    idleTickMs,
    burst: { ...paced, paceMs: PACE_MS, limitGapMs: LIMIT_GAP_MS, floorSeconds: (BURST * PACE_MS) / 1000 },
    unpaced,
  };
}
