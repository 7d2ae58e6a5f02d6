import { parseCommand } from '../../../src/commands/registry';
import { CACHE_MAX_BYTES, CACHE_MAX_ENTRIES, handleCommandText, ReplyCache } from '../../../src/commands/handle';
import { toPlainText } from '../../../src/views/render-text';
import { defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, MEMBER, testStore } from '../../helpers/store';

describe('the reply cache', () => {
  test('peek: only a reply already made, for the same version, minute and admin standing', async () => {
    const store = await testStore();
    const cache = new ReplyCache();
    try {
      const at = '2025-01-15T17:00:10Z';
      const version = store.stateVersionNow();
      expect(version).toBeDefined();
      const now = new Date(at);
      expect(cache.peek('crowdstrike-2024', parseCommand('status'), version, now, () => false)).toBeUndefined();
      const made = await handleCommandText('status', contextWith(defaultIncident(), store, at, MEMBER), cache);
      expect(cache.peek('crowdstrike-2024', parseCommand('status'), version, now, () => false)?.reply).toBe(made.reply);
      // Another minute, another version, no version at all (PostgreSQL): a miss.
      expect(
        cache.peek('crowdstrike-2024', parseCommand('status'), version, new Date('2025-01-15T17:01:00Z'), () => false),
      ).toBeUndefined();
      expect(cache.peek('crowdstrike-2024', parseCommand('status'), `${version}x`, now, () => false)).toBeUndefined();
      expect(cache.peek('crowdstrike-2024', parseCommand('status'), undefined, now, () => false)).toBeUndefined();
      // A reply that differs for admins is not given when the standing is not known at once.
      await handleCommandText('questions', contextWith(defaultIncident(), store, at, MEMBER), cache);
      expect(cache.peek('crowdstrike-2024', parseCommand('questions'), version, now, () => undefined)).toBeUndefined();
      expect(cache.peek('crowdstrike-2024', parseCommand('questions'), version, now, () => false)).toBeDefined();
      expect(cache.peek('crowdstrike-2024', parseCommand('questions'), version, now, () => true)).toBeUndefined();
      // A change is never reused.
      expect(cache.peek('crowdstrike-2024', parseCommand('ask Why?'), version, now, () => false)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  test('requests for the same reply at the same time share one making of it', async () => {
    const store = await testStore();
    const incident = defaultIncident();
    const paths: string[] = [];
    const cache = new ReplyCache((path) => paths.push(path));
    try {
      const at = '2025-01-15T17:00:10Z';
      const replies = await Promise.all(
        Array.from({ length: 8 }, () =>
          handleCommandText('questions', contextWith(incident, store, at, MEMBER), cache),
        ),
      );
      expect(new Set(replies.map((r) => r.reply)).size).toBe(1);
      expect(paths.filter((p) => p === 'made')).toHaveLength(1);
      expect(paths).toHaveLength(8);
    } finally {
      await store.close();
    }
  });

  test('reuses a reading reply within the same minute and recorded state, and never across a change', async () => {
    const store = await testStore();
    const incident = defaultIncident();
    const cache = new ReplyCache();
    try {
      const at = '2025-01-15T17:00:10Z';
      const a = await handleCommandText('questions', contextWith(incident, store, at, MEMBER), cache);
      const b = await handleCommandText(
        '/summit questions',
        contextWith(incident, store, '2025-01-15T17:00:50Z', MEMBER),
        cache,
      );
      expect(b.reply).toBe(a.reply);
      // An admin sees buttons: a different entry.
      const admin = await handleCommandText('questions', contextWith(incident, store, at, ADMIN), cache);
      expect(admin.reply).not.toBe(a.reply);
      // A recorded answer changes the version: the next reply shows it at once.
      await handleCommandText('answer Q3 A total at last', contextWith(incident, store, at, ADMIN), cache);
      const c = await handleCommandText('questions all', contextWith(incident, store, at, MEMBER), cache);
      expect(toPlainText(c.reply)).toContain('A total at last');
      const d = await handleCommandText('questions', contextWith(incident, store, at, MEMBER), cache);
      expect(d.reply).not.toBe(a.reply);
      expect(toPlainText(d.reply)).not.toMatch(/Q3 \(/);
      // The next minute is a new entry ("as of" names the minute).
      const e = await handleCommandText(
        'questions',
        contextWith(incident, store, '2025-01-15T17:01:00Z', MEMBER),
        cache,
      );
      expect(e.reply).not.toBe(d.reply);
      // Recording commands are never cached.
      const r1 = await handleCommandText('ask Same?', contextWith(incident, store, at, MEMBER), cache);
      const r2 = await handleCommandText('ask Same?', contextWith(incident, store, at, MEMBER), cache);
      expect(toPlainText(r1.reply)).toContain('Q5');
      expect(toPlainText(r2.reply)).toContain('Q6');
    } finally {
      await store.close();
    }
  });
});

describe('the reply cache stays bounded', () => {
  test('a recorded change drops every reply of the old state; within one state, entries and bytes are capped', async () => {
    const store = await testStore();
    const incident = defaultIncident();
    const cache = new ReplyCache();
    try {
      const at = '2025-01-15T17:00:10Z';
      for (let i = 0; i < 50; i++) {
        await handleCommandText(
          `ask ${'Why is this question so long? '.repeat(16).slice(0, 480)} ${i}`,
          contextWith(incident, store, at, MEMBER),
          cache,
        );
        await handleCommandText('questions all', contextWith(incident, store, at, MEMBER), cache);
      }
      // Each ask moved the version: only the latest state's reply is held, however many rounds ran.
      expect(cache.size.entries).toBe(1);
      // Many distinct cacheable commands within one state: capped.
      for (let i = 0; i < CACHE_MAX_ENTRIES + 50; i++)
        await handleCommandText(`facts t${i}`, contextWith(incident, store, at, MEMBER), cache);
      expect(cache.size.entries).toBeLessThanOrEqual(CACHE_MAX_ENTRIES);
      expect(cache.size.bytes).toBeLessThanOrEqual(CACHE_MAX_BYTES);
      // The next minute starts afresh (each pool when it is next used).
      await handleCommandText('status', contextWith(incident, store, '2025-01-15T17:01:10Z', MEMBER), cache);
      await handleCommandText('facts', contextWith(incident, store, '2025-01-15T17:01:10Z', MEMBER), cache);
      expect(cache.size.entries).toBe(2);
    } finally {
      await store.close();
    }
  });
});

describe('replies made from the data set alone', () => {
  test('outlive a recorded change within their minute; those that read what was recorded do not', async () => {
    const store = await testStore();
    const incident = defaultIncident();
    const cache = new ReplyCache();
    try {
      const at = '2025-01-15T17:00:10Z';
      const help = await handleCommandText('help', contextWith(incident, store, at, MEMBER), cache);
      const status = await handleCommandText('status', contextWith(incident, store, at, MEMBER), cache);
      await handleCommandText('ask Anything new?', contextWith(incident, store, at, MEMBER), cache);
      expect((await handleCommandText('help', contextWith(incident, store, at, MEMBER), cache)).reply).toBe(help.reply);
      const after = await handleCommandText('status', contextWith(incident, store, at, MEMBER), cache);
      expect(after.reply).not.toBe(status.reply);
      expect(toPlainText(after.reply)).toContain('Questions: 3 open, 1 partly answered, 1 answered.');
      // And peek agrees: the help reply is there for any state version, the old status for none.
      expect(cache.peek('crowdstrike-2024', { name: 'help' }, 'any', new Date(at), () => false)?.reply).toBe(
        help.reply,
      );
    } finally {
      await store.close();
    }
  });
});

describe('replies of the data set with what was added in Slack (facts, when, timeline)', () => {
  test('outlive an answer or a question recorded within their minute, not an addition or correction', async () => {
    const store = await testStore();
    const incident = defaultIncident();
    const cache = new ReplyCache();
    try {
      const at = '2025-01-15T17:00:10Z';
      const ctx = () => contextWith(incident, store, at, MEMBER);
      const facts = await handleCommandText('facts', ctx(), cache);
      await handleCommandText('ask Anything new?', ctx(), cache);
      expect((await handleCommandText('facts', ctx(), cache)).reply).toBe(facts.reply);
      await store.scoped(incident.id).recordCuration({
        kind: 'fact',
        itemId: 'fnew01',
        action: 'add',
        entry: { topic: 'outage', text: 'A fact added in Slack.', source: 'cs-pir' },
        actor: ADMIN,
        at: new Date('2025-01-15T17:00:05Z'),
      });
      const after = await handleCommandText('facts', ctx(), cache);
      expect(after.reply).not.toBe(facts.reply);
      expect(toPlainText(after.reply)).toContain('A fact added in Slack.');
    } finally {
      await store.close();
    }
  });
});
