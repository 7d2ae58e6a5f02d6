import { ManualClock } from '../../src/lib/clock';
import { GitHubWebhooks, MAX_WEBHOOK_BYTES, signature, WEBHOOK_PATH } from '../../src/tracker/webhook';
import { SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/bot';
import { githubRig, REPO, type GitHubRig } from '../helpers/github';
import { buttonPress, interactionBody, postSigned, slashCommandBody } from '../helpers/slack-requests';
import { silent } from '../helpers/store';
import { eventually } from '../helpers/wait';
import { request as httpRequest } from 'node:http';
import { startPageServer } from '../../src/web/serve';

/**
 * Through the real Bolt receiver in HTTP mode: /summit issue as Slack sends it, and GitHub's webhook deliveries on
 * the bot's own port, checked as GitHub signs them (docs.github.com/en/webhooks/using-webhooks/validating-webhook-
 * deliveries: X-Hub-Signature-256 is "sha256=" and the hex HMAC-SHA256 of the raw body, compared in constant time;
 * each delivery has a unique X-GitHub-Delivery GUID; a redelivery keeps the same GUID).
 */

const SECRET = 'webhook-secret-0123456789abcdef';
let rig: GitHubRig;
let bot: TestBot;

beforeEach(async () => {
  rig = await githubRig();
  const webhooks = new GitHubWebhooks({
    secret: SECRET,
    trackers: rig.store.trackers,
    apply: (e) => rig.sync.apply(e, 'webhook'),
    log: silent,
    metrics: rig.metrics,
  });
  bot = await startTestBot(rig.incident, new ManualClock('2024-09-12T12:00:00Z'), {
    store: rig.store,
    admins: ['U0ADMIN'],
    issues: rig.sync,
    front: webhooks,
  });
});
afterEach(async () => {
  await bot.stop();
  await rig.stop();
});

/** What the bot said to a slash command: its ack's text, or what it posted to the response_url. */
async function command(text: string): Promise<string> {
  const res = await postSigned(
    bot.events,
    slashCommandBody(text, { user_id: 'U0ADMIN', user_name: 'ada', response_url: bot.fake.hookUrl() }),
    { secret: SIGNING_SECRET },
  );
  expect(res.status).toBe(200);
  const body = await res.text();
  if (body !== '') return JSON.stringify(JSON.parse(body));
  const posted = await eventually(() => bot.fake.callsTo('response_url').at(-1));
  return JSON.stringify(posted.body);
}

let deliveries = 0;
function deliver(
  event: string,
  payload: unknown,
  opts: { id?: string; sign?: string | null; raw?: string } = {},
): Promise<Response> {
  const body = opts.raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': opts.id ?? `7e1c0d10-0000-11ef-8000-${String(++deliveries).padStart(12, '0')}`,
    'user-agent': 'GitHub-Hookshot/abc123',
  };
  if (opts.sign !== null) headers['x-hub-signature-256'] = opts.sign ?? signature(SECRET, body);
  return fetch(`${bot.base}${WEBHOOK_PATH}`, { method: 'POST', headers, body });
}

test('GitHub’s documented test vector', () => {
  // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
  expect(signature("It's a Secret to Everybody", 'Hello, World!')).toBe(
    'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
  );
});

test('/summit issue from Slack links the issue; closing it on GitHub answers the question, once per delivery', async () => {
  const reply = await command('issue Q3');
  expect(reply).toContain(`https://github.com/${REPO}/issues/1`);
  const payload = rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'About 8.5 million.');
  const id = '7e1c0d10-0000-11ef-8000-aaaaaaaaaaaa';
  const first = await deliver('issues', payload, { id });
  expect(first.status).toBe(200);
  expect(await first.text()).toContain('Applied');
  // The same delivery again (GitHub's "Redeliver"): acknowledged, not applied twice.
  const again = await deliver('issues', payload, { id });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('Already applied');
  const state = await rig.store.scoped(rig.incident.id).state();
  expect(state.changes.filter((c) => c.actor.id === 'github:octo-ada')).toHaveLength(1);
  const history = await command('history Q3');
  expect(history).toContain('octo-ada via GitHub');
  expect(history).toContain('About 8.5 million.');
});

test('a delivery that could not be applied (the store failed) is answered 500, and its redelivery is applied', async () => {
  await command('issue Q3');
  const payload = rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed', 'Done.');
  const id = '7e1c0d10-0000-11ef-8000-bbbbbbbbbbbb';
  const apply = rig.sync.apply.bind(rig.sync);
  let fail = true;
  rig.sync.apply = async (e, via) => {
    if (fail) throw new Error('the store is unavailable');
    return apply(e, via);
  };
  expect((await deliver('issues', payload, { id })).status).toBe(500);
  fail = false;
  const again = await deliver('issues', payload, { id });
  expect(again.status).toBe(200);
  expect(await again.text()).toContain('Applied');
  const state = await rig.store.scoped(rig.incident.id).state();
  expect(state.changes.filter((c) => c.actor.id === 'github:octo-ada')).toHaveLength(1);
});

test('a delivery before the bot has finished starting is answered 503 and not claimed', async () => {
  const starting = new GitHubWebhooks({
    secret: SECRET,
    trackers: rig.store.trackers,
    apply: (e) => rig.sync.apply(e, 'webhook'),
    ready: () => false,
    log: silent,
  });
  const server = await startPageServer(starting, 0, '127.0.0.1');
  const body = JSON.stringify(rig.fake.payload('closed', REPO, { number: 1, state: 'closed' } as never, 'octo-ada'));
  const res = await fetch(`http://127.0.0.1:${server.port}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': 'issues',
      'x-github-delivery': 'early-0001',
      'x-hub-signature-256': signature(SECRET, body),
    },
    body,
  });
  await server.close();
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await rig.store.trackers.claimDelivery('early-0001', new Date())).toBe(true);
});

test('Open issue beside a question (admins): pressed, it makes the issue; then the question shows it, and the button is gone', async () => {
  const history = JSON.parse(await command('history Q4')) as {
    blocks: { elements?: { action_id: string; value: string }[] }[];
  };
  const button = history.blocks
    .flatMap((b) => b.elements ?? [])
    .find((e) => e.action_id.startsWith('summit_open_issue'));
  expect(button).toBeDefined();
  const press = buttonPress({
    actionId: button!.action_id,
    value: button!.value,
    userId: 'U0ADMIN',
    userName: 'ada',
    channelId: 'C0GENERAL',
    responseUrl: bot.fake.hookUrl('press'),
  });
  const res = await postSigned(bot.events, interactionBody(press), { secret: SIGNING_SECRET });
  expect(res.status).toBe(200);
  const said = await eventually(() =>
    bot.fake.callsTo('response_url').find((c) => JSON.stringify(c.body).includes('#1')),
  );
  expect(JSON.stringify(said.body)).toContain('Q4 is now');
  expect(rig.fake.repos.get(REPO)!.issues).toHaveLength(1);
  const after = await command('history Q4');
  expect(after).not.toContain('summit_open_issue');
  expect(after).toContain('issues/1');
});

test('a change from GitHub refreshes the owner’s Home tab, as a change made in Slack refreshes its author’s', async () => {
  // As main.ts wires it in Slack mode.
  rig.sync.onChange = (c) => {
    if (c.owner) bot.refreshHomeOf(c.owner);
  };
  await command('assign Q3 <@U0MEMBER|bob>');
  await command('issue Q3');
  const before = bot.fake.callsTo('views.publish').filter((c) => c.body.user_id === 'U0MEMBER').length;
  const payload = rig.fake.closeBy(REPO, 1, 'octo-bob', 'completed', 'Answered by the owner on GitHub.');
  expect((await deliver('issues', payload)).status).toBe(200);
  const published = await eventually(() => {
    const calls = bot.fake.callsTo('views.publish').filter((c) => c.body.user_id === 'U0MEMBER');
    return calls.length > before ? calls.at(-1) : undefined;
  });
  expect(JSON.stringify(published.body.view)).not.toContain('Exactly how many devices were affected?');
});

test('refused or ignored without work: bad or missing signature, 30 MB, not JSON, not an event, ping', async () => {
  await command('issue Q3');
  const payload = rig.fake.closeBy(REPO, 1, 'octo-ada', 'completed');
  expect((await deliver('issues', payload, { sign: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
  expect((await deliver('issues', payload, { sign: null })).status).toBe(401);
  expect((await deliver('issues', payload, { sign: 'sha1=abc' })).status).toBe(401);
  expect((await deliver('issues', undefined, { raw: '{"action": "closed",' })).status).toBe(400);
  expect((await deliver('issues', { zen: 'not an issue event' })).status).toBe(202);
  expect((await deliver('push', { ref: 'refs/heads/main' })).status).toBe(202);
  const ping = await deliver('ping', { zen: 'Keep it logically awesome.', hook_id: 1 });
  expect(ping.status).toBe(200);
  // 30 MB, refused by its Content-Length before a byte is read.
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest(
      `${bot.base}${WEBHOOK_PATH}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(30 * 1024 * 1024),
          'x-github-event': 'issues',
          'x-github-delivery': 'big',
          'x-hub-signature-256': `sha256=${'1'.repeat(64)}`,
        },
      },
      (res) => resolve(res.statusCode ?? 0),
    );
    req.on('error', reject);
    req.write(Buffer.alloc(64 * 1024));
  });
  expect(status).toBe(413);
  // A body that streams past the limit without a Content-Length.
  const chunked = await fetch(`${bot.base}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: {
      'x-github-event': 'issues',
      'x-github-delivery': 'big2',
      'x-hub-signature-256': `sha256=${'2'.repeat(64)}`,
    },
    body: new ReadableStream({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(MAX_WEBHOOK_BYTES / 2));
        c.close();
      },
    }),
    duplex: 'half',
  } as RequestInit).catch(() => undefined);
  expect(chunked === undefined || chunked.status === 413).toBe(true);
  // Nothing was applied by any of them.
  const state = await rig.store.scoped(rig.incident.id).state();
  expect(state.changes.filter((c) => c.actor.id.startsWith('github:'))).toHaveLength(0);
  const metrics = await rig.metrics.text();
  expect(metrics).toMatch(/summit_tracker_events_total\{via="webhook",result="refused"\} [4-9]/);
});
