import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DateTime } from 'luxon';
import { parseIncident } from '../../../src/incident/load';
import type { Incident } from '../../../src/incident/model';
import { ManualClock } from '../../../src/lib/clock';
import { LEASE_MS, ReminderDelivery } from '../../../src/scheduler/delivery';
import { SlackPoster } from '../../../src/scheduler/slack-poster';
import type { FollowUpStore } from '../../../src/store/repository';
import { FakeSlack, httpReply } from '../../helpers/fake-slack';
import { minimalDataset } from '../../helpers/incident';
import { ADMIN, silent, testStore } from '../../helpers/store';

const la = (iso: string) => DateTime.fromISO(iso, { zone: 'America/Los_Angeles' }).toJSDate();
/** An all-day event on September 10, 2024 with one countdown reminder at 09:00 the day before. */
const INCIDENT: Incident = parseIncident(
  minimalDataset(
    { date: '2024-09-10' },
    {
      questions: [{ id: 'Q1', text: 'Why?' }],
      reminders: { countdown: { offsets: ['1d'], time: '09:00' }, catchUp: '6h' },
    },
  ),
  't',
);
const KEY = 'countdown:1d';

describe('reminder delivery: a real SQLite file and a fake Slack Web API', () => {
  let fake: FakeSlack;
  let file: string;
  let store: FollowUpStore;
  let clock: ManualClock;

  const delivery = (s = store) =>
    new ReminderDelivery({
      incident: INCIDENT,
      store: s,
      clock,
      poster: new SlackPoster('xoxb-test', fake.url, silent),
      log: silent,
    });
  const posts = () =>
    fake
      .callsTo('chat.postMessage')
      .filter((c) => (c.body.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key === KEY);
  const postsTo = (channel: string) => posts().filter((c) => c.body.channel === channel);

  beforeEach(async () => {
    fake = new FakeSlack();
    await fake.start();
    file = path.join(mkdtempSync(path.join(tmpdir(), 'summit-delivery-')), 'summit.db');
    store = await testStore(file, INCIDENT.id);
    clock = new ManualClock(la('2024-09-09T08:00'));
    // Subscribed well before the reminder; the first tick sets the watermark.
    const before = la('2024-09-01T12:00');
    await store.reminders.subscribe({ kind: 'channel', id: 'C1' }, ADMIN, before);
    await store.reminders.subscribe({ kind: 'channel', id: 'C2' }, ADMIN, before);
    await store.reminders.subscribe({ kind: 'user', id: 'U0DM' }, ADMIN, before);
    await delivery().tick();
  });
  afterEach(async () => {
    await store.close();
    await fake.stop();
  });

  test('each due reminder is posted once to each target, with its key in the message metadata', async () => {
    clock.set(la('2024-09-09T08:59:45'));
    expect((await delivery().tick()).sent).toBe(0);
    clock.set(la('2024-09-09T09:00:10'));
    const report = await delivery().tick();
    expect(report).toMatchObject({ sent: 3, late: 0 });
    expect(
      posts()
        .map((c) => c.body.channel)
        .sort(),
    ).toEqual(['C1', 'C2', 'DU0DM']);
    const body = posts()[0]?.body as { metadata: unknown; text: string; blocks: unknown[] };
    expect(body.metadata).toEqual({
      event_type: 'summit_reminder',
      event_payload: { incident: 'test-incident', key: KEY },
    });
    expect(body.text).toBe('Test event: tomorrow');
    expect(JSON.stringify(body.blocks)).toMatch(/summit_open_questions.*summit_snooze/);
    clock.set(la('2024-09-09T09:00:25'));
    expect((await delivery().tick()).sent).toBe(0);
    expect(posts()).toHaveLength(3);
    const rows = await store.reminders.deliveries();
    expect(rows.map((d) => [d.target, d.status])).toEqual([
      ['channel:C1', 'sent'],
      ['channel:C2', 'sent'],
      ['user:U0DM', 'sent'],
    ]);
    expect(rows.every((d) => d.messageTs !== undefined)).toBe(true);
  });

  test('a restart right after posting posts nothing again', async () => {
    clock.set(la('2024-09-09T09:00:10'));
    await delivery().tick();
    await store.close();
    store = await testStore(file, INCIDENT.id);
    clock.set(la('2024-09-09T09:00:40'));
    expect(await delivery(store).tick()).toMatchObject({ sent: 0, skipped: 0 });
    expect(posts()).toHaveLength(3);
  });

  test('a crash between claim and post: taken over after its lease without asking Slack, and ends with one message', async () => {
    clock.set(la('2024-09-09T09:00:05'));
    // Another process claimed C1 and died before it began to post.
    await store.reminders.claim(KEY, 'channel:C1', clock.now(), LEASE_MS);
    clock.set(la('2024-09-09T09:00:20'));
    await delivery().tick();
    expect(postsTo('C1')).toHaveLength(0);
    expect(postsTo('C2')).toHaveLength(1);
    clock.set(new Date(la('2024-09-09T09:00:05').getTime() + LEASE_MS + 15_000));
    await delivery().tick();
    // Never attempted: no history call (Slack allows conversations.history about 50 a minute, or 1).
    expect(fake.callsTo('conversations.history')).toEqual([]);
    expect(postsTo('C1')).toHaveLength(1);
    expect((await store.reminders.delivery(KEY, 'channel:C1'))?.status).toBe('sent');
    // Not late: posted within LATE_AFTER_MS of its time, as the first tick's posts are.
    expect(String(postsTo('C1')[0]?.body.text)).not.toContain('late');
  });

  test('a crash after the post began but before it was marked: the history check finds it, nothing posted twice', async () => {
    clock.set(la('2024-09-09T09:00:05'));
    await store.reminders.claim(KEY, 'channel:C1', clock.now(), LEASE_MS);
    await store.reminders.markPosting(KEY, 'channel:C1', clock.now());
    // The dead process did post.
    fake.addMessage('C1', 'Test event: tomorrow', { event_type: 'summit_reminder', event_payload: { key: KEY } });
    clock.set(new Date(la('2024-09-09T09:00:05').getTime() + LEASE_MS + 15_000));
    await delivery().tick();
    expect(postsTo('C1')).toHaveLength(0);
    expect(fake.messages.get('C1')).toHaveLength(1);
    expect(await store.reminders.delivery(KEY, 'channel:C1')).toMatchObject({
      status: 'sent',
      detail: 'found in history',
    });
  });

  test('a takeover whose history look answers 429: the retry still looks before posting, and posts once', async () => {
    clock.set(la('2024-09-09T09:00:05'));
    await store.reminders.claim(KEY, 'channel:C1', clock.now(), LEASE_MS);
    await store.reminders.markPosting(KEY, 'channel:C1', clock.now());
    // The dead process's post never arrived; Slack answers the first history call 429 (Retry-After: 1 s).
    let limited = 1;
    fake.fault('conversations.history', { kind: 'ratelimited', retryAfter: 1 }, () => limited-- > 0);
    clock.set(new Date(la('2024-09-09T09:00:05').getTime() + LEASE_MS + 15_000));
    await delivery().tick();
    // Asked twice (the 429, then the look it still owed), a second apart; posted once.
    const history = fake.callsTo('conversations.history').filter((c) => c.body.channel === 'C1');
    expect(history).toHaveLength(2);
    expect(postsTo('C1')).toHaveLength(1);
    expect((await store.reminders.delivery(KEY, 'channel:C1'))?.status).toBe('sent');
  });

  test('429 with Retry-After: that channel waits, the others are not held up', async () => {
    let limited = true;
    fake.on('chat.postMessage', (c) => {
      if (c.body.channel === 'C1' && limited)
        return httpReply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '30' });
      const ts = fake.addMessage(String(c.body.channel), c.body.text, c.body.metadata);
      return { ok: true, channel: c.body.channel, ts };
    });
    clock.set(la('2024-09-09T09:00:05'));
    const started = Date.now();
    const report = await delivery().tick();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(report).toMatchObject({ sent: 2, retrying: 1 });
    expect((await store.reminders.delivery(KEY, 'channel:C1'))?.nextAttemptAt?.toISOString()).toBe(
      new Date(la('2024-09-09T09:00:05').getTime() + 30_000).toISOString(),
    );
    limited = false;
    clock.set(la('2024-09-09T09:00:20'));
    await delivery().tick();
    expect(fake.messages.get('C1')).toBeUndefined();
    clock.set(la('2024-09-09T09:00:36'));
    await delivery().tick();
    expect(fake.messages.get('C1')).toHaveLength(1);
    expect(fake.messages.get('C2')).toHaveLength(1);
  });

  test('429 with a short Retry-After is retried within the same tick, after the wait, holding up nobody', async () => {
    let limitedUntil = 0;
    fake.on('chat.postMessage', (c) => {
      if (c.body.channel === 'C1' && limitedUntil === 0) {
        limitedUntil = Date.now() + 1000;
        return httpReply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
      }
      return {
        ok: true,
        channel: c.body.channel,
        ts: fake.addMessage(String(c.body.channel), c.body.text, c.body.metadata),
        at: Date.now(),
      };
    });
    clock.set(la('2024-09-09T09:00:05'));
    const started = Date.now();
    expect(await delivery().tick()).toMatchObject({ sent: 3, retrying: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(fake.messages.get('C1')).toHaveLength(1);
    // C2 and the DM went out at once, not after C1's wait.
    const order = fake.callsTo('chat.postMessage').map((c) => c.body.channel);
    expect(order.indexOf('C2')).toBeLessThan(order.lastIndexOf('C1'));
    expect(await store.reminders.delivery(KEY, 'channel:C1')).toMatchObject({ status: 'sent' });
  });

  test('not_in_channel in a public channel: the bot joins and posts', async () => {
    let joined = false;
    fake.on('conversations.join', () => {
      joined = true;
      return { ok: true, channel: { id: 'C1' } };
    });
    fake.on('chat.postMessage', (c) => {
      if (c.body.channel === 'C1' && !joined) return { ok: false, error: 'not_in_channel' };
      return {
        ok: true,
        channel: c.body.channel,
        ts: fake.addMessage(String(c.body.channel), c.body.text, c.body.metadata),
      };
    });
    clock.set(la('2024-09-09T09:00:05'));
    await delivery().tick();
    expect(fake.messages.get('C1')).toHaveLength(1);
    expect((await store.reminders.subscription({ kind: 'channel', id: 'C1' }))?.status).toBe('active');
  });

  test('not_in_channel in a private channel: the subscription is marked broken and its subscriber told how to invite the bot', async () => {
    await store.reminders.subscribe({ kind: 'channel', id: 'G1' }, ADMIN, la('2024-09-01T12:00'));
    fake.on('conversations.join', () => ({ ok: false, error: 'method_not_supported_for_channel_type' }));
    fake.on('chat.postMessage', (c) => {
      if (c.body.channel === 'G1') return { ok: false, error: 'not_in_channel' };
      return {
        ok: true,
        channel: c.body.channel,
        ts: fake.addMessage(String(c.body.channel), c.body.text, c.body.metadata),
      };
    });
    clock.set(la('2024-09-09T09:00:05'));
    const report = await delivery().tick();
    expect(report).toMatchObject({ sent: 3, failed: 1 });
    expect(await store.reminders.subscription({ kind: 'channel', id: 'G1' })).toMatchObject({ status: 'broken' });
    const dm = fake.callsTo('chat.postMessage').find((c) => c.body.channel === ADMIN.id);
    expect(String(dm?.body.text)).toContain('/invite @summit-bot');
    clock.set(la('2024-09-09T09:05'));
    await delivery().tick();
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === 'G1')).toHaveLength(1);
  });

  // The fake holds these channels to Slack's membership rules (test/helpers/fake-slack.ts).
  test('a public channel the bot never joined, whose post answer was lost: join, find the post in history, mark sent; no DM, nothing switched off', async () => {
    fake.channel('C1', { private: false, member: false });
    let first = true;
    fake.fault('chat.postMessage', { kind: 'lost' }, (c) => {
      const lose = c.body.channel === 'C1' && first;
      if (lose) first = false;
      return lose;
    });
    clock.set(la('2024-09-09T09:00:05'));
    expect(await delivery().tick()).toMatchObject({ sent: 2, retrying: 1 });
    expect(fake.messages.get('C1')).toHaveLength(1);
    clock.set(la('2024-09-09T09:01:00'));
    await delivery().tick();
    expect(fake.callsTo('conversations.history').map((c) => c.body.channel)).toContain('C1');
    expect(fake.callsTo('conversations.join').map((c) => c.body.channel)).toEqual(['C1']);
    expect(fake.messages.get('C1')).toHaveLength(1);
    expect(await store.reminders.delivery(KEY, 'channel:C1')).toMatchObject({
      status: 'sent',
      detail: 'found in history',
    });
    expect((await store.reminders.subscription({ kind: 'channel', id: 'C1' }))?.status).toBe('active');
    expect(fake.callsTo('chat.postMessage').filter((c) => c.body.channel === ADMIN.id)).toEqual([]);
  });

  test('channel_not_found for a subscribed channel (a private one the bot was removed from): marked broken, the subscriber told how to fix it', async () => {
    fake.channel('C2', { private: true, member: false });
    clock.set(la('2024-09-09T09:00:05'));
    expect(await delivery().tick()).toMatchObject({ sent: 2, failed: 1 });
    expect(await store.reminders.subscription({ kind: 'channel', id: 'C2' })).toMatchObject({ status: 'broken' });
    const dm = fake.callsTo('chat.postMessage').find((c) => c.body.channel === ADMIN.id);
    expect(String(dm?.body.text)).toContain("I couldn't post summit-bot reminders in <#C2>");
    expect(String(dm?.body.text)).toContain('/invite @summit-bot');
    expect((await store.reminders.subscriptions('active')).map((s) => s.id).sort()).toEqual(['C1', 'U0DM']);
  });

  test('an archived channel: turned off, and the subscriber told', async () => {
    fake.channel('C2', { archived: true, member: true });
    clock.set(la('2024-09-09T09:00:05'));
    expect(await delivery().tick()).toMatchObject({ sent: 2, failed: 1 });
    expect(await store.reminders.subscription({ kind: 'channel', id: 'C2' })).toMatchObject({ status: 'disabled' });
    const dm = fake.callsTo('chat.postMessage').find((c) => c.body.channel === ADMIN.id);
    expect(String(dm?.body.text)).toContain('<#C2> was archived');
  });

  test('any other error is retried later with backoff, and still posts once', async () => {
    let failures = 2;
    fake.on('chat.postMessage', (c) => {
      if (c.body.channel === 'C1' && failures-- > 0) return httpReply(500, { ok: false, error: 'internal_error' });
      return {
        ok: true,
        channel: c.body.channel,
        ts: fake.addMessage(String(c.body.channel), c.body.text, c.body.metadata),
      };
    });
    clock.set(la('2024-09-09T09:00:05'));
    await delivery().tick();
    expect(await store.reminders.delivery(KEY, 'channel:C1')).toMatchObject({ status: 'retry', attempts: 1 });
    clock.set(la('2024-09-09T09:00:40'));
    await delivery().tick();
    expect(await store.reminders.delivery(KEY, 'channel:C1')).toMatchObject({ status: 'retry', attempts: 2 });
    clock.set(la('2024-09-09T09:02:00'));
    await delivery().tick();
    expect(fake.messages.get('C1')).toHaveLength(1);
  });

  test('missed while down: sent late (saying so) within catch-up; older ones skipped and recorded', async () => {
    clock.set(la('2024-09-09T12:00'));
    const report = await delivery().tick();
    expect(report).toMatchObject({ sent: 3, late: 3 });
    expect(JSON.stringify(postsTo('C1')[0]?.body.blocks)).toContain('Sent late');
    expect(String(postsTo('C1')[0]?.body.text)).toContain('(sent late)');
  });

  test('missed by more than catch-up: skipped, recorded, never posted', async () => {
    clock.set(la('2024-09-09T15:30'));
    expect(await delivery().tick()).toMatchObject({ sent: 0, skipped: 3 });
    expect((await store.reminders.deliveries()).map((d) => d.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(posts()).toEqual([]);
  });

  test('snooze: that reminder series, that target, for a day', async () => {
    await store.reminders.snooze('countdown', 'channel:C1', la('2024-09-09T10:00'), ADMIN, la('2024-09-09T08:30'));
    clock.set(la('2024-09-09T09:00:05'));
    expect(await delivery().tick()).toMatchObject({ sent: 2, skipped: 1 });
    expect(postsTo('C1')).toEqual([]);
  });

  test('a channel subscribed after the reminder was due does not get it', async () => {
    await store.reminders.subscribe({ kind: 'channel', id: 'C9' }, ADMIN, la('2024-09-09T09:30'));
    clock.set(la('2024-09-09T09:40'));
    await delivery().tick();
    expect(postsTo('C9')).toEqual([]);
  });
});

describe('starting in 2026 with the 2024 data set', () => {
  test('posts nothing old and skips nothing it never saw', async () => {
    const fake = new FakeSlack();
    await fake.start();
    const store = await testStore(undefined, INCIDENT.id);
    try {
      await store.reminders.subscribe({ kind: 'channel', id: 'C1' }, ADMIN, la('2024-01-01'));
      const clock = new ManualClock('2026-11-29T12:00:00Z');
      const d = new ReminderDelivery({
        incident: INCIDENT,
        store,
        clock,
        poster: new SlackPoster('xoxb-test', fake.url, silent),
        log: silent,
      });
      expect(await d.tick()).toEqual({ sent: 0, late: 0, skipped: 0, retrying: 0, failed: 0 });
      expect(fake.callsTo('chat.postMessage')).toEqual([]);
    } finally {
      await store.close();
      await fake.stop();
    }
  });
});

describe('a reminder says one thing: title and body from its planned moment', () => {
  /** Every text of a posted reminder: its fallback (the title) and the countdown in its body. */
  async function posted(dataset: string, subscribedAt: string, ticks: string[]) {
    const fake = new FakeSlack();
    await fake.start();
    const store = await testStore(undefined, INCIDENT.id);
    await store.reminders.subscribe({ kind: 'channel', id: 'C1' }, ADMIN, new Date(subscribedAt));
    const clock = new ManualClock(ticks[0] as string);
    const delivery = new ReminderDelivery({
      incident: parseIncident(dataset, 't'),
      store,
      clock,
      poster: new SlackPoster('xoxb-test', fake.url, silent),
      log: silent,
    });
    await store.reminders.advanceWatermark(new Date(new Date(ticks[0] as string).getTime() - 1000));
    for (const t of ticks) {
      clock.set(t);
      await delivery.tick();
    }
    const out = fake.callsTo('chat.postMessage').map((c) => ({
      key: (c.body.metadata as { event_payload: { key: string } }).event_payload.key,
      text: String(c.body.text),
      body: JSON.stringify(c.body.blocks),
    }));
    await store.close();
    await fake.stop();
    return out;
  }

  test('minutes and hours before a timed event with no end, and 0m: posted a minute late, the words stay those of the planned time', async () => {
    const dataset = minimalDataset(
      { start: '2030-01-01T09:00:00-08:00' },
      { reminders: { countdown: { offsets: ['2h', '30m', '0m'] }, catchUp: '6h' } },
    );
    const out = await posted(dataset, '2029-12-01T00:00:00Z', [
      '2030-01-01T07:00:50-08:00',
      '2030-01-01T08:30:59-08:00',
      '2030-01-01T09:00:59-08:00',
    ]);
    expect(out.map((o) => [o.key, o.text])).toEqual([
      ['countdown:2h', 'Test event: today, in 2 hours'],
      ['countdown:30m', 'Test event: today, in 30 minutes'],
      ['countdown:0m', 'Test event: starting now'],
    ]);
    for (const o of out) expect(o.body).toContain(`*${o.text.split(': ')[1]}*`);
    expect(out.map((o) => o.body).join(' ')).not.toMatch(/took place|in 29 minutes|started/);
  });

  test('days before an all-day event, and a late delivery that says it is late', async () => {
    const dataset = minimalDataset(
      { date: '2030-01-10' },
      { reminders: { countdown: { offsets: ['3d', '0d'], time: '09:00' }, catchUp: '6h' } },
    );
    const out = await posted(dataset, '2029-12-01T00:00:00Z', [
      '2030-01-07T09:00:10-08:00',
      '2030-01-10T11:30:00-08:00',
    ]);
    expect(out.map((o) => [o.key, o.text])).toEqual([
      ['countdown:3d', 'Test event: in 3 days'],
      ['countdown:0d', 'Test event: today (sent late)'],
    ]);
    expect(out[0]?.body).toContain('*in 3 days*');
    expect(out[1]?.body).toContain('*today*');
    expect(out[1]?.body).toContain('Sent late: it was due');
  });
});
