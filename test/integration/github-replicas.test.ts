import { ManualClock } from '../../src/lib/clock';
import { GitHubWebhooks, signature, WEBHOOK_PATH } from '../../src/tracker/webhook';
import { startPageServer } from '../../src/web/serve';
import { FakeGitHub } from '../helpers/fake-github';
import { githubRig, REPO, type GitHubRig } from '../helpers/github';
import { describePostgres, freshSchema, postgresStore } from '../helpers/postgres';
import { ADMIN, contextWith, runText, silent } from '../helpers/store';

/**
 * Two replicas on one PostgreSQL store: a question asked for on both at once has one issue, a change is sent once,
 * and a webhook delivery sent to both is applied once.
 */
describePostgres('GitHub with two replicas on PostgreSQL', () => {
  const SECRET = 'webhook-secret-0123456789abcdef';
  let schema: { url: string; drop: () => Promise<void> };
  let fake: FakeGitHub;
  let api: string;
  let a: GitHubRig;
  let b: GitHubRig;
  const servers: { port: number; close: () => Promise<void> }[] = [];

  beforeEach(async () => {
    schema = await freshSchema();
    fake = new FakeGitHub();
    fake.repo(REPO, ['incident']);
    api = await fake.start();
    a = await githubRig({ fake, api, store: await postgresStore(schema.url) });
    b = await githubRig({ fake, api, store: await postgresStore(schema.url) });
    for (const rig of [a, b])
      servers.push(
        await startPageServer(
          new GitHubWebhooks({
            secret: SECRET,
            trackers: rig.store.trackers,
            apply: (e) => rig.sync.apply(e, 'webhook'),
            log: silent,
          }),
          0,
          '127.0.0.1',
        ),
      );
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
    await a.stop();
    await b.stop();
    await a.store.close();
    await b.store.close();
    await fake.stop();
    await schema.drop();
  });

  const run = (rig: GitHubRig, text: string) =>
    runText(text, { ...contextWith(rig.incident, rig.store, rig.clock.now(), ADMIN), issues: rig.sync });

  test('asked on both replicas at once: one issue; a change sent by whichever holds the lease, once', async () => {
    const [ra, rb] = await Promise.all([run(a, 'issue Q4'), run(b, 'issue Q4')]);
    await Promise.all([a.drain(), b.drain()]);
    expect(fake.repos.get(REPO)!.issues).toHaveLength(1);
    expect(`${ra.plain}\n${rb.plain}`).toContain('#1');
    for (const rig of [a, b]) rig.clock.set(new ManualClock('2024-09-12T13:00:00Z').now());
    await run(a, 'partial Q4 a first answer');
    await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    expect(fake.repos.get(REPO)!.comments).toHaveLength(1);
  });

  test('one delivery sent to both replicas at once is applied once', async () => {
    await run(a, 'issue Q4');
    await a.drain();
    const payload = fake.closeBy(REPO, 1, 'octo-bob', 'not_planned', 'Out of scope.');
    const body = JSON.stringify(payload);
    const send = (port: number) =>
      fetch(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-github-delivery': '0b1c2d3e-0000-11ef-8000-000000000001',
          'x-hub-signature-256': signature(SECRET, body),
        },
        body,
      });
    const answers = await Promise.all(servers.map((s) => send(s.port)));
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const texts = await Promise.all(answers.map((r) => r.text()));
    expect(texts.filter((t) => t.includes('Applied'))).toHaveLength(1);
    const state = await a.store.scoped(a.incident.id).state();
    expect(state.changes.filter((c) => c.actor.id === 'github:octo-bob')).toHaveLength(1);
  });
});
