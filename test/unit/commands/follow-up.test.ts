import { MAX_ADDED_QUESTIONS } from '../../../src/commands/run';
import { StoreUnavailableError } from '../../../src/lib/errors';
import { parseIncident } from '../../../src/incident/load';
import type { Incident } from '../../../src/incident/model';
import type { FollowUpStore } from '../../../src/store/repository';
import { datasetWith, defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, MEMBER, runText, testStore } from '../../helpers/store';

const NOW = '2025-01-15T17:00:00Z';

describe('recording follow-ups with /summit', () => {
  let store: FollowUpStore;
  let incident: Incident;
  beforeEach(async () => {
    store = await testStore();
    incident = defaultIncident();
  });
  afterEach(() => store.close());

  const run = (text: string, actor = ADMIN, now = NOW) => runText(text, contextWith(incident, store, now, actor));
  const nothingStored = async () => {
    const s = await store.state();
    expect(s.changes.length + s.questions.length + s.updates.length).toBe(0);
    expect(await store.auditLog()).toEqual([]);
  };

  test('answer marks a question answered, with its source and who', async () => {
    const r = await run('answer Q3 Microsoft never published a total https://example.com/count');
    expect(r.changed).toBe(true);
    expect(r.plain).toContain('Q3 marked answered');
    expect(r.plain).toContain(
      'Microsoft never published a total — example.com <https://example.com/count> (recorded by ada)',
    );
    expect((await run('questions answered')).plain).toMatch(/Q3 \(answered\)/);
    expect((await run('status')).plain).toContain('1 open, 1 partly answered, 2 answered');
  });

  test('partial and reopen, and history lists every change with who and when', async () => {
    await run('partial q4 Vendor choice stays https://example.com/p');
    expect((await run('questions')).plain).toMatch(/Q4 \(partly answered\)/);
    const reopened = await run('reopen Q4 the plan was withdrawn', ADMIN, '2025-01-16T17:00:00Z');
    expect(reopened.plain).toContain('Q4 reopened');
    const h = await run('history Q4', MEMBER, '2025-01-17T00:00:00Z');
    expect(h.plain).toContain('History of Q4');
    expect(h.plain).toMatch(/Thursday, September 12, 2024 — open: No such plan was announced/);
    expect(h.plain).toMatch(
      /Wednesday, January 15, 2025, 9:00 AM PST — partly answered: Vendor choice stays — example.com <https:\/\/example.com\/p> \(recorded by ada\)/,
    );
    expect(h.plain).toMatch(
      /Thursday, January 16, 2025, 9:00 AM PST — reopened: the plan was withdrawn \(recorded by ada\)/,
    );
    expect(h.plain).toContain('now open');
  });

  test('reopening an open question changes nothing', async () => {
    const r = await run('reopen Q3');
    expect(r.changed).toBe(false);
    expect(r.plain).toBe('Q3 is already open. Nothing was changed.');
    await nothingStored();
  });

  test('ask adds an open question with the next free id, for everyone', async () => {
    const r = await run('ask Will Microsoft publish the attendee list?', MEMBER);
    expect(r.plain).toContain('Added Q5 (open): Will Microsoft publish the attendee list?');
    expect((await run('ask And a second one?', MEMBER)).plain).toContain('Added Q6');
    expect((await run('questions', MEMBER)).plain).toMatch(
      /Q5 \(open\) Will Microsoft publish the attendee list\?[\s\S]*Q6 \(open\)/,
    );
    // The question did not exist before it was asked.
    expect((await run('questions all', MEMBER, '2025-01-01T00:00:00Z')).plain).not.toContain('Q5');
    expect((await run('history Q5', MEMBER)).plain).toContain('asked (by bob)');
  });

  test('the data set can restrict ask to admins', async () => {
    incident = parseIncident(
      datasetWith((d) => d.setIn(['permissions', 'ask'], 'admins')),
      't',
    );
    const r = await run('ask Why?', MEMBER);
    expect(r.changed).toBe(false);
    expect(r.plain).toContain('Sorry, only admins can add questions');
    await nothingStored();
    expect((await run('ask Why?', ADMIN)).changed).toBe(true);
  });

  test('update records an update; with an expected-update id that update counts as received', async () => {
    incident = parseIncident(
      datasetWith((d) => {
        d.deleteIn(['expectedUpdates', 0, 'received']);
      }),
      't',
    );
    // An estimate (no date was given) is never "overdue": how long ago the estimate passed is said instead.
    const status = (await run('status')).plain;
    expect(status).toMatch(/Next expected update: .* \(our estimate passed \d+ days ago\)/);
    expect(status).not.toContain('(overdue)');
    const r = await run('update post-summit Microsoft posted its summary https://example.com/summary');
    expect(r.plain).toContain('Recorded an update for post-summit (no longer outstanding)');
    expect((await run('status')).plain).toContain('No expected update is outstanding.');
    await run('update A vendor blog post with no expected id', ADMIN, '2025-01-16T00:00:00Z');
    const updates = (await run('updates', MEMBER, '2025-01-17T00:00:00Z')).plain;
    expect(updates.indexOf('A vendor blog post')).toBeLessThan(updates.indexOf('Microsoft posted its summary'));
    expect(updates).toContain('No expected update is outstanding.');
  });

  test('updates lists the data set updates and what is still expected', async () => {
    const before = (await run('updates', MEMBER, '2024-09-03T00:00:00Z')).plain;
    expect(before).toContain('No update has been recorded yet.');
    expect(before).toMatch(/Still expected:[\s\S]*post-summit/);
    expect((await run('updates', MEMBER)).plain).toContain('Microsoft published what came out of the summit');
  });

  test.each([
    ['answer Q3 yes', 'record answers (or the question’s owner, for their own)'],
    ['partial Q3 some', 'record answers (or the question’s owner, for their own)'],
    ['reopen Q1', 'reopen questions'],
    ['update news', 'record updates'],
  ])('a non-admin gets a polite refusal naming who may, and nothing changes: %s', async (text, what) => {
    incident = parseIncident(
      datasetWith((d) => d.setIn(['admins'], ['U0ADMIN'])),
      't',
    );
    const r = await run(text, MEMBER);
    expect(r.changed).toBe(false);
    expect(r.plain).toBe(
      `Sorry, only admins can ${what}: @U0ADMIN, or a workspace admin or owner. Nothing was changed.`,
    );
    expect(r.json).toContain('<@U0ADMIN>');
    await nothingStored();
  });

  test.each([
    ['answer Q9 yes', 'No question Q9. Open: Q2, Q3, Q4.'],
    ['history Q9', 'No question Q9. Open: Q2, Q3, Q4.'],
    ['answer Q3', 'Write the answer after Q3'],
    ['answer', 'Give a question id such as Q2'],
    ['answer three yes', '"three" is not a question id'],
    ['answer Q3 see javascript:alert(1)', 'The source must be an http:// or https:// URL, not "javascript:alert(1)"'],
    ['answer Q3 see ftp://example.com/x', 'The source must be an http:// or https:// URL'],
    [`answer Q3 ${'x'.repeat(2001)}`, 'The answer is 2001 characters; at most 2000'],
    [`ask ${'x'.repeat(501)}`, 'The question is 501 characters; at most 500'],
    ['ask', 'Write the question after `ask`'],
    ['update', 'Write what the update says after `update`'],
    ['update post-summit', 'Write what the update says after post-summit'],
    ['update news mailto:someone@example.com', 'The source must be an http:// or https:// URL'],
  ])('bad input gets a clear reply and stores nothing: %s', async (text, expected) => {
    const r = await run(text.length > 100 ? text : text, ADMIN);
    expect(r.changed).toBe(false);
    expect(r.plain).toContain(expected);
    await nothingStored();
  });

  test('usage replies show the usage and say nothing changed', async () => {
    const r = await run('answer Q3');
    expect(r.plain).toContain('Usage: /summit answer Q2 <answer> [source URL]');
    expect(r.plain).toContain('Nothing was changed.');
  });

  test.each([
    '<!channel> is this fixed?',
    'ping <@U123> please',
    'see <https://evil.example|bank>',
    '&lt;!channel&gt; escaped by Slack',
  ])('hostile text is stored as typed and shown escaped: %s', async (text) => {
    await run(`ask ${text}`, MEMBER);
    await run(`answer Q5 ${text}`, ADMIN);
    const typed = text.replace('&lt;', '<').replace('&gt;', '>');
    const s = await store.state();
    expect(s.questions[0]?.text).toBe(typed);
    expect(s.changes[0]?.answer).toBe(typed);
    expect(s.changes[0]?.sourceUrl).toBeUndefined();
    for (const view of ['questions', 'history Q5']) {
      const { json } = await run(view, MEMBER);
      expect(json).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
      expect(json).not.toContain('&amp;lt;');
    }
  });

  test('a URL Slack wrapped as <url> is taken as the source', async () => {
    await run('answer Q3 counted <https://example.com/n>');
    expect((await store.state()).changes[0]).toMatchObject({ answer: 'counted', sourceUrl: 'https://example.com/n' });
  });

  test('admins see Record answer buttons on open questions; others do not', async () => {
    const admin = await run('questions', ADMIN);
    expect(admin.json.match(/summit_record_answer"/g)).toHaveLength(3);
    expect((await run('questions', MEMBER)).json).not.toContain('summit_record_answer"');
  });

  test('replies carry the command to share; errors and refusals do not', async () => {
    expect((await run('questions all')).reply.share).toBe('questions all');
    expect((await run('answer Q3 yes')).reply.share).toBe('history Q3');
    expect((await run('answer Q9 yes')).reply.share).toBeUndefined();
    expect((await run('answer Q3 yes', MEMBER)).reply.share).toBeUndefined();
  });
});

describe('a write reply tells the truth', () => {
  test('once the change is committed the reply says recorded, even when reading it back fails', async () => {
    const store = await testStore();
    try {
      let written = false;
      // The store as the command sees it: the write goes through; the read after it fails as in an outage.
      const flaky = new Proxy(store, {
        get(target, prop, receiver) {
          if (prop === 'recordChange')
            return async (...args: Parameters<typeof store.recordChange>) => {
              const r = await target.recordChange(...args);
              written = true;
              return r;
            };
          if (prop === 'state')
            return async () => {
              if (written) throw new StoreUnavailableError({ cause: new Error('connection terminated') });
              return target.state();
            };
          return Reflect.get(target, prop, receiver) as unknown;
        },
      });
      const r = await runText(
        'answer Q3 A total, at last https://example.com/total',
        contextWith(defaultIncident(), flaky, '2025-01-15T17:00:00Z'),
      );
      expect(r.reply.summary).toBe('Q3 marked answered.');
      expect(r.changed).toBe(true);
      expect(r.plain).toContain('Recorded: Q3 marked answered.');
      expect(r.plain).not.toMatch(/unavailable|nothing was recorded/i);
      expect((await store.state()).changes).toMatchObject([
        { questionId: 'Q3', status: 'answered', answer: 'A total, at last' },
      ]);
    } finally {
      await store.close();
    }
  });
});

describe('no silent guess on expected-update ids', () => {
  test('a mistyped id is refused with the closest ids and nothing is recorded; "-" records a general update', async () => {
    const store = await testStore();
    try {
      const ctx = contextWith(defaultIncident(), store, '2024-09-11T17:00:00Z');
      const typo = await runText('update post-sumit Microsoft published https://example.com/p', ctx);
      expect(typo.plain).toContain('post-sumit is not an expected update. Did you mean post-summit?');
      expect(typo.changed).toBe(false);
      const shaped = await runText('update summit-recap Microsoft published', ctx);
      expect(shaped.plain).toContain('summit-recap is not an expected update.');
      expect((await store.state()).updates).toEqual([]);
      const general = await runText('update - post-sumit was a typo, this is news https://example.com/n', ctx);
      expect(general.reply.summary).toBe('Update recorded.');
      const plain = await runText('update Microsoft posted a note', ctx);
      expect(plain.reply.summary).toBe('Update recorded.');
      expect((await store.state()).updates.map((u) => [u.expectedId, u.text])).toEqual([
        [undefined, 'post-sumit was a typo, this is news'],
        [undefined, 'Microsoft posted a note'],
      ]);
      // The expected update is still outstanding, so its nudges go on.
      expect((await runText('updates', ctx)).plain).toContain('Still expected:');
    } finally {
      await store.close();
    }
  });
});

describe('what one member can make the bot store is bounded', () => {
  test(`past ${1000} added questions, ask is refused and nothing is stored`, async () => {
    const store = await testStore();
    try {
      const incident = defaultIncident();
      for (let i = 0; i < MAX_ADDED_QUESTIONS; i++)
        await store.addQuestion(
          { text: `Question ${i}`, actor: MEMBER, at: new Date(NOW) },
          (taken) => `Q${5 + taken.length}`,
        );
      const r = await runText('ask One more?', contextWith(incident, store, NOW, MEMBER));
      expect(r.plain).toMatch(
        /^The question list is full: at most 1,000 questions can be added in Slack\. Nothing was added/,
      );
      expect((await store.state()).questions).toHaveLength(MAX_ADDED_QUESTIONS);
    } finally {
      await store.close();
    }
  });
});
