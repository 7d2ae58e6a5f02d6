import { homeData } from '../../../src/commands/home';
import { homeReply } from '../../../src/views/home';
import { contextWith, testStore } from '../../helpers/store';
import { applyFollowUps } from '../../../src/core/follow-up';
import { eventNow } from '../../../src/core/countdown';
import { outstandingUpdates } from '../../../src/core/incident';
import { questionsAsOf } from '../../../src/core/questions';
import { EMPTY_STATE } from '../../../src/core/records';
import { homeView } from '../../../src/views/home';
import { MAX_LISTED_QUESTIONS, questionsReply } from '../../../src/views/replies';
import { toSlackMessage } from '../../../src/views/render-slack';
import { toPlainText } from '../../../src/views/render-text';
import { ACTIONS, ANSWER_MODAL } from '../../../src/views/ids';
import { parseAnswerMetadata, parseAnswerSubmission, recordAnswerModal } from '../../../src/views/modals';
import { defaultIncident } from '../../helpers/incident';

const values = (status: string | null, answer: string | null, source: string | null) => ({
  [ANSWER_MODAL.status.block]: { [ANSWER_MODAL.status.action]: { selected_option: status ? { value: status } : null } },
  [ANSWER_MODAL.answer.block]: { [ANSWER_MODAL.answer.action]: { value: answer } },
  [ANSWER_MODAL.source.block]: { [ANSWER_MODAL.source.action]: { value: source } },
});

describe('the record-answer modal', () => {
  test('a valid submission parses to a typed answer (empty source is no source)', () => {
    expect(parseAnswerSubmission(values('partial', '  Some of it  ', ''))).toEqual({
      ok: true,
      value: { status: 'partial', answer: 'Some of it', sourceUrl: undefined },
    });
    expect(parseAnswerSubmission(values('answered', 'All', ' https://example.com/x ')).ok).toBe(true);
  });

  test('each invalid field gets its own message, keyed by block id', () => {
    const r = parseAnswerSubmission(values(null, '', 'ftp://x'));
    expect(r).toEqual({
      ok: false,
      errors: {
        [ANSWER_MODAL.status.block]: 'Choose answered or partly answered.',
        [ANSWER_MODAL.answer.block]: 'Write the answer.',
        [ANSWER_MODAL.source.block]: 'The source must be an http:// or https:// URL, not "ftp://x".',
      },
    });
    expect(parseAnswerSubmission(values('answered', 'x'.repeat(2001), null))).toMatchObject({
      ok: false,
      errors: { [ANSWER_MODAL.answer.block]: 'The answer is 2001 characters; at most 2000.' },
    });
  });

  test('the modal escapes the question and carries its metadata', () => {
    const incident = defaultIncident();
    const [state] = questionsAsOf([{ id: 'Q9', text: '<!channel> & <@U1>', history: [], assignments: [] }], new Date());
    if (!state) throw new Error('no state');
    const view = recordAnswerModal(state, { questionId: 'Q9', channelId: 'C1' });
    expect(JSON.stringify(view.blocks[0])).toContain('&lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(parseAnswerMetadata(view.private_metadata ?? '')).toEqual({ questionId: 'Q9', channelId: 'C1' });
    expect(parseAnswerMetadata('not json')).toBeUndefined();
    expect(incident.questions.length).toBe(4);
  });
});

describe('the Home tab', () => {
  test('stays within 100 blocks with many open questions, and says how many more there are', () => {
    const base = defaultIncident();
    const many = applyFollowUps(base, {
      ...EMPTY_STATE,
      questions: Array.from({ length: 150 }, (_, i) => ({
        questionId: `Q${i + 5}`,
        text: `Question ${i + 5}`,
        actor: { id: 'U1', name: 'a' },
        at: new Date('2025-01-01'),
      })),
    });
    const now = new Date('2025-06-01');
    const open = questionsAsOf(many.questions, now, 'open');
    const view = homeView({
      incident: many,
      event: eventNow(many, now),
      open,
      yours: [],
      latest: [],
      outstanding: outstandingUpdates(many, now),
      canRecord: true,
      now,
    });
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const json = JSON.stringify(view.blocks);
    // 153 open questions: those shown plus "…and N more" add up to all of them.
    const shown = view.blocks.filter((b) => (b as { accessory?: unknown }).accessory !== undefined).length;
    expect(open).toHaveLength(153);
    expect(json).toContain(`…and ${153 - shown} more`);
    expect(json).toContain(ACTIONS.recordAnswer);
    expect(json).toContain('Expected updates');
  });

  test('a list thousands long: the document lists a bounded number, and the one "…and N more" counts every question left out', () => {
    const base = defaultIncident();
    const many = applyFollowUps(base, {
      ...EMPTY_STATE,
      questions: Array.from({ length: 3000 }, (_, i) => ({
        questionId: `Q${i + 5}`,
        text: `Question ${i + 5}`,
        actor: { id: 'U1', name: 'a' },
        at: new Date('2025-01-01'),
      })),
    });
    const now = new Date('2025-06-01');
    const open = questionsAsOf(many.questions, now, 'open');
    const view = homeView({
      incident: many,
      event: eventNow(many, now),
      open,
      yours: [],
      latest: [],
      outstanding: outstandingUpdates(many, now),
      canRecord: false,
      now,
    });
    const shown = view.blocks.filter((b) =>
      /^\*Q\d+\*/.test((b as { text?: { text?: string } }).text?.text ?? ''),
    ).length;
    expect(JSON.stringify(view.blocks).match(/…and \d+ more/g)).toEqual([`…and ${open.length - shown} more`]);
    const reply = questionsReply(open, 'open', now, 'UTC');
    const message = toSlackMessage(reply);
    const listed = message.blocks.filter((b) =>
      /^\*Q\d+\*/.test((b as { text?: { text?: string } }).text?.text ?? ''),
    ).length;
    expect(JSON.stringify(message.blocks).match(/…and \d+ more/g)).toEqual([`…and ${open.length - listed} more`]);
    expect(toPlainText(reply)).toContain(`…and ${open.length - MAX_LISTED_QUESTIONS} more`);
  });
});

describe('the Home tab: Yours', () => {
  test("the viewer's own questions come first, with owner, due date and overdue", async () => {
    const store = await testStore();
    try {
      await store.recordAssignment({
        questionId: 'Q3',
        field: 'owner',
        value: 'U0ME',
        actor: { id: 'U0ADMIN', name: 'ada' },
        at: new Date('2025-01-01'),
      });
      await store.recordAssignment({
        questionId: 'Q3',
        field: 'due',
        value: '2025-01-10',
        actor: { id: 'U0ADMIN', name: 'ada' },
        at: new Date('2025-01-01'),
      });
      const ctx = {
        ...contextWith(defaultIncident(), store, '2025-01-15T17:00:00Z'),
        actor: { id: 'U0ME', name: 'me' },
      };
      const text = toPlainText(homeReply(await homeData(ctx)));
      expect(text.indexOf('Yours (1)')).toBeGreaterThan(-1);
      expect(text.indexOf('Yours (1)')).toBeLessThan(text.indexOf('Questions not fully answered'));
      expect(text).toContain('owner @U0ME, due Friday, January 10, 2025 — overdue');
      const other = { ...ctx, actor: { id: 'U0OTHER', name: 'o' } };
      expect(toPlainText(homeReply(await homeData(other)))).not.toContain('Yours');
    } finally {
      await store.close();
    }
  });
});
