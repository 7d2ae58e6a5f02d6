import fc from 'fast-check';
import { parseCommand } from '../../src/commands/registry';
import { runCommand } from '../../src/commands/run';
import { checkSlackPayload } from '../../src/slack/payload';
import {
  parseAnswerMetadata,
  parseAnswerSubmission,
  parseUpdateMetadata,
  parseUpdateSubmission,
} from '../../src/views/modals';
import { LIMITS, toSlackMessage } from '../../src/views/render-slack';
import { defaultIncident } from '../helpers/incident';
import { contextWith, MEMBER, ADMIN, testStore } from '../helpers/store';
import type { FollowUpStore } from '../../src/store/repository';

/**
 * Thousands of random and hostile inputs through the grammar, the command path and the payload parsers: nothing
 * throws, every reply fits Block Kit's limits, and nothing a user typed can come out as a live mention or link.
 */

const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<#C123>',
  '<!subteam^S1>',
  '<https://evil.example|bank>',
  '&lt;!channel&gt;',
  '&amp;',
  '\u202e',
  '\u2066',
  '\u0000',
  '\u0085',
  '\u2028',
  '`',
  '*',
  '|',
  '>',
  'https://example.com/x',
  'javascript:alert(1)',
  'Q1',
  'Q9999',
  'post-summit',
];
const VERBS = [
  '',
  'status',
  'facts',
  'when',
  'questions',
  'timeline',
  'updates',
  'history',
  'answer',
  'partial',
  'reopen',
  'ask',
  'update',
  'subscribe',
  'unsubscribe',
  'remind',
  'schedule',
  'help',
  'frobnicate',
];

const word = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const commandText = fc
  .tuple(fc.constantFrom(...VERBS), fc.array(word, { maxLength: 12 }))
  .map(([verb, words]) => [verb, ...words].join(' '));

/** Slack's own tokens the bot writes on purpose: date tokens, and mentions of the data set's admin ids. */
function withoutOwnTokens(text: string): string {
  return text.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, '').replace(/<@U0ADMIN>/g, '');
}

function checkMessage(reply: Parameters<typeof toSlackMessage>[0]): void {
  const message = toSlackMessage(reply, { shareable: true });
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  expect(message.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  for (const b of message.blocks as { type: string; text?: { text: string }; elements?: { text?: string }[] }[]) {
    if (b.type === 'section') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'header') expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.headerText);
  }
  const json = withoutOwnTokens(JSON.stringify(message));
  expect(json).not.toMatch(/<!|<@|<#/);
}

describe('properties of the command path', () => {
  let store: FollowUpStore;
  const incident = defaultIncident();
  beforeAll(async () => {
    store = await testStore();
  });
  afterAll(() => store.close());

  test('parseCommand never throws, on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(commandText, fc.string({ maxLength: 6000 }), fc.string({ unit: 'binary', maxLength: 500 })),
        (text) => {
          parseCommand(text);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('every reply, for admins and members, stays within Block Kit limits and never pings or links what a user typed', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, fc.boolean(), async (text, admin) => {
        const ctx = {
          ...contextWith(incident, store, '2025-01-15T17:00:00Z', admin ? ADMIN : MEMBER),
          channelId: 'C0PROP',
        };
        const { reply } = await runCommand(parseCommand(text), ctx);
        checkMessage(reply);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('properties of payload parsing', () => {
  test('checkSlackPayload never throws on any body', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 2000 }), fc.json(), fc.string({ unit: 'binary', maxLength: 500 })),
        fc.constantFrom<'form' | 'json'>('form', 'json'),
        (body, kind) => {
          const r = checkSlackPayload(kind, Buffer.from(body));
          expect(r === undefined || typeof r === 'string').toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('form state and private_metadata of any shape never throw, and what passes is within the limits', () => {
    const value = fc.oneof(fc.constant(null), fc.string({ maxLength: 3000 }), fc.constantFrom(...HOSTILE));
    fc.assert(
      fc.property(value, value, value, fc.string({ maxLength: 800 }), (status, text, url, meta) => {
        const a = parseAnswerSubmission({
          answer_status: { status: { selected_option: status === null ? null : { value: status } } },
          answer_text: { answer: { value: text } },
          answer_source: { source_url: { value: url } },
        });
        if (a.ok) {
          expect(a.value.answer.length).toBeLessThanOrEqual(2000);
          // eslint-disable-next-line no-control-regex
          expect(a.value.answer).not.toMatch(/[\u0000-\u0008\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
        }
        const u = parseUpdateSubmission({
          update_text: { text: { value: text } },
          update_url: { url: { value: url } },
        });
        if (u.ok) expect(u.value.text.length).toBeLessThanOrEqual(1000);
        const am = parseAnswerMetadata(meta);
        if (am) expect(am.questionId).toMatch(/^Q[1-9]\d{0,3}$/);
        const um = parseUpdateMetadata(meta);
        if (um) expect(um.expectedId.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 3000 },
    );
  });
});
