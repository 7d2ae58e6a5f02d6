import { ManualClock } from '../../src/lib/clock';
import { ACTIONS, CALLBACKS, CURATE_MODAL, FROM_MESSAGE_MODAL, SOURCE_UPDATE_MODAL } from '../../src/views/ids';
import { startBotWithAdmins, SIGNING_SECRET, type TestBot } from '../helpers/bot';
import { buttonPress, interactionBody, postSigned, slashCommandBody, viewSubmission } from '../helpers/slack-requests';
import { eventually } from '../helpers/wait';

const ADMIN = 'U0LISTED';
const MEMBER = 'U0MEMBER';
const ITEM = 'ms-security:0123456789abcdef';

/** The triage buttons on a watched feed's item, pressed through the real receiver, recording what they say. */
describe('triaging a watched feed item', () => {
  const clock = new ManualClock('2025-01-15T17:00:00Z');
  let bot: TestBot;

  beforeEach(async () => {
    bot = await startBotWithAdmins([ADMIN], clock);
    await bot.store.feeds.recordSeen([
      {
        feedId: 'ms-security',
        itemKey: 'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
        itemRef: ITEM,
        title: 'Moving security tools out of the kernel',
        link: 'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
        matched: ['kernel'],
        post: true,
        seenAt: new Date('2025-01-15T16:00:00Z'),
      },
    ]);
  });
  afterEach(() => bot.stop());

  const press = async (actionId: string, userId: string) => {
    const payload = {
      ...buttonPress({ actionId, value: ITEM, userId, channelId: 'C0GENERAL', responseUrl: bot.fake.hookUrl('t') }),
      message: { ts: '1736960000.000900', text: 'x' },
    };
    await postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
  };
  const interact = (payload: Record<string, unknown>) =>
    postSigned(bot.events, interactionBody(payload), { secret: SIGNING_SECRET });
  const sources = async () =>
    (await (
      await postSigned(bot.events, slashCommandBody('sources', { user_id: MEMBER }), { secret: SIGNING_SECRET })
    ).json()) as { blocks: unknown[] };

  test('Not relevant: recorded with who and when, the post updated to say so; a second press says it was done', async () => {
    await press(ACTIONS.sourceDismiss, ADMIN);
    const update = await eventually(() => bot.fake.callsTo('chat.update')[0]);
    expect(update.body).toMatchObject({ channel: 'C0GENERAL', ts: '1736960000.000900' });
    expect(JSON.stringify(update.body.blocks)).toContain(`Marked not relevant by <@${ADMIN}>`);
    expect(JSON.stringify(update.body.blocks)).not.toContain('summit_source_');
    expect(await bot.store.feeds.triage([ITEM])).toMatchObject([{ action: 'dismissed', actor: { id: ADMIN } }]);
    expect((await bot.store.auditLog()).map((a) => a.action)).toEqual(['source.dismissed']);
    await press(ACTIONS.sourceDismiss, ADMIN);
    const again = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(again.body.text)).toMatch(/^That item was already marked not relevant/);
    expect(JSON.stringify(await sources())).toContain('not relevant');
  });

  test('a member may not triage: refused, nothing recorded', async () => {
    await press(ACTIONS.sourceDismiss, MEMBER);
    const refusal = await eventually(() => bot.fake.callsTo('response_url')[0]);
    expect(String(refusal.body.text)).toMatch(/^Only admins can triage sources/);
    expect(await bot.store.feeds.triage([ITEM])).toEqual([]);
  });

  test('Record as update: the form has the title and link; submitting records the update for the expected one, and the triage', async () => {
    await press(ACTIONS.sourceRecordUpdate, ADMIN);
    const view = await eventually(() => bot.fake.callsTo('views.open')[0]);
    const v = view.body.view as {
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    expect(v.blocks.find((b) => b.block_id === SOURCE_UPDATE_MODAL.url.block)?.element?.initial_value).toBe(
      'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
    );
    const submit = () =>
      interact(
        viewSubmission({
          callbackId: CALLBACKS.sourceUpdateModal,
          userId: ADMIN,
          metadata: v.private_metadata,
          values: {
            [SOURCE_UPDATE_MODAL.expected.block]: {
              [SOURCE_UPDATE_MODAL.expected.action]: {
                type: 'static_select',
                selected_option: { value: 'post-summit' },
              },
            },
            [SOURCE_UPDATE_MODAL.text.block]: {
              [SOURCE_UPDATE_MODAL.text.action]: { type: 'plain_text_input', value: 'Security tools leave the kernel' },
            },
            [SOURCE_UPDATE_MODAL.url.block]: {
              [SOURCE_UPDATE_MODAL.url.action]: {
                type: 'plain_text_input',
                value: 'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
              },
            },
          },
        }),
      );
    const res = await submit();
    expect(res.status).toBe(200);
    expect((await bot.store.state()).updates).toMatchObject([
      { expectedId: 'post-summit', text: 'Security tools leave the kernel' },
    ]);
    expect(await bot.store.feeds.triage([ITEM])).toMatchObject([{ action: 'update', detail: 'post-summit' }]);
    // The same form submitted again (a second, separately signed request): refused like a second button press.
    const again = await submit();
    const body = (await again.json()) as { response_action?: string; errors?: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.values(body.errors ?? {})[0]).toMatch(/^That item was already recorded as an update by /);
    expect((await bot.store.state()).updates).toHaveLength(1);
    expect(await bot.store.feeds.triage([ITEM])).toHaveLength(1);
  });

  test('Add as source: the Add source form prefilled from the item; submitting adds the source and triages the item once', async () => {
    await press(ACTIONS.sourceAddAsSource, ADMIN);
    const view = await eventually(() => bot.fake.callsTo('views.open')[0]);
    const v = view.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string; initial_date?: string } }[];
    };
    expect(v.callback_id).toBe(CALLBACKS.curateModal);
    const initial = (field: keyof typeof CURATE_MODAL) =>
      v.blocks.find((b) => b.block_id === CURATE_MODAL[field].block)?.element;
    expect(initial('url')?.initial_value).toBe('https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/');
    expect(initial('title')?.initial_value).toBe('Moving security tools out of the kernel');
    expect(initial('publisher')?.initial_value).toBe('Microsoft Security Blog');
    // No publication date in the item: the day it was seen, in the incident's zone.
    expect(initial('date')?.initial_date).toBe('2025-01-15');
    const field = (f: keyof typeof CURATE_MODAL, value: Record<string, unknown>) => ({
      [CURATE_MODAL[f].block]: { [CURATE_MODAL[f].action]: value },
    });
    const submit = () =>
      interact(
        viewSubmission({
          callbackId: CALLBACKS.curateModal,
          userId: ADMIN,
          metadata: v.private_metadata,
          values: {
            ...field('url', { type: 'plain_text_input', value: initial('url')?.initial_value }),
            ...field('title', { type: 'plain_text_input', value: initial('title')?.initial_value }),
            ...field('publisher', { type: 'plain_text_input', value: 'Microsoft Security Blog' }),
            ...field('date', { type: 'datepicker', selected_date: '2025-01-14' }),
          },
        }),
      );
    expect((await submit()).status).toBe(200);
    expect((await bot.store.state()).curations).toMatchObject([
      { kind: 'source', action: 'add', itemId: 'microsoft-security-blog-2025-01-14' },
    ]);
    expect(await bot.store.feeds.triage([ITEM])).toMatchObject([
      { action: 'source', detail: 'microsoft-security-blog-2025-01-14' },
    ]);
    const again = (await (await submit()).json()) as { response_action?: string; errors?: Record<string, string> };
    expect(again.response_action).toBe('errors');
    expect(Object.values(again.errors ?? {})[0]).toMatch(/^That item was already added as a source by /);
    expect((await bot.store.state()).curations).toHaveLength(1);
  });

  test('Answers a question: the answer form with the link as its source; submitting records the answer and the triage', async () => {
    await press(ACTIONS.sourceAnswer, ADMIN);
    const view = await eventually(() => bot.fake.callsTo('views.open')[0]);
    const v = view.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: { initial_value?: string } }[];
    };
    expect(v.callback_id).toBe(CALLBACKS.sourceAnswerModal);
    expect(v.blocks.find((b) => b.block_id === FROM_MESSAGE_MODAL.source.block)?.element?.initial_value).toBe(
      'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
    );
    await interact(
      viewSubmission({
        callbackId: CALLBACKS.sourceAnswerModal,
        userId: ADMIN,
        metadata: v.private_metadata,
        values: {
          [FROM_MESSAGE_MODAL.question.block]: {
            [FROM_MESSAGE_MODAL.question.action]: { type: 'static_select', selected_option: { value: 'Q2' } },
          },
          [FROM_MESSAGE_MODAL.status.block]: {
            [FROM_MESSAGE_MODAL.status.action]: { type: 'radio_buttons', selected_option: { value: 'partial' } },
          },
          [FROM_MESSAGE_MODAL.answer.block]: {
            [FROM_MESSAGE_MODAL.answer.action]: { type: 'plain_text_input', value: 'Security tools move to user mode' },
          },
          [FROM_MESSAGE_MODAL.source.block]: {
            [FROM_MESSAGE_MODAL.source.action]: {
              type: 'plain_text_input',
              value: 'https://www.microsoft.com/en-us/security/blog/2025/01/14/kernel/',
            },
          },
        },
      }),
    );
    expect((await bot.store.state()).changes).toMatchObject([
      { questionId: 'Q2', status: 'partial', answer: 'Security tools move to user mode' },
    ]);
    expect(await bot.store.feeds.triage([ITEM])).toMatchObject([{ action: 'answer', detail: 'Q2' }]);
    expect(JSON.stringify(await sources())).toContain('recorded as an answer');
  });
});
