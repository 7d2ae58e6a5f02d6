import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { parseIncident } from '../../src/incident/load';
import { ManualClock } from '../../src/lib/clock';
import { MAX_BODY_BYTES } from '../../src/slack/receiver';
import { ACTIONS, CALLBACKS, UPDATE_MODAL } from '../../src/views/ids';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { datasetWith } from '../helpers/incident';
import { buttonPress, interactionBody, postSigned, slackSignature, slashCommandBody } from '../helpers/slack-requests';
import { testStore } from '../helpers/store';
import { eventually } from '../helpers/wait';

const ADMIN = 'U0LISTED';
const MEMBER = 'U0MEMBER';
const incident = () =>
  parseIncident(
    datasetWith((d) => d.setIn(['admins'], [ADMIN])),
    'summit.yaml',
  );

interface Ack {
  text?: string;
  blocks?: { accessory?: { action_id: string } }[];
}

/** A raw POST with full control of headers and body (fetch would add its own). */
function rawPost(url: string, headers: Record<string, string>, body: Buffer | string): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    // The server may answer and close before the whole body is sent: that is the point.
    req.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'EPIPE' || e.code === 'ECONNRESET' ? resolve({ status: -1 }) : reject(e),
    );
    req.end(body);
  });
}

describe('the edge: the real receiver against hostile requests', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot(incident(), new ManualClock('2024-09-03T16:00:00Z'));
  });
  afterEach(() => bot.stop());

  const signedHeaders = (body: string, contentType = 'application/x-www-form-urlencoded') => {
    const ts = Math.floor(Date.now() / 1000);
    return {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body),
    };
  };

  test('a media type other than form or JSON gets 415', async () => {
    const body = slashCommandBody('status');
    expect((await rawPost(bot.events, signedHeaders(body, 'text/plain'), body)).status).toBe(415);
    expect((await rawPost(bot.events, signedHeaders(body, 'multipart/form-data; boundary=x'), body)).status).toBe(415);
  });

  test('a body over the limit gets 413: by its Content-Length at once, or as it streams past the limit', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 'a');
    expect(
      (
        await rawPost(
          bot.events,
          { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(big.length) },
          big,
        )
      ).status,
    ).toBe(413);
    const streamed = Buffer.alloc(MAX_BODY_BYTES + 100_000, 'a');
    const ts = String(Math.floor(Date.now() / 1000));
    const status = (
      await rawPost(
        bot.events,
        {
          'content-type': 'application/json',
          'transfer-encoding': 'chunked',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': `v0=${'0'.repeat(64)}`,
        },
        streamed,
      )
    ).status;
    expect([413, -1]).toContain(status);
  });

  test('an unsigned body of any size is refused without being decoded, and the bot answers on', async () => {
    // Bolt decodes a form body before checking the signature: this one (4 MB of "b+") took a 128 MB heap down.
    const hostile = `a=${'b+'.repeat(1_000_000)}`;
    for (let i = 0; i < 5; i++) {
      const { status } = await rawPost(bot.events, { 'content-type': 'application/x-www-form-urlencoded' }, hostile);
      expect([401, 413, -1]).toContain(status);
    }
    const ok = await postSigned(bot.events, slashCommandBody('status'), { secret: SIGNING_SECRET });
    expect(ok.status).toBe(200);
    expect((await fetch(`${bot.base}/healthz`)).status).toBe(200);
  });

  test('a burst of 20 unsigned 1 MB bodies leaves a signed command answered (far inside 3 s; timing proper is in the bench)', async () => {
    const body = Buffer.alloc(1024 * 1024, 'x');
    const ts = String(Math.floor(Date.now() / 1000));
    const burst = Array.from({ length: 20 }, () =>
      rawPost(
        bot.events,
        {
          'content-type': 'application/json',
          'x-slack-request-timestamp': ts,
          'x-slack-signature': `v0=${'1'.repeat(64)}`,
        },
        body,
      ),
    );
    const started = Date.now();
    const res = await postSigned(bot.events, slashCommandBody('status'), { secret: SIGNING_SECRET });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    expect(ms).toBeLessThan(3000);
    for (const r of await Promise.all(burst)) expect([401, -1]).toContain(r.status);
  });

  test("Slack's unsigned ssl_check gets 200; any other small unsigned form gets 401", async () => {
    expect(
      (await rawPost(bot.events, { 'content-type': 'application/x-www-form-urlencoded' }, 'ssl_check=1&token=x'))
        .status,
    ).toBe(200);
    expect(
      (await rawPost(bot.events, { 'content-type': 'application/x-www-form-urlencoded' }, slashCommandBody('ask hi')))
        .status,
    ).toBe(401);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('the largest real payload is admitted: a view submission of a 100-block modal of non-ASCII text', async () => {
    const blocks = Array.from({ length: 100 }, (_, i) => ({
      type: 'section',
      block_id: `b${i}`,
      text: { type: 'mrkdwn', text: 'é'.repeat(3000) },
    }));
    const payload = {
      type: 'view_submission',
      team: { id: 'T0TEST' },
      user: { id: ADMIN, name: 'lia' },
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: 'summit_unknown_form',
        blocks,
        private_metadata: '',
        state: { values: {} },
      },
    };
    const body = interactionBody(payload);
    expect(body.length).toBeGreaterThan(1_500_000);
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect((await postSigned(bot.events, body, { secret: SIGNING_SECRET })).status).toBe(200);
  });

  test('a form with a charset parameter is read as a form', async () => {
    const res = await postSigned(
      bot.events,
      slashCommandBody('when'),
      { secret: SIGNING_SECRET },
      'application/x-www-form-urlencoded; charset=utf-8',
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as Ack).text).toContain('Windows Endpoint Security Ecosystem Summit');
  });

  test('a signed payload missing the fields Slack always sends is a 400 before any work', async () => {
    const calls = bot.fake.calls.length;
    const noUser = new URLSearchParams({
      command: '/summit',
      text: 'ask Who?',
      channel_id: 'C1',
      team_id: 'T1',
    }).toString();
    expect((await postSigned(bot.events, noUser, { secret: SIGNING_SECRET })).status).toBe(400);
    const noType = interactionBody({ user: { id: ADMIN } });
    expect((await postSigned(bot.events, noType, { secret: SIGNING_SECRET })).status).toBe(400);
    expect(
      (await postSigned(bot.events, '{"type":"event_callback"}', { secret: SIGNING_SECRET }, 'application/json'))
        .status,
    ).toBe(400);
    expect((await postSigned(bot.events, 'payload=%7Bnot%20json', { secret: SIGNING_SECRET })).status).toBe(400);
    // A message shortcut without its channel or message, a form without its view: what a listener would read.
    const noChannel = interactionBody({
      type: 'message_action',
      callback_id: 'summit_track_question',
      trigger_id: '1.2.3',
      user: { id: ADMIN },
      message: { ts: '1.2' },
    });
    expect((await postSigned(bot.events, noChannel, { secret: SIGNING_SECRET })).status).toBe(400);
    const noView = interactionBody({ type: 'view_submission', user: { id: ADMIN } });
    expect((await postSigned(bot.events, noView, { secret: SIGNING_SECRET })).status).toBe(400);
    expect(bot.fake.calls.length).toBe(calls);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test('a 100,000-character command gets a usage reply, and the trailing-URL split stays linear', async () => {
    const res = await postSigned(bot.events, slashCommandBody(`update ${'a'.repeat(100_000)} b`), {
      secret: SIGNING_SECRET,
    });
    expect(((await res.json()) as Ack).text).toMatch(
      /^The text is 100009 characters; at most 5000\. Usage: \/summit update/,
    );
  });
});

describe('the edge: a slow or failing Slack', () => {
  let bot: TestBot;
  const clock = new ManualClock('2025-01-15T17:00:00Z');
  beforeEach(async () => {
    bot = await startTestBot(incident(), clock);
  });
  afterEach(() => bot.stop());

  const command = async (text: string, userId: string) => {
    const started = Date.now();
    const res = await postSigned(
      bot.events,
      slashCommandBody(text, { user_id: userId, response_url: bot.fake.hookUrl(`u${userId}`) }),
      { secret: SIGNING_SECRET },
    );
    const ack = (await res.json().catch(() => ({}))) as Ack;
    return { ack, ms: Date.now() - started };
  };

  test('users.info hangs: reads answer as for a non-admin, admin commands say the check failed and change nothing', async () => {
    bot.fake.fault('users.info', { kind: 'hang' });
    const q = await command('questions', MEMBER);
    expect(q.ack.text).toMatch(/^Questions not fully answered/);
    expect(q.ack.blocks?.some((b) => b.accessory?.action_id === ACTIONS.recordAnswer)).toBe(false);
    const a = await command('answer Q3 A total https://example.com/t', MEMBER);
    expect(a.ack.text).toBe(
      'I could not confirm with Slack that you are an admin just now, so nothing was changed. Please try again in a moment.',
    );
    // Within Slack's 3 seconds, in the ack itself.
    expect(a.ms).toBeLessThan(3000);
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test.each([
    ['503', { kind: 'unavailable' as const }],
    ['a reset connection', { kind: 'reset' as const }],
    ['malformed JSON', { kind: 'malformed' as const }],
  ])('users.info answers %s: the same', async (_name, fault) => {
    bot.fake.fault('users.info', fault);
    expect((await command('reopen Q1', MEMBER)).ack.text).toMatch(
      /^I could not confirm with Slack that you are an admin/,
    );
    expect(await bot.store.auditLog()).toEqual([]);
  });

  test("one user's 429 (Retry-After: 15) does not hold up another user's reply or a listed admin's change", async () => {
    bot.fake.fault('users.info', { kind: 'ratelimited', retryAfter: 15 }, (c) => c.body.user === MEMBER);
    const limited = await command('answer Q3 x', MEMBER);
    expect(limited.ack.text).toMatch(/^I could not confirm/);
    const other = await command('questions', 'U0OTHER');
    expect(other.ack.text).toMatch(/^Questions not fully answered/);
    expect(other.ms).toBeLessThan(3000);
    const admin = await command('answer Q3 A total', ADMIN);
    expect(admin.ack.text).toBe('Q3 marked answered.');
    const publish = await eventually(() => bot.fake.callsTo('views.publish')[0]);
    expect(publish.body.user_id).toBe(ADMIN);
  });

  test('views.publish hangs: the change is answered at once and the refresh gives up by itself', async () => {
    bot.fake.fault('views.publish', { kind: 'hang' });
    const { ack } = await command('ask Will the vendors publish a joint report?', MEMBER);
    expect(ack.text).toBe('Added Q5: Will the vendors publish a joint report?');
    await eventually(() => (bot.fake.callsTo('views.publish').length >= 1 ? true : undefined));
    // The interactive deadline (800 ms, one retry) ends the background work well within the shutdown grace.
    await eventually(() => (bot.running.inFlight() === 0 ? true : undefined), 4000);
  });

  test('response_url hangs: a slow reply is abandoned after its deadline instead of being held forever', async () => {
    bot.fake.fault('response_url', { kind: 'hang' });
    await postSigned(
      bot.events,
      interactionBody(
        buttonPress({
          actionId: ACTIONS.openQuestions,
          value: 'questions',
          userId: MEMBER,
          channelId: 'C0GENERAL',
          responseUrl: bot.fake.hookUrl('oq'),
        }),
      ),
      {
        secret: SIGNING_SECRET,
      },
    );
    await eventually(() => bot.fake.callsTo('response_url')[0]);
    // The respond() call gives up at its deadline and is counted as a Slack failure, not left pending.
    const metrics = async () => (await fetch(`${bot.base}/metrics`)).text();
    const until = Date.now() + 3000;
    while (!/summit_slack_api_errors_total\{code="timeout"\} 1/.test(await metrics()) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    expect(await metrics()).toMatch(/summit_slack_api_errors_total\{code="timeout"\} 1/);
  });
});

describe('the edge: buttons and forms are held to the slash rules', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot(incident(), new ManualClock('2025-01-15T17:00:00Z'));
  });
  afterEach(() => bot.stop());

  const interact = async (payload: Record<string, unknown>) => {
    const res = await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
    const text = await res.text();
    return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
  };
  const updateSubmission = (meta: string, text: string) => ({
    type: 'view_submission',
    team: { id: 'T0TEST' },
    user: { id: ADMIN, name: 'lia' },
    view: {
      id: 'V1',
      type: 'modal',
      callback_id: CALLBACKS.recordUpdateModal,
      private_metadata: meta,
      state: {
        values: {
          [UPDATE_MODAL.text.block]: { [UPDATE_MODAL.text.action]: { value: text } },
          [UPDATE_MODAL.url.block]: { [UPDATE_MODAL.url.action]: { value: null } },
        },
      },
    },
  });

  test('an expected-update id from private_metadata is checked: overlong or unknown ids are refused, nothing stored', async () => {
    const long = await interact(updateSubmission(JSON.stringify({ expectedId: 'x'.repeat(5000) }), 'text'));
    expect(long).toMatchObject({ response_action: 'errors' });
    const unknown = await interact(updateSubmission(JSON.stringify({ expectedId: 'not-an-update' }), 'text'));
    expect(JSON.stringify(unknown)).toContain('No expected update not-an-update');
    expect((await bot.store.state()).updates).toEqual([]);
  });

  test('controls, bidi overrides and line separators are stripped from form text as from slash text', async () => {
    const typed = 'Microsoft\u202e posted\u0007 an\u2028 update\u0085 here';
    // Accepted: with no channel to confirm in, the form turns into the confirmation.
    expect(await interact(updateSubmission(JSON.stringify({ expectedId: 'post-summit' }), typed))).toMatchObject({
      response_action: 'update',
    });
    await postSigned(bot.events, slashCommandBody(`ask Why\u202e not\u2066 yet\u0001?`, { user_id: MEMBER }), {
      secret: SIGNING_SECRET,
    });
    const state = await bot.store.state();
    expect(state.updates.map((u) => u.text)).toEqual(['Microsoft posted an update here']);
    expect(state.questions.map((q) => q.text)).toEqual(['Why not yet?']);
  });

  test('a forged button value is never echoed raw', async () => {
    await interact(
      buttonPress({
        actionId: ACTIONS.recordAnswer,
        value: '<!channel> Q1',
        userId: ADMIN,
        channelId: 'C0GENERAL',
        responseUrl: bot.fake.hookUrl('ra'),
      }),
    );
    const reply = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(JSON.stringify(reply.body)).not.toContain('<!channel>');
    expect(JSON.stringify(reply.body)).toContain('&lt;!channel&gt;');
  });
});

describe('the edge: store errors told apart, replays applied once', () => {
  test('a failure that is not an outage: "something went wrong, nothing changed", its own metric, not a store error', async () => {
    const store = await testStore();
    const bot = await startTestBot(incident(), new ManualClock('2025-01-15T17:00:00Z'), { store });
    try {
      await sql`create trigger refuse before insert on question_change begin select raise(abort, 'refused'); end`.execute(
        store.db,
      );
      const res = await postSigned(bot.events, slashCommandBody('answer Q3 A total', { user_id: ADMIN }), {
        secret: SIGNING_SECRET,
      });
      expect(((await res.json()) as Ack).text).toMatch(
        /^Sorry, something went wrong answering that, and nothing was changed/,
      );
      expect(await store.auditLog()).toEqual([]);
      const metrics = await (await fetch(`${bot.base}/metrics`)).text();
      expect(metrics).toMatch(/summit_internal_errors_total\{code="SQLITE_CONSTRAINT_TRIGGER"\} 1/);
      expect(metrics).toMatch(/summit_store_errors_total 0/);
      // Commands that never need the store are not store errors either, even while it is down.
      await store.close();
      await postSigned(bot.events, slashCommandBody('help'), { secret: SIGNING_SECRET });
      await postSigned(bot.events, slashCommandBody('frobnicate'), { secret: SIGNING_SECRET });
      expect(await (await fetch(`${bot.base}/metrics`)).text()).toMatch(/summit_store_errors_total 0/);
    } finally {
      await bot.running.stop();
      await bot.fake.stop();
    }
  });

  test('the same signed request sent twice is answered twice but applied once, across two replicas on one database', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'summit-replay-')), 'summit.db');
    const clock = new ManualClock('2025-01-15T17:00:00Z');
    const a = await startTestBot(incident(), clock, { store: await testStore(file) });
    const b = await startTestBot(incident(), clock, { store: await testStore(file) });
    try {
      const body = slashCommandBody('ask Who pays for the recovery?', { user_id: MEMBER });
      const timestamp = Math.floor(Date.now() / 1000);
      const first = (await (await postSigned(a.events, body, { secret: SIGNING_SECRET, timestamp })).json()) as Ack;
      const again = (await (await postSigned(a.events, body, { secret: SIGNING_SECRET, timestamp })).json()) as Ack;
      const elsewhere = (await (await postSigned(b.events, body, { secret: SIGNING_SECRET, timestamp })).json()) as Ack;
      expect(first.text).toBe('Added Q5: Who pays for the recovery?');
      expect(again.text).toBe('That request was already handled, so it was not applied again.');
      expect(elsewhere.text).toBe('That request was already handled, so it was not applied again.');
      expect((await a.store.state()).questions).toHaveLength(1);
      // A new request (a new signature) with the same text is a new question.
      const next = (await (
        await postSigned(b.events, body, { secret: SIGNING_SECRET, timestamp: timestamp + 1 })
      ).json()) as Ack;
      expect(next.text).toBe('Added Q6: Who pays for the recovery?');
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
