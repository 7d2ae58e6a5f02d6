import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nextQuestionId } from '../../../src/core/follow-up';
import { HELD_COMMANDS_PER_USER, REQUEST_KEY_TTL_MS, type FollowUpStore } from '../../../src/store/repository';
import { readState } from '../../../src/store/state-read';
import { defaultIncident } from '../../helpers/incident';
import { freshSchema, postgresStore, TEST_DATABASE_URL } from '../../helpers/postgres';
import { ADMIN, MEMBER, testStore } from '../../helpers/store';

/**
 * The store's behaviour, the same tests on each dialect: SQLite on a real file always, PostgreSQL when
 * TEST_DATABASE_URL is set (each run in a schema of its own).
 */
interface Dialect {
  name: string;
  /** Prepares a database and returns how to open a store on it (again, as after a restart). */
  setup: () => Promise<{ open: () => Promise<FollowUpStore>; teardown: () => Promise<void> }>;
}

const dialects: Dialect[] = [
  {
    name: 'sqlite',
    setup: async () => {
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'summit-repo-')), 'summit.db');
      return { open: () => testStore(file), teardown: async () => undefined };
    },
  },
];
if (TEST_DATABASE_URL) {
  dialects.push({
    name: 'postgres',
    setup: async () => {
      const { url, drop } = await freshSchema();
      return { open: () => postgresStore(url), teardown: drop };
    },
  });
}

describe.each(dialects)('the store on $name', ({ name, setup }) => {
  let open: () => Promise<FollowUpStore>;
  let teardown: () => Promise<void>;
  let store: FollowUpStore;
  const at = (s: string) => new Date(s);
  /** A partial answer to Q3, as the tests that only need some write record it. */
  const partialAnswer = () =>
    store.recordChange({ questionId: 'Q3', status: 'partial', answer: 'a', actor: ADMIN, at: at('2025-01-01') });

  beforeEach(async () => {
    ({ open, teardown } = await setup());
    store = await open();
  });
  afterEach(async () => {
    await store.close().catch(() => undefined);
    await teardown();
  });

  test('migrations run twice change nothing, and what was written survives a restart', async () => {
    await store.recordChange({
      questionId: 'Q3',
      status: 'answered',
      answer: 'A',
      sourceUrl: 'https://example.com/a',
      actor: ADMIN,
      at: at('2025-01-01T00:00:00Z'),
    });
    await store.addQuestion({ text: 'New?', actor: MEMBER, at: at('2025-01-02T00:00:00Z') }, () => 'Q5');
    await store.recordUpdate({
      expectedId: 'post-summit',
      text: 'U',
      url: 'https://example.com/u',
      actor: ADMIN,
      at: at('2025-01-03T00:00:00Z'),
    });
    const before = await store.state();
    await store.close();
    store = await open();
    await store.close();
    store = await open();
    expect(await store.state()).toEqual(before);
    expect((await store.auditLog()).map((a) => a.action)).toEqual([
      'question.answered',
      'question.added',
      'update.recorded',
    ]);
  });

  test('every write reads back as plain records, in time order', async () => {
    await store.recordChange({
      questionId: 'Q4',
      status: 'partial',
      answer: 'second',
      actor: ADMIN,
      at: at('2025-01-02T00:00:00Z'),
    });
    await store.recordChange({
      questionId: 'Q4',
      status: 'partial',
      answer: 'first',
      actor: ADMIN,
      at: at('2025-01-01T00:00:00Z'),
    });
    await store.recordChange({
      questionId: 'Q4',
      status: 'open',
      note: 'again',
      actor: MEMBER,
      at: at('2025-01-03T00:00:00Z'),
    });
    const s = await store.state();
    expect(s.changes.map((c) => [c.answer ?? c.note, c.status, c.actor.name, typeof c.id])).toEqual([
      ['first', 'partial', 'ada', 'number'],
      ['second', 'partial', 'ada', 'number'],
      ['again', 'open', 'bob', 'number'],
    ]);
  });

  test('next free question ids stay distinct under concurrent adds', async () => {
    const incident = defaultIncident();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.addQuestion({ text: `q${i}`, actor: MEMBER, at: new Date() }, (taken) => nextQuestionId(incident, taken)),
      ),
    );
    expect(new Set(results.map((r) => ('added' in r ? r.added.questionId : r.alreadyTracked))).size).toBe(8);
  });

  test('an id another process took after the last read is refused whole (no audit row), and the next one is used', async () => {
    const incident = defaultIncident();
    const next = (taken: string[]) => nextQuestionId(incident, taken);
    await store.addQuestion({ text: 'First?', actor: MEMBER, at: at('2025-01-02') }, next);
    const kept = await store.state();
    const second = await open();
    try {
      const theirs = await second.addQuestion({ text: 'Theirs?', actor: ADMIN, at: at('2025-01-03') }, next);
      // This process picks from the state it read before that: first the id just taken, then the next one.
      const picks: string[] = [];
      const mine = await store.addQuestion({ text: 'Mine?', actor: MEMBER, at: at('2025-01-04') }, (taken) => {
        picks.push(next(taken));
        return picks.at(-1) as string;
      });
      const ids = [theirs, mine].map((r) => ('added' in r ? r.added.questionId : ''));
      expect(kept.questions).toHaveLength(1);
      expect(picks).toEqual([ids[0], ids[1]]);
      expect(ids[0]).not.toBe(ids[1]);
      await new Promise((r) => setTimeout(r, 20));
      expect((await store.state()).questions.map((q) => [q.questionId, q.text])).toEqual([
        [expect.any(String), 'First?'],
        [ids[0], 'Theirs?'],
        [ids[1], 'Mine?'],
      ]);
      // The refused insert left nothing behind: one audit row per question added.
      const added = (await store.auditLog()).filter((e) => e.action === 'question.added');
      expect(added.map((e) => e.subject).sort()).toEqual(
        (await store.state()).questions.map((q) => q.questionId).sort(),
      );
    } finally {
      await second.close();
    }
  });

  test('subscriptions: subscribe, again, unsubscribe, statuses, with an audit row each', async () => {
    const c = { kind: 'channel' as const, id: 'C1' };
    expect(await store.reminders.subscribe(c, ADMIN, at('2025-01-01T00:00:00Z'))).toBe(true);
    expect(await store.reminders.subscribe(c, ADMIN, at('2025-01-01T00:01:00Z'))).toBe(false);
    await store.reminders.setStatus(c, 'broken', 'not_in_channel', at('2025-01-02T00:00:00Z'));
    expect(await store.reminders.subscription(c)).toMatchObject({
      status: 'broken',
      reason: 'not_in_channel',
      createdBy: ADMIN.id,
    });
    expect(await store.reminders.subscribe(c, MEMBER, at('2025-01-03T00:00:00Z'))).toBe(true);
    expect(await store.reminders.unsubscribe(c, MEMBER, at('2025-01-04T00:00:00Z'))).toBe(true);
    expect(await store.reminders.subscriptions('active')).toEqual([]);
    expect((await store.auditLog()).map((a) => a.action)).toEqual([
      'subscription.added',
      'subscription.broken',
      'subscription.added',
      'subscription.removed',
    ]);
  });

  test('a claim is atomic: of many racing claims exactly one wins', async () => {
    const now = at('2025-01-01T00:00:00Z');
    const other = await open();
    try {
      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? store : other).reminders.claim('k1', 'channel:C1', now, 60_000)),
      );
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  test('held commands: only their author gets one back, within a day, and each person keeps at most 50', async () => {
    const t0 = at('2026-12-01T10:00:00Z');
    const first = await store.holdCommand('U0ONE', 'ask Why?', t0);
    expect(await store.heldCommand(first, 'U0ONE', t0)).toBe('ask Why?');
    expect(await store.heldCommand(first, 'U0TWO', t0)).toBeUndefined();
    expect(await store.heldCommand(first, 'U0ONE', at('2026-12-02T10:00:01Z'))).toBeUndefined();
    const refs: string[] = [];
    for (let i = 0; i < HELD_COMMANDS_PER_USER + 5; i++)
      refs.push(await store.holdCommand('U0MANY', `ask ${i}?`, new Date(t0.getTime() + i * 1000)));
    expect(await store.heldCommand(refs[0] as string, 'U0MANY', t0)).toBeUndefined();
    expect(await store.heldCommand(refs.at(-1) as string, 'U0MANY', t0)).toBe(`ask ${HELD_COMMANDS_PER_USER + 4}?`);
    expect(await store.heldCommand(refs[5] as string, 'U0MANY', t0)).toBe('ask 5?');
    // Another person's are not touched.
    expect(await store.heldCommand(first, 'U0ONE', t0)).toBe('ask Why?');
  });

  test('a claim is taken over only after its lease; a retry only when due; sent is final', async () => {
    const r = store.reminders;
    const t0 = at('2025-01-01T00:00:00Z');
    expect(await r.claim('k', 'T', t0, 60_000)).toEqual({
      claimed: true,
      takeover: false,
      attempts: 1,
      mayHavePosted: false,
    });
    expect(await r.claim('k', 'T', at('2025-01-01T00:00:30Z'), 60_000)).toEqual({ claimed: false });
    // Its holder never began a post: taken over without a look.
    expect(await r.claim('k', 'T', at('2025-01-01T00:01:01Z'), 60_000)).toEqual({
      claimed: true,
      takeover: true,
      attempts: 2,
      mayHavePosted: false,
    });
    // This holder begins one and fails: the next attempt looks first.
    await r.markPosting('k', 'T', at('2025-01-01T00:01:01Z'));
    await r.markRetry('k', 'T', at('2025-01-01T00:05:00Z'), 'rate limited', at('2025-01-01T00:01:02Z'));
    expect(await r.claim('k', 'T', at('2025-01-01T00:04:59Z'), 60_000)).toEqual({ claimed: false });
    expect(await r.claim('k', 'T', at('2025-01-01T00:05:00Z'), 60_000)).toEqual({
      claimed: true,
      takeover: false,
      attempts: 3,
      mayHavePosted: true,
    });
    await r.markSent('k', 'T', 'C1', '1.2', at('2025-01-01T00:05:01Z'));
    expect(await r.claim('k', 'T', at('2025-02-01T00:00:00Z'), 60_000)).toEqual({ claimed: false });
    expect(await r.delivery('k', 'T')).toMatchObject({ status: 'sent', channel: 'C1', messageTs: '1.2', attempts: 3 });
    expect(await r.recordSkipped('k', 'T', 'late', at('2025-02-01T00:00:00Z'))).toBe(false);
    expect(await r.recordSkipped('k2', 'T', 'late', at('2025-02-01T00:00:00Z'))).toBe(true);
  });

  test('the watermark only moves forward; snoozes are kept per series and target', async () => {
    const r = store.reminders;
    expect(await r.watermark()).toBeUndefined();
    await r.advanceWatermark(at('2025-01-02T00:00:00Z'));
    await r.advanceWatermark(at('2025-01-01T00:00:00Z'));
    expect((await r.watermark())?.toISOString()).toBe('2025-01-02T00:00:00.000Z');
    await r.snooze('countdown', 'channel:C1', at('2025-01-03T00:00:00Z'), ADMIN, at('2025-01-02T00:00:00Z'));
    await r.snooze('countdown', 'channel:C1', at('2025-01-04T00:00:00Z'), ADMIN, at('2025-01-03T00:00:00Z'));
    expect((await r.snoozes()).get('countdown channel:C1')?.toISOString()).toBe('2025-01-04T00:00:00.000Z');
  });

  test("the state version moves with every recorded change, this process's at once and another's soon after", async () => {
    const first = await store.stateVersion();
    await partialAnswer();
    const own = await store.stateVersion();
    expect(own).not.toBe(first);
    // Another process or replica (another connection to the same database) records a change.
    const other = await open();
    try {
      await other.reminders.subscribe({ kind: 'channel', id: 'C0OTHER' }, ADMIN, at('2025-01-02'));
      await new Promise((r) => setTimeout(r, 10)); // past the freshness of a read (5 ms on SQLite, 2 on PostgreSQL)
      expect(await store.stateVersion()).not.toBe(own);
    } finally {
      await other.close();
    }
  });

  test('a request key is claimed once within its time, and again (as new) once past it, cleared or not', async () => {
    const t0 = at('2026-12-01T10:00:00Z');
    const later = (ms: number) => new Date(t0.getTime() + ms);
    expect(await store.claimRequest('v0=k1', t0)).toBe(true);
    expect(await store.claimRequest('v0=k1', later(1000))).toBe(false);
    expect(await store.claimRequest('v0=k2', later(30_000))).toBe(true);
    // Past the key's time, within the minute in which old keys are not deleted again: claimed as new.
    expect(await store.claimRequest('v0=k1', later(REQUEST_KEY_TTL_MS + 1))).toBe(true);
    expect(await store.claimRequest('v0=k1', later(REQUEST_KEY_TTL_MS + 2))).toBe(false);
    // And once old keys were deleted, the same.
    expect(await store.claimRequest('v0=k2', later(REQUEST_KEY_TTL_MS + 120_000))).toBe(true);
    expect(await store.claimRequest('v0=k2', later(REQUEST_KEY_TTL_MS + 120_001))).toBe(false);
  });

  test('requests that ask for the state together after a change share one read of it', async () => {
    const mine = store.scoped('crowdstrike-2024');
    await mine.state();
    // Another process's change (this one's own needs no read at all, below).
    const second = await open();
    await second.recordChange({ questionId: 'Q3', status: 'partial', answer: 'a', actor: ADMIN, at: at('2025-01-01') });
    await second.close();
    await new Promise((r) => setTimeout(r, 20));
    const reads = jest.spyOn(Object.getPrototypeOf(mine) as { readState: () => unknown }, 'readState');
    try {
      const states = await Promise.all(Array.from({ length: 20 }, () => mine.state()));
      expect(reads).toHaveBeenCalledTimes(1);
      expect(new Set(states).size).toBe(1);
      expect(states[0]?.changes.map((c) => c.answer)).toEqual(['a']);
    } finally {
      reads.mockRestore();
    }
  });

  test('a write of this process moves the state version once: on PostgreSQL its notification, arriving after, changes nothing', async () => {
    const before = store.stateVersionNow();
    expect(before).toBeDefined();
    await partialAnswer();
    const after = store.stateVersionNow();
    expect(after).not.toBe(before);
    // Past the notification's round trip (and SQLite's 5 ms): the same version.
    await new Promise((r) => setTimeout(r, 300));
    expect(store.stateVersionNow()).toBe(after);
    if (name === 'postgres') {
      // The incident versions it read inside the write serve the next state read: no read of them after it.
      const queries = jest.spyOn(store.db, 'selectFrom');
      try {
        expect((await store.state()).changes.map((c) => c.answer)).toEqual(['a']);
        expect(queries.mock.calls.map(([table]) => table)).not.toContain('incident_version');
      } finally {
        queries.mockRestore();
      }
    }
  });

  test('on PostgreSQL, a write whose notification comes back before its versions are read still moves the state version once', async () => {
    if (name !== 'postgres') return;
    // The write commits on its own (one statement) and its versions are read after it: that read is held back here
    // until the notification has arrived (the watch's round trip takes about a millisecond on this server), and
    // less than the longest the count is held for a write in flight (50 ms).
    const original = store.db.selectFrom.bind(store.db) as (from: string) => object;
    let held = 0;
    const delayed = (builder: object): object =>
      new Proxy(builder, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function') return value;
          if (prop === 'execute')
            return async () => {
              await new Promise((r) => setTimeout(r, 30));
              return (value as () => Promise<unknown>).call(target);
            };
          return (...args: unknown[]) => delayed((value as (...a: unknown[]) => object).apply(target, args));
        },
      });
    const spy = jest
      .spyOn(store.db, 'selectFrom')
      .mockImplementation(((from: string) =>
        from === 'state_version as s' ? ((held += 1), delayed(original(from))) : original(from)) as never);
    const seen = new Set([store.stateVersionNow()]);
    const sampler = setInterval(() => seen.add(store.stateVersionNow()), 1);
    try {
      await partialAnswer();
      seen.add(store.stateVersionNow());
      await new Promise((r) => setTimeout(r, 300));
      seen.add(store.stateVersionNow());
    } finally {
      clearInterval(sampler);
      spy.mockRestore();
    }
    expect(held).toBe(1);
    // Before the write, and after it: nothing between.
    expect(seen.size).toBe(2);
    expect((await store.state()).changes.map((c) => c.answer)).toEqual(['a']);
  });

  test('subscriptions and snoozes read are kept until a process changes them: this one at once, another soon after', async () => {
    const r = store.reminders;
    const target = { kind: 'channel' as const, id: 'C0KEEP' };
    expect(await r.subscription(target)).toBeUndefined();
    expect(await r.snoozes()).toEqual(new Map());
    // Asked again, nothing changed: no query.
    const queries = jest.spyOn(store.db, 'selectFrom');
    try {
      await partialAnswer();
      queries.mockClear();
      expect(await r.subscription(target)).toBeUndefined();
      expect(await r.snoozes()).toEqual(new Map());
      expect(queries.mock.calls.map(([table]) => table)).toEqual([]);
    } finally {
      queries.mockRestore();
    }
    // This process subscribes: seen at once.
    await r.subscribe(target, ADMIN, at('2025-01-02'));
    expect((await r.subscription(target))?.status).toBe('active');
    // Another process (another connection) disables it and snoozes a series: seen soon after.
    const other = await open();
    try {
      await other.reminders.setStatus(target, 'disabled', 'archived', at('2025-01-03'));
      await other.reminders.snooze('countdown', 'channel:C0KEEP', at('2025-01-05'), ADMIN, at('2025-01-04'));
      const until = Date.now() + 3000;
      // Both are waited for: a read made in the 5 ms before the other connection's commit shows (SQLite's
      // data_version is read at most that often) may see the new snooze and still the subscription kept before.
      while (
        ((await r.snoozes()).size === 0 || (await r.subscription(target))?.status !== 'disabled') &&
        Date.now() < until
      )
        await new Promise((w) => setTimeout(w, 20));
      expect((await r.subscription(target))?.status).toBe('disabled');
      expect((await r.snoozes()).get('countdown channel:C0KEEP')?.toISOString()).toBe('2025-01-05T00:00:00.000Z');
    } finally {
      await other.close();
    }
  });

  test("this process's subscriptions, snoozes and triage move the state version at once", async () => {
    const versions = [await store.stateVersion()];
    await store.reminders.subscribe({ kind: 'channel', id: 'C0MOVE' }, ADMIN, at('2025-01-02'));
    versions.push(await store.stateVersion());
    await store.reminders.setStatus({ kind: 'channel', id: 'C0MOVE' }, 'disabled', 'archived', at('2025-01-03'));
    versions.push(await store.stateVersion());
    await store.reminders.snooze('countdown', 'channel:C0MOVE', at('2025-01-05'), ADMIN, at('2025-01-04'));
    versions.push(await store.stateVersion());
    await store.feeds.recordTriage({ itemRef: 'i1', action: 'dismissed', actor: ADMIN, at: at('2025-01-04') });
    versions.push(await store.stateVersion());
    expect(new Set(versions).size).toBe(versions.length);
  });

  test('a write to one incident leaves what was read of another as it was; its own is read again, here and in another process', async () => {
    const other = store.scoped('cloud-outage-2026');
    const mine = await store.state();
    const theirs = await other.state();
    await other.addQuestion({ text: 'Which region?', actor: ADMIN, at: at('2026-11-20') }, () => 'Q2');
    // The same object: what was made from it (the applied model, the reminder plan) stays too.
    expect(await store.state()).toBe(mine);
    const after = await other.state();
    expect(after).not.toBe(theirs);
    expect(after.questions.map((q) => q.text)).toEqual(['Which region?']);
    // Another process writes to this incident: it is read again there too.
    const second = await open();
    try {
      await second.recordChange({
        questionId: 'Q3',
        status: 'partial',
        answer: 'b',
        actor: ADMIN,
        at: at('2025-01-03'),
      });
      await new Promise((r) => setTimeout(r, 5));
      expect((await store.state()).changes.map((c) => c.answer)).toEqual(['b']);
      expect(await other.state()).toBe(after);
    } finally {
      await second.close();
    }
  });

  test("another replica's commit is known at once, without a query (SQLite data_version; PostgreSQL NOTIFY)", async () => {
    const before = store.stateVersionNow();
    expect(before).toBeDefined();
    const other = await open();
    try {
      await other.reminders.subscribe({ kind: 'channel', id: 'C0NOTIFY' }, ADMIN, at('2025-01-02'));
      const until = Date.now() + 2000;
      while (store.stateVersionNow() === before && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      const after = store.stateVersionNow();
      expect(after).toBeDefined();
      expect(after).not.toBe(before);
    } finally {
      await other.close();
    }
  });

  describe('after a change, only what was recorded since is read', () => {
    const INCIDENT = 'crowdstrike-2024';
    /** What a read of everything gives now. */
    const whole = async () => (await readState(store.db, INCIDENT)).state;

    test('each kind of record, one after another: the kept rows are the same objects, the result what a whole read gives', async () => {
      let read = await readState(store.db, INCIDENT);
      // Nothing recorded since: the same read back.
      expect(await readState(store.db, INCIDENT, read)).toBe(read);
      const writes: (() => Promise<unknown>)[] = [
        () =>
          store.recordChange({ questionId: 'Q3', status: 'partial', answer: 'a', actor: ADMIN, at: at('2025-01-02') }),
        () => store.addQuestion({ text: 'First?', actor: MEMBER, at: at('2025-01-03') }, () => 'Q5'),
        () =>
          store.recordAssignment({
            questionId: 'Q5',
            field: 'owner',
            value: 'U0OWNER',
            actor: ADMIN,
            at: at('2025-01-04'),
          }),
        () => store.recordUpdate({ expectedId: 'post-summit', text: 'U', actor: ADMIN, at: at('2025-01-05') }),
        () =>
          store.recordCuration({
            kind: 'source',
            itemId: 'vendor-post',
            action: 'add',
            entry: { url: 'https://example.com/p', title: 'P', publisher: 'V', date: '2025-01-06' },
            actor: ADMIN,
            at: at('2025-01-06'),
          }),
        // Recorded with an earlier time than the last one read: sorted in where a whole read puts it.
        () =>
          store.recordChange({ questionId: 'Q4', status: 'dropped', note: 'n', actor: ADMIN, at: at('2025-01-01') }),
      ];
      for (const write of writes) {
        await write();
        const next = await readState(store.db, INCIDENT, read);
        expect(next.state).toEqual(await whole());
        // Read on from the last read, not again: what was kept is the same objects.
        const kept = read.state.changes[0];
        if (kept) expect(next.state.changes).toContain(kept);
        read = next;
      }
      expect(read.state.changes.map((c) => c.questionId)).toEqual(['Q4', 'Q3']);
    });

    test('questions recorded at the same moment on either side of a read are each there once', async () => {
      const moment = at('2025-02-01T10:00:00Z');
      await store.addQuestion({ text: 'One?', actor: MEMBER, at: moment }, () => 'Q5');
      const read = await readState(store.db, INCIDENT);
      await store.addQuestion({ text: 'Two?', actor: MEMBER, at: moment }, () => 'Q6');
      const next = await readState(store.db, INCIDENT, read);
      expect(next.state.questions.map((q) => q.questionId)).toEqual(['Q5', 'Q6']);
      expect(next.state.questions[0]).toBe(read.state.questions[0]);
      await store.addQuestion({ text: 'Three?', actor: MEMBER, at: moment }, () => 'Q7');
      expect((await readState(store.db, INCIDENT, next)).state.questions.map((q) => q.questionId)).toEqual([
        'Q5',
        'Q6',
        'Q7',
      ]);
    });

    test("after this process's own write nothing is read: the kept state and the row it wrote, unless another write came between", async () => {
      const mine = store.scoped(INCIDENT);
      await mine.state();
      const reads = jest.spyOn(Object.getPrototypeOf(mine) as { readState: () => unknown }, 'readState');
      const second = await open();
      try {
        await mine.recordChange({
          questionId: 'Q3',
          status: 'partial',
          answer: 'a',
          actor: ADMIN,
          at: at('2025-01-02'),
        });
        await mine.addQuestion({ text: 'Next?', actor: MEMBER, at: at('2025-01-03') }, () => 'Q5');
        await mine.recordAssignment({
          questionId: 'Q5',
          field: 'due',
          value: '2025-02-01',
          actor: ADMIN,
          at: at('2025-01-04'),
        });
        await mine.recordUpdate({ expectedId: 'post-summit', text: 'U', actor: ADMIN, at: at('2025-01-05') });
        // Recorded with an earlier time: sorted in as a read would.
        await mine.recordChange({ questionId: 'Q4', status: 'dropped', note: 'n', actor: ADMIN, at: at('2025-01-01') });
        expect(await mine.state()).toEqual(await whole());
        expect(reads).not.toHaveBeenCalled();
        // Another process writes first: this one's write is not the only one since, so the state is read.
        await second.recordChange({
          questionId: 'Q2',
          status: 'partial',
          answer: 'b',
          actor: ADMIN,
          at: at('2025-01-06'),
        });
        await mine.recordChange({
          questionId: 'Q3',
          status: 'answered',
          answer: 'c',
          actor: ADMIN,
          at: at('2025-01-07'),
        });
        await new Promise((r) => setTimeout(r, 20));
        const state = await mine.state();
        expect(reads).toHaveBeenCalledTimes(1);
        expect(state).toEqual(await whole());
        expect(state.changes.map((c) => c.answer)).toEqual([undefined, 'a', 'b', 'c']);
      } finally {
        reads.mockRestore();
        await second.close();
      }
    });

    test('a row that becomes visible after a later one (on PostgreSQL, a transaction committing late) is not missed', async () => {
      const row = (id: number, answer: string) => ({
        id,
        incident_id: INCIDENT,
        question_id: 'Q3',
        status: 'partial' as const,
        answer,
        actor_id: ADMIN.id,
        actor_name: ADMIN.name,
        at: at('2025-01-02').toISOString(),
      });
      await store.db.insertInto('question_change').values(row(10, 'ten')).execute();
      const read = await readState(store.db, INCIDENT);
      // Id 5 was taken before 10 but shows only now, as another write lands after it.
      await store.db.insertInto('question_change').values(row(5, 'five')).execute();
      await store.recordChange({
        questionId: 'Q4',
        status: 'partial',
        answer: 'later',
        actor: ADMIN,
        at: at('2025-01-03'),
      });
      const next = await readState(store.db, INCIDENT, read);
      expect(next.state.changes.map((c) => c.answer)).toEqual(['five', 'ten', 'later']);
      expect(next.state).toEqual(await whole());
      // And through the store's own state(): another process's write, read on from what this one kept.
      const second = await open();
      try {
        await store.state();
        await second.recordChange({
          questionId: 'Q4',
          status: 'answered',
          answer: 'done',
          actor: ADMIN,
          at: at('2025-01-04'),
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(await store.state()).toEqual(await whole());
      } finally {
        await second.close();
      }
    });
  });

  test('ping says whether the database answers', async () => {
    expect(await store.ping()).toBe(true);
  });
});
