import { parseCommand, typedCommands } from '../../../src/commands/registry';
import { runCommand } from '../../../src/commands/run';
import { toSlackMessage } from '../../../src/views/render-slack';
import { toPlainText } from '../../../src/views/render-text';
import type { FollowUpStore } from '../../../src/store/repository';
import { defaultIncident } from '../../helpers/incident';
import { contextWith, testStore } from '../../helpers/store';

const incident = defaultIncident();
let store: FollowUpStore;
beforeAll(async () => {
  store = await testStore();
});
afterAll(() => store.close());

const ask = async (text: string, now: string) => {
  const { reply } = await runCommand(parseCommand(text), contextWith(incident, store, now));
  return {
    reply,
    slack: toSlackMessage(reply),
    json: JSON.stringify(toSlackMessage(reply).blocks),
    plain: toPlainText(reply),
  };
};
const BEFORE = '2024-09-03T16:00:00Z';
const AFTER = '2026-11-29T20:00:00Z';

describe('/summit replies', () => {
  test('status: event, date token, countdown, open questions, next expected update', async () => {
    const r = await ask('status', BEFORE);
    expect(r.json).toContain('Windows Endpoint Security Ecosystem Summit');
    expect(r.json).toContain('<!date^1725951600^{date_long_pretty}|Tuesday, September 10, 2024>');
    expect(r.json).toContain('*in 7 days*');
    expect(r.json).toContain('2 open, 1 partly answered, 1 answered');
    expect(r.json).toMatch(/Next expected update: \*Microsoft's update on the summit discussions/);
    expect(r.slack.text).toBe('Windows Endpoint Security Ecosystem Summit: in 7 days. 3 questions not fully answered.');
    expect((await ask('', BEFORE)).plain).toBe(r.plain);
  });

  test('status long after: days since, nothing outstanding', async () => {
    const r = await ask('status', AFTER);
    expect(r.plain).toContain('took place 810 days ago');
    expect(r.plain).toContain('No expected update is outstanding.');
  });

  test('facts: each with a link to its source; only what was known then', async () => {
    const now = await ask('facts', AFTER);
    for (const f of incident.facts) expect(now.json).toContain(f.source.url);
    const then = await ask('facts', BEFORE);
    expect(then.json).not.toContain('Quick Machine Recovery');
    expect(then.json).toContain('Channel File 291');
  });

  test('facts <topic> shows only that topic; an unknown topic lists the topics', async () => {
    const r = await ask('facts aftermath', AFTER);
    expect(r.plain).toContain('Quick Machine Recovery');
    expect(r.plain).not.toContain('Channel File 291');
    const bad = await ask('facts weather', AFTER);
    // (An admin, as this context's actor is, also gets the note on correcting and retracting.)
    expect(bad.plain.split('\n')[0]).toBe(
      'There is no topic "weather". Topics: outage, summit, aftermath. Try /summit facts outage.',
    );
  });

  test('when: date, zone, place, hosts, countdown', async () => {
    const r = await ask('when', BEFORE);
    for (const s of ['Tuesday, September 10, 2024', 'America/Los_Angeles', 'Redmond', 'Hosts: Microsoft', 'in 7 days'])
      expect(r.plain).toContain(s);
  });

  test('questions: by default those not fully answered, as of the clock, with answers and sources', async () => {
    const early = await ask('questions', '2024-08-01T12:00:00Z');
    expect(early.plain).toMatch(/Q1 \(open\)/);
    const r = await ask('questions', BEFORE);
    expect(r.plain).not.toMatch(/Q1 \(/);
    expect(r.plain).toMatch(/Q2 \(partly answered\)/);
    expect(r.plain).toMatch(/Q3 \(open\)/);
    expect(r.json).toContain('https://www.crowdstrike.com/blog/channel-file-291-rca-available/');
    expect(r.plain).toContain('As of Tuesday, September 3, 2024, 9:00 AM PDT');
    expect((await ask('questions answered', BEFORE)).plain).toMatch(/Q1 \(answered\)[\s\S]*Channel File 291/);
    expect((await ask('questions all', BEFORE)).plain.match(/Q\d \(/g)).toHaveLength(4);
  });

  test('timeline: dated entries with sources, nothing after the clock', async () => {
    const r = await ask('timeline', BEFORE);
    expect(r.plain).toContain('Friday, July 19, 2024, 4:09 AM UTC');
    expect(r.json).toContain('<!date^1721362140^{date_long_pretty} {time}|');
    expect(r.plain).toContain('Friday, August 23, 2024');
    expect(r.plain).not.toContain('Ignite');
    expect((await ask('timeline', AFTER)).plain).toContain('Ignite');
    expect((await ask('timeline', '2024-07-01')).plain.split('\n')[0]).toBe('Nothing on the timeline yet.');
  });

  test('help lists every command with its usage', async () => {
    const r = await ask('help', BEFORE);
    for (const c of typedCommands()) expect(r.plain).toContain(`/summit ${c.usage}`);
  });

  test('anything else names the closest command and points at help', async () => {
    expect((await ask('factz', BEFORE)).plain).toBe(
      'I don’t know factz. Did you mean facts? /summit help lists every command.',
    );
    expect((await ask('questions soon', BEFORE)).plain).toMatch(
      /"soon" is not one of open, answered, all\. Usage: \/summit questions \[open\|answered\|all\]/,
    );
  });

  test('hostile text is echoed escaped in Slack', async () => {
    const r = await ask('<!channel>', BEFORE);
    expect(r.json).toContain('&lt;!channel&gt;');
    expect(r.json).not.toContain('<!channel>');
    expect(r.slack.text).not.toContain('<!channel>');
  });

  test('every reply, whatever the text, stays within Block Kit limits and has fallback text', async () => {
    for (const text of [
      '',
      'facts',
      'questions all',
      'timeline',
      'help',
      'x'.repeat(4000),
      '🎉'.repeat(1000),
      'facts 🎉',
    ]) {
      for (const now of [BEFORE, AFTER]) {
        const { slack } = await ask(text, now);
        expect(slack.text.length).toBeGreaterThan(0);
        expect(slack.blocks.length).toBeLessThanOrEqual(50);
      }
    }
  });
});
