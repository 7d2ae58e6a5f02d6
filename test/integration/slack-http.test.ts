import { ManualClock } from '../../src/lib/clock';
import { startTestBot, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { defaultIncident } from '../helpers/incident';
import { postSigned, slackSignature, slashCommandBody } from '../helpers/slack-requests';

interface CommandResponse {
  response_type: string;
  text: string;
  blocks: { type: string; text?: { text: string } }[];
}

describe('Slack over HTTP: the real Bolt receiver, signed requests, a fake Slack Web API', () => {
  const clock = new ManualClock('2024-09-03T16:00:00Z');
  let bot: TestBot;

  beforeAll(async () => {
    bot = await startTestBot(defaultIncident(), clock);
  });
  afterAll(async () => {
    await bot.stop();
  });

  const command = async (text: string, overrides: Record<string, string> = {}) => {
    const started = Date.now();
    const res = await postSigned(bot.events, slashCommandBody(text, overrides), { secret: SIGNING_SECRET });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    // The reused reply is sent already serialised: it must still be JSON, and say so.
    expect(res.headers.get('content-type')).toBe('application/json');
    return { body: (await res.json()) as CommandResponse, ms };
  };

  test("the helper signs exactly as Slack does (Slack's published test vector)", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(slackSignature('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  test.each(['', 'status', 'facts', 'facts outage', 'when', 'questions', 'questions all', 'timeline', 'help'])(
    '/summit %j answers ephemerally with blocks and fallback text',
    async (text) => {
      const { body, ms } = await command(text);
      expect(body.response_type).toBe('ephemeral');
      expect(body.text.length).toBeGreaterThan(0);
      expect(body.blocks.length).toBeGreaterThan(0);
      expect(body.blocks.length).toBeLessThanOrEqual(50);
      // The answer is the ack itself: far inside Slack's 3 seconds (a sanity bound, not a benchmark).
      expect(ms).toBeLessThan(3000);
    },
  );

  test('the reply follows the bot clock', async () => {
    clock.set('2024-09-03T16:00:00Z');
    expect((await command('status')).body.text).toContain('in 7 days');
    clock.set('2024-09-10T16:00:00Z');
    expect((await command('status')).body.text).toContain(': today.');
    clock.set('2024-09-03T16:00:00Z');
  });

  test('an unknown command gets a suggestion and help', async () => {
    const { body } = await command('timline');
    expect(JSON.stringify(body.blocks)).toContain('Did you mean `timeline`?');
  });

  test('hostile text never becomes a mention or a disguised link, and reads as it was typed', async () => {
    // With should_escape (manifest.yml), "@channel @U123 bank" typed arrives as markup, and comes back as typed;
    // "<!channel> <@U123> <https://evil.example|bank>" typed literally arrives entity-escaped, and comes back so.
    for (const [text, shown] of [
      ['<!channel> <@U123> <https://evil.example|bank>', '`@channel`'],
      ['&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt;', '`&lt;!channel&gt;`'],
    ]) {
      const { body } = await command(text ?? '');
      const json = JSON.stringify(body);
      expect(json).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
      expect(json).toContain(shown);
      expect(json).not.toContain('&amp;lt;');
    }
  });

  test('any text Slack allows gets a reply: 4,000 characters, emoji, control characters', async () => {
    for (const text of [
      'q'.repeat(4000),
      '🎉 facts 🎉',
      'facts \u0001\u0002\u001b[2J',
      'questions\u0000all',
      '\ud83d\ude00'.repeat(2000),
    ]) {
      const { body } = await command(text);
      expect(body.response_type).toBe('ephemeral');
      expect(body.text.length).toBeGreaterThan(0);
    }
  });

  test('a bad signature gets 401 and no reply', async () => {
    const res = await postSigned(bot.events, slashCommandBody('status'), {
      secret: SIGNING_SECRET,
      signature: `v0=${'0'.repeat(64)}`,
    });
    expect(res.status).toBe(401);
    const wrongSecret = await postSigned(bot.events, slashCommandBody('status'), { secret: 'another-secret' });
    expect(wrongSecret.status).toBe(401);
  });

  test('a timestamp more than 5 minutes old gets 401', async () => {
    const res = await postSigned(bot.events, slashCommandBody('status'), {
      secret: SIGNING_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 301,
    });
    expect(res.status).toBe(401);
  });

  test('a timestamp more than 5 minutes in the future gets 401; a small skew is accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = await postSigned(bot.events, slashCommandBody('status'), {
      secret: SIGNING_SECRET,
      timestamp: now + 301,
    });
    expect(future.status).toBe(401);
    const skew = await postSigned(bot.events, slashCommandBody('status'), {
      secret: SIGNING_SECRET,
      timestamp: now + 60,
    });
    expect(skew.status).toBe(200);
  });

  test('GET /healthz answers 200 with the status and the ids of the incidents', async () => {
    const res = await fetch(`${bot.base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', store: 'ok', incidents: ['crowdstrike-2024'] });
  });

  test('GET /metrics serves Prometheus text with command counts and latency', async () => {
    const res = await fetch(`${bot.base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/summit_commands_total\{command="status",outcome="ok"\} \d+/);
    expect(text).toContain('summit_command_duration_seconds_bucket');
    expect(text).toContain('# TYPE summit_reminders_total counter');
  });

  test('summit_replies_total says how replies were made: the first made, the same again reused', async () => {
    const count = async (path: string) =>
      Number(
        new RegExp(`summit_replies_total\\{path="${path}"\\} (\\d+)`).exec(
          await (await fetch(`${bot.base}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const made = await count('made');
    const reused = (await count('receiver')) + (await count('listener'));
    await postSigned(bot.events, slashCommandBody('timeline'), { secret: SIGNING_SECRET });
    await postSigned(bot.events, slashCommandBody('timeline'), { secret: SIGNING_SECRET });
    // Two replies counted; the second at least was reused (the first too, if the same reply was made earlier in
    // this minute).
    const nowReused = (await count('receiver')) + (await count('listener'));
    expect((await count('made')) - made + (nowReused - reused)).toBe(2);
    expect(nowReused - reused).toBeGreaterThanOrEqual(1);
  });

  test('read commands make no Web API calls but users.info (the answer is in the ack)', async () => {
    const before = bot.fake.calls.length;
    for (const text of ['status', 'questions', 'facts']) await command(text, { user_id: 'U0READER' });
    expect(new Set(bot.fake.calls.slice(before).map((c) => c.method))).toEqual(new Set(['users.info']));
  });
});

describe('a reply already made is answered before Bolt, and is the same reply', () => {
  const clock = new ManualClock('2024-09-03T16:00:00Z');
  let bot: TestBot;
  beforeEach(async () => {
    const incident = defaultIncident();
    bot = await startTestBot({ ...incident, admins: ['U0ADMIN'] }, clock);
  });
  afterEach(() => bot.stop());

  const command = async (text: string, user = 'U0MEMBER') => {
    const res = await postSigned(bot.events, slashCommandBody(text, { user_id: user }), { secret: SIGNING_SECRET });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    return res.text();
  };
  const count = async (verb: string) =>
    Number(
      new RegExp(`summit_commands_total\\{command="${verb}",outcome="ok"\\} (\\d+)`).exec(
        await (await fetch(`${bot.base}/metrics`)).text(),
      )?.[1] ?? 0,
    );

  test('the second ask for the same reply gets the same bytes, reused before any work, and is counted like the first', async () => {
    // Bolt's global middleware sees every request that reaches Bolt's dispatch: a slash command never does over
    // HTTP (the receiver answers it through the same answering code as Bolt's listener).
    let dispatched = 0;
    bot.running.app.use(async ({ next }) => {
      dispatched++;
      await next();
    });
    const first = await command('status');
    const second = await command('status');
    expect(second).toBe(first);
    expect(dispatched).toBe(0);
    expect(await count('status')).toBe(2);
    const metrics = await (await fetch(`${bot.base}/metrics`)).text();
    const replies = (path: string) =>
      Number(new RegExp(`summit_replies_total\\{path="${path}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect([replies('made'), replies('receiver')]).toEqual([1, 1]);
  });

  test('a recorded change is seen at once: the reply is never reused across it', async () => {
    expect(await command('status')).toContain('3 questions not fully answered');
    await command('status');
    expect(await command('ask Will there be a second summit?')).toContain('Added Q5');
    expect(await command('status')).toContain('4 questions not fully answered');
  });

  test('admins and others each get their own reply (Record answer buttons for admins only)', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await command('questions', 'U0ADMIN')).toContain('summit_record_answer');
      expect(await command('questions', 'U0MEMBER')).not.toContain('summit_record_answer');
    }
  });

  test('the next minute of the clock makes the reply again', async () => {
    const first = await command('questions');
    clock.set('2024-09-03T16:01:00Z');
    const second = await command('questions');
    expect(second).not.toBe(first);
    expect(second).toContain('9:01');
    clock.set('2024-09-03T16:00:00Z');
  });
});
