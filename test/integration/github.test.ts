import { applyFollowUps } from '../../src/core/follow-up';
import { questionAsOf } from '../../src/core/questions';
import { ADMIN, MEMBER, contextWith, runText } from '../helpers/store';
import { BOT_LOGIN } from '../helpers/fake-github';
import { verifyLink } from '../../src/lib/links';
import { calendarIcs } from '../../src/views/calendar';
import { freePort } from '../helpers/process';
import { githubRig, REPO, trackedIncident, type GitHubRig } from '../helpers/github';

/**
 * Questions as GitHub issues, both ways, against a stateful fake GitHub (test/helpers/fake-github.ts) through the
 * real Octokit client: made once, every change sent once, GitHub's changes recorded, none echoed back.
 */

let rig: GitHubRig;
beforeEach(async () => {
  rig = await githubRig();
});
afterEach(() => rig.stop());

const run = (text: string, actor = ADMIN) =>
  runText(text, { ...contextWith(rig.incident, rig.store, rig.clock.now(), actor), issues: rig.sync });

async function question(id: string) {
  const state = await rig.store.scoped(rig.incident.id).state();
  const q = applyFollowUps(rig.incident, state).questions.find((x) => x.id === id)!;
  return questionAsOf(q, rig.clock.now());
}

const issues = () => rig.fake.repos.get(REPO)!.issues;
const comments = () => rig.fake.repos.get(REPO)!.comments;

describe('Slack to GitHub', () => {
  test('/summit issue makes the issue once, and links the same one when asked again', async () => {
    const first = await run('issue Q3');
    expect(first.plain).toContain(`Q3 is now ${REPO.toLowerCase()} #1`);
    expect(issues()).toHaveLength(1);
    const issue = issues()[0]!;
    expect(issue.title).toBe('Q3: Exactly how many devices were affected?');
    expect(issue.body).toContain('Exactly how many devices were affected?');
    expect(issue.body).toContain('<!-- summit-bot:crowdstrike-2024/Q3 -->');
    expect(issue.labels).toEqual(['incident']);
    // Every question line shows its issue from then on.
    expect((await question('Q3')).issue).toEqual({ url: `https://github.com/${REPO}/issues/1`, number: 1 });
    const again = await run('issue Q3');
    expect(again.plain).toContain('Q3 is');
    expect(again.plain).toContain('#1');
    expect(issues()).toHaveLength(1);
    const listed = await run('questions');
    expect(listed.plain).toContain('issue #1');
    const history = await run('history Q3');
    expect(history.plain).toContain('issue #1');
  });

  test('with pages on, the issue links the incident’s page with a token that opens it', async () => {
    const web = { publicUrl: 'https://summit.example.com', secret: 's'.repeat(40) };
    const paged = await githubRig({ fake: rig.fake, api: rig.api, links: web });
    await runText('issue Q4', { ...contextWith(paged.incident, paged.store, paged.clock.now()), issues: paged.sync });
    const body = issues()[0]!.body;
    const token = /\(https:\/\/summit\.example\.com\/incidents\/crowdstrike-2024\?token=([^)]+)\)/.exec(body)?.[1];
    expect(verifyLink(web.secret, token, 'crowdstrike-2024', paged.clock.now().getTime() + 86_400_000).ok).toBe(true);
    await paged.stop();
  });

  test('a member who does not own the question is refused, and nothing is made', async () => {
    const r = await run('issue Q3', MEMBER);
    expect(r.plain).toMatch(/admins/i);
    expect(issues()).toHaveLength(0);
  });

  test('a crash between GitHub’s answer and the bot’s record makes no second issue', async () => {
    // GitHub makes the issue, then the connection drops before its answer arrives (as a SIGKILL would lose it).
    rig.fake.fail('POST', /\/issues$/, 'drop-after');
    const r = await run('issue Q3');
    expect(r.plain).toMatch(/could not be reached|has not answered/);
    expect(issues()).toHaveLength(1);
    // Its next try (after the backoff) looks for the issue by its marker before making one.
    const link = (await rig.store.trackers.link(rig.incident.id, 'Q3'))!;
    expect(link).toMatchObject({ state: 'creating', attempts: 1 });
    expect(link.begunAt).toBeDefined();
    await rig.store.trackers.retry(link, 'test', new Date(0));
    await rig.drain();
    expect(issues()).toHaveLength(1);
    expect((await question('Q3')).issue?.number).toBe(1);
    expect((await run('issue Q3')).plain).toContain('#1');
  });

  test('every change made in Slack is sent once: answer, partial, drop, merge, reopen, owner, due', async () => {
    await run('issue Q3');
    await run('issue Q4');
    const n = (q: number) => issues()[q - 1]!;
    rig.clock.advance(60_000);
    await run('partial Q3 Crash reports show a subset https://example.com/a');
    await run('assign Q3 <@U0MEMBER>');
    await run('due Q3 2024-10-01');
    await rig.drain();
    expect(
      comments()
        .filter((c) => c.issue === 1)
        .map((c) => c.body.split('\n')[0]),
    ).toEqual([
      '**Partly answered** in Slack by ada:',
      '**Owner:** @octo-bob (set in Slack by ada).',
      '**Due:** 2024-10-01 (set in Slack by ada).',
    ]);
    expect(n(1).assignees).toEqual(['octo-bob']);
    rig.clock.advance(60_000);
    await run('answer Q3 8.5 million https://example.com/b');
    await rig.drain();
    expect(n(1)).toMatchObject({ state: 'closed', state_reason: 'completed' });
    rig.clock.advance(60_000);
    await run('reopen Q3 new figures');
    await rig.drain();
    expect(n(1)).toMatchObject({ state: 'open', state_reason: 'reopened' });
    rig.clock.advance(60_000);
    await run('merge Q3 into Q4');
    await rig.drain();
    expect(n(1)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(comments().at(-1)!.body).toContain('**Merged into Q4 (#2)**');
    rig.clock.advance(60_000);
    await run('drop Q4 out of scope');
    await rig.drain();
    expect(n(2)).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(comments().at(-1)!.body).toContain('**Not pursued** in Slack by ada: out of scope');
    // Sent once: every comment carries its own marker, and none twice.
    const markers = comments().map((c) => /<!-- (summit-bot:[^ ]+) -->/.exec(c.body)?.[1]);
    expect(new Set(markers).size).toBe(markers.length);
    // Nothing more to send.
    const before = rig.fake.writes().length;
    await rig.drain();
    expect(rig.fake.writes().length).toBe(before);
  });

  test('a send that died after GitHub took the comment does not comment twice', async () => {
    await run('issue Q3');
    rig.clock.advance(60_000);
    await run('partial Q3 a first figure');
    rig.fake.fail('POST', /\/comments$/, 'drop-after');
    await rig.drain(); // the comment is made; its answer is lost
    expect(comments()).toHaveLength(1);
    // The link's next try is due after its backoff.
    const link = (await rig.store.trackers.link(rig.incident.id, 'Q3'))!;
    expect(link.begunAt).toBeDefined();
    await rig.store.trackers.retry(link, 'test', new Date(0));
    await rig.drain();
    expect(comments()).toHaveLength(1);
    expect((await rig.store.trackers.link(rig.incident.id, 'Q3'))!.changeCursor).toBeGreaterThan(link.changeCursor);
  });
});

describe('GitHub to Slack', () => {
  beforeEach(async () => {
    await run('issue Q3');
    rig.clock.advance(3_600_000);
  });

  test('closed as completed: answered, its text the closer’s last comment, its source the issue, via GitHub', async () => {
    const payload = rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'About 8.5 million, per Microsoft.');
    expect(
      await rig.sync.apply(
        {
          repo: REPO,
          number: 1,
          kind: 'closed',
          reason: 'completed',
          login: 'octo-ada',
          at: new Date(payload.issue.closed_at!),
        },
        'webhook',
      ),
    ).toBe('applied');
    const s = await question('Q3');
    expect(s.status).toBe('answered');
    expect(s.answers[0]).toMatchObject({
      answer: 'About 8.5 million, per Microsoft.',
      sourceUrl: `https://github.com/${REPO}/issues/1`,
    });
    expect(s.answers[0]!.by).toEqual({ id: 'github:octo-ada', name: 'octo-ada via GitHub' });
    const history = await run('history Q3');
    expect(history.plain).toContain('octo-ada via GitHub');
    // Never sent back: no comment, no state change.
    const writes = rig.fake.writes().length;
    await rig.drain();
    expect(rig.fake.writes().length).toBe(writes);
    // Applied once: the same event again changes nothing.
    expect(
      await rig.sync.apply(
        { repo: REPO, number: 1, kind: 'closed', reason: 'completed', login: 'octo-ada', at: new Date() },
        'webhook',
      ),
    ).toBe('ignored');
  });

  test('closed as not planned: not pursued with the reason; reopened: open again; assigned: that owner', async () => {
    rig.fake.closeBy(REPO, 1, 'octo-bob', 'not_planned', 'Nobody will publish a total.');
    await rig.sync.apply(
      {
        repo: REPO,
        number: 1,
        kind: 'closed',
        reason: 'not_planned',
        login: 'octo-bob',
        at: new Date('2024-09-12T12:30:00Z'),
      },
      'webhook',
    );
    let s = await question('Q3');
    expect(s.status).toBe('dropped');
    expect(s.note?.note).toBe('Nobody will publish a total.');
    rig.fake.reopenBy(REPO, 1, 'octo-bob');
    await rig.sync.apply(
      { repo: REPO, number: 1, kind: 'reopened', login: 'octo-bob', at: new Date('2024-09-12T12:40:00Z') },
      'webhook',
    );
    s = await question('Q3');
    expect(s.status).toBe('open');
    await rig.sync.apply(
      {
        repo: REPO,
        number: 1,
        kind: 'assigned',
        login: 'octo-ada',
        assignee: 'octo-bob',
        at: new Date('2024-09-12T12:50:00Z'),
      },
      'webhook',
    );
    s = await question('Q3');
    expect(s.owner).toBe('U0MEMBER');
    // An unknown login changes nothing.
    expect(
      await rig.sync.apply(
        { repo: REPO, number: 1, kind: 'assigned', login: 'octo-ada', assignee: 'stranger', at: new Date() },
        'webhook',
      ),
    ).toBe('ignored');
    await rig.drain();
    expect(comments()).toHaveLength(1); // the closer's comment; nothing from the bot
  });

  test('the bot’s own changes coming back are echoes, and an issue it does not know is ignored', async () => {
    await run('answer Q3 8.5 million https://example.com/b');
    await rig.drain();
    expect(
      await rig.sync.apply({ repo: REPO, number: 1, kind: 'reopened', login: BOT_LOGIN, at: new Date() }, 'webhook'),
    ).toBe('echo');
    expect((await question('Q3')).status).toBe('answered');
    expect(
      await rig.sync.apply(
        { repo: REPO, number: 99, kind: 'closed', reason: 'completed', login: 'octo-ada', at: new Date() },
        'webhook',
      ),
    ).toBe('ignored');
    expect(
      await rig.sync.apply(
        { repo: 'other/repo', number: 1, kind: 'closed', reason: 'completed', login: 'octo-ada', at: new Date() },
        'webhook',
      ),
    ).toBe('ignored');
  });

  test('polling reads further pages while they are full of events newer than the last poll', async () => {
    await rig.sync.pollAll();
    rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'Done, under 250 other events.');
    rig.fake.labelBy(REPO, 1, 'octo-bob', 250);
    await rig.sync.pollAll();
    expect((await question('Q3')).answers[0]?.answer).toBe('Done, under 250 other events.');
    const pages = rig.fake.requests.filter((r) => r.path.endsWith('/issues/events')).slice(-3);
    expect(pages.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  test('a change on GitHub older than the question’s latest change is not applied over it', async () => {
    await run('answer Q3 8.5 million https://example.com/b'); // at 13:00, the rig's clock
    const earlier = new Date(rig.clock.now().getTime() - 60_000);
    expect(
      await rig.sync.apply({ repo: REPO, number: 1, kind: 'reopened', login: 'octo-ada', at: earlier }, 'webhook'),
    ).toBe('ignored');
    expect((await question('Q3')).status).toBe('answered');
  });

  test('the calendar names a due question’s issue', async () => {
    await run('due Q3 2024-10-01');
    const state = await rig.store.scoped(rig.incident.id).state();
    const ics = calendarIcs({
      incident: applyFollowUps(rig.incident, state),
      now: rig.clock.now(),
      pageUrl: 'https://summit.example.com/incidents/crowdstrike-2024',
    });
    expect(ics.replace(/\r\n /g, '')).toContain(`Issue #1: https://github.com/${REPO}/issues/1`);
  });

  test('polling: an unchanged repository costs one conditional request and no rate limit; a close is applied once', async () => {
    await rig.sync.pollAll(); // the first poll: the bot's own events so far
    const remaining = rig.fake.remaining;
    const count = rig.fake.requests.length;
    await rig.sync.pollAll();
    expect(rig.fake.requests.slice(count)).toEqual([
      { method: 'GET', path: `/repos/${REPO}/issues/events`, status: 304, conditional: true },
    ]);
    expect(rig.fake.remaining).toBe(remaining);
    rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'Done: 8.5 million.');
    await rig.sync.pollAll();
    expect((await question('Q3')).status).toBe('answered');
    expect((await question('Q3')).answers[0]!.answer).toBe('Done: 8.5 million.');
    await rig.sync.pollAll();
    const s = await rig.store.scoped(rig.incident.id).state();
    expect(s.changes.filter((c) => c.questionId === 'Q3' && c.actor.id.startsWith('github:'))).toHaveLength(1);
  });
});

describe('faults: a clear sentence, a log line, a metric, nothing lost or made twice', () => {
  const metric = async (result: string) => {
    const text = await rig.metrics.text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('summit_tracker_requests_total') && l.includes(`result="${result}"`));
  };

  test('GitHub down (5xx): the reply says it will be made; the next try makes it once', async () => {
    rig.fake.fail('POST', /\/issues$/, { status: 502 });
    const r = await run('issue Q3');
    expect(r.plain).toContain('GitHub could not be reached for Q3 (GitHub answered 502)');
    expect(r.plain).toContain('will be created');
    expect(issues()).toHaveLength(0);
    expect(await metric('unreachable')).toHaveLength(1);
    const link = (await rig.store.trackers.link(rig.incident.id, 'Q3'))!;
    await rig.store.trackers.retry(link, 'test', new Date(0));
    await rig.drain();
    expect(issues()).toHaveLength(1);
    expect((await run('issue Q3')).plain).toContain('#1');
  });

  test('GitHub down (nothing listening): said so, kept, and made once GitHub is back', async () => {
    const port = await freePort();
    const down = await githubRig({ fake: rig.fake, api: `http://127.0.0.1:${port}` });
    const r = await runText('issue Q3', {
      ...contextWith(down.incident, down.store, down.clock.now()),
      issues: down.sync,
    });
    expect(r.plain).toContain('GitHub could not be reached for Q3 (GitHub could not be reached)');
    expect(r.plain).toContain('will be created');
    expect(issues()).toHaveLength(0);
    expect((await down.store.trackers.link(down.incident.id, 'Q3'))!.state).toBe('creating');
    await down.stop();
    // The same store, GitHub back: the request is made, once.
    const back = await githubRig({ fake: rig.fake, api: rig.api, store: down.store });
    const link = (await back.store.trackers.link(back.incident.id, 'Q3'))!;
    await back.store.trackers.retry(link, 'test', new Date(0));
    await back.drain();
    expect(issues()).toHaveLength(1);
    await back.stop();
  });

  test('a hung connection is given up on within the timeout, and tried again', async () => {
    rig.fake.fail('POST', /\/issues$/, 'hang');
    const started = Date.now();
    const r = await run('issue Q3');
    expect(Date.now() - started).toBeLessThan(3_500 + 500);
    expect(r.plain).toMatch(/GitHub has not answered yet|did not answer within 2 s/);
    await rig.sync.wake();
    expect((await rig.store.trackers.link(rig.incident.id, 'Q3'))!.lastError).toBe('GitHub did not answer within 2 s');
  });

  test('a rate limit (403, x-ratelimit-remaining 0) holds every request until its reset', async () => {
    await run('issue Q3');
    rig.clock.advance(60_000);
    await run('partial Q3 a figure');
    const reset = Math.floor(Date.now() / 1000) + 120;
    rig.fake.fail('POST', /\/comments$/, {
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: { message: 'API rate limit exceeded' },
    });
    await rig.drain();
    const link = (await rig.store.trackers.link(rig.incident.id, 'Q3'))!;
    expect(link.nextAt.getTime()).toBe(reset * 1000);
    expect(link.lastError).toContain('rate limit');
    const count = rig.fake.requests.length;
    await rig.drain(); // held: not one request
    expect(rig.fake.requests.length).toBe(count);
    expect(comments()).toHaveLength(0);
  });

  test('a repository that does not exist (404) and a label that does not (422): refused, nothing made, said why', async () => {
    const missing = await githubRig({
      fake: rig.fake,
      api: rig.api,
      incident: trackedIncident({ repo: 'example-org/gone' }),
    });
    const r1 = await runText('issue Q3', {
      ...contextWith(missing.incident, missing.store, missing.clock.now()),
      issues: missing.sync,
    });
    expect(r1.plain).toContain(
      'No issue was created for Q3 in example-org/gone: GitHub found no such repository or issue (404)',
    );
    await missing.stop();
    const badLabel = await githubRig({ fake: rig.fake, api: rig.api, incident: trackedIncident({ labels: ['nope'] }) });
    const r2 = await runText('issue Q3', {
      ...contextWith(badLabel.incident, badLabel.store, badLabel.clock.now()),
      issues: badLabel.sync,
    });
    expect(r2.plain).toContain('GitHub refused it (422): Validation Failed: labels invalid nope');
    expect(issues()).toHaveLength(0);
    // Asked again once the label exists, it is tried again, and made.
    rig.fake.repos.get(REPO)!.labels.add('nope');
    const r3 = await runText('issue Q3', {
      ...contextWith(badLabel.incident, badLabel.store, badLabel.clock.now()),
      issues: badLabel.sync,
    });
    expect(r3.plain).toContain('Q3 is now');
    expect(issues()).toHaveLength(1);
    await badLabel.stop();
  });

  test('a repository the token cannot reach is named by /summit incidents (and logged at start); the bot carries on', async () => {
    const missing = await githubRig({
      fake: rig.fake,
      api: rig.api,
      incident: trackedIncident({ repo: 'example-org/gone' }),
    });
    await missing.sync.checkRepos();
    const r = await runText('incidents', {
      ...contextWith(missing.incident, missing.store, missing.clock.now()),
      issues: missing.sync,
    });
    expect(r.plain).toContain(
      'issues in example-org/gone — cannot be reached: GitHub found no such repository or issue (404)',
    );
    // Made reachable later (the repository created): the next issue made says so, with no restart.
    rig.fake.repo('example-org/gone', ['incident']);
    await runText('issue Q3', {
      ...contextWith(missing.incident, missing.store, missing.clock.now()),
      issues: missing.sync,
    });
    const later = await runText('incidents', {
      ...contextWith(missing.incident, missing.store, missing.clock.now()),
      issues: missing.sync,
    });
    expect(later.plain).not.toContain('cannot be reached');
    await rig.sync.checkRepos();
    const ok = await run('incidents');
    expect(ok.plain).toContain(`issues in ${REPO}`);
    expect(ok.plain).not.toContain('cannot be reached');
    await missing.stop();
  });

  test('a revoked token (401): the request is kept and said so; an issue deleted later (410): nothing more is sent', async () => {
    const good = rig.fake.token;
    rig.fake.token = 'github_pat_revoked_000000000000000';
    const r = await run('issue Q3');
    expect(r.plain).toContain('GitHub refused the bot’s token (401)');
    expect(r.plain).toContain('will be created');
    rig.fake.token = good;
    const link = (await rig.store.trackers.link(rig.incident.id, 'Q3'))!;
    await rig.store.trackers.retry(link, 'test', new Date(0));
    await rig.drain();
    expect(issues()).toHaveLength(1);
    issues()[0]!.deleted = true;
    rig.clock.advance(60_000);
    await run('partial Q3 a figure');
    await rig.drain();
    expect((await rig.store.trackers.link(rig.incident.id, 'Q3'))!.state).toBe('gone');
    expect((await run('issue Q3')).plain).toContain('was deleted on GitHub');
    // The answer recorded in Slack is kept whatever GitHub did.
    expect((await question('Q3')).status).toBe('partial');
  });
});
