import type { ExternalSelect, ModalView, StaticSelect } from '@slack/types';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { CHANNEL_ID, QUESTION_ID, TEXT_LIMITS } from '../lib/text';
import type { QuestionState } from '../core/questions';
import type { MessageSource } from '../incident/model';
import { code, paragraph, type Reply } from './doc';
import { escapeMrkdwn, truncate } from './format';
import { CALLBACKS, DROP_MODAL, FROM_MESSAGE_MODAL, SOURCE_UPDATE_MODAL, TRACK_MODAL } from './ids';
import { selectOne, type Choice } from './select';
import { errorsByBlock, formText, formUrl, parseMetadata, recordingModal, type StateValues } from './modals';

/** The forms a message shortcut or a chasing nudge opens: Track as question, Use as answer, Not pursued. */

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

const plain = (text: string) => ({ type: 'plain_text' as const, text });
const by = (m: MessageSource) => (m.author ? `<@${m.author}>` : 'someone');

/** Track as question: the message's text (editable, within the question limit), an owner and a due date. */
export function trackQuestionModal(message: MessageSource & { text: string }): ModalView {
  return recordingModal(
    CALLBACKS.trackQuestionModal,
    { channel: message.channel, ts: message.ts, permalink: message.permalink, author: message.author },
    'Track as question',
    `From <${message.permalink}|a message> by ${by(message)}. It becomes the next open question, linked to the message.`,
    [
      {
        type: 'input',
        block_id: TRACK_MODAL.text.block,
        label: plain('Question'),
        element: {
          type: 'plain_text_input',
          action_id: TRACK_MODAL.text.action,
          multiline: true,
          max_length: TEXT_LIMITS.question,
          initial_value: truncate(message.text, TEXT_LIMITS.question),
        },
      },
      {
        type: 'input',
        block_id: TRACK_MODAL.owner.block,
        optional: true,
        label: plain('Owner'),
        element: { type: 'users_select', action_id: TRACK_MODAL.owner.action },
      },
      {
        type: 'input',
        block_id: TRACK_MODAL.due.block,
        optional: true,
        label: plain('Due'),
        element: { type: 'datepicker', action_id: TRACK_MODAL.due.action },
      },
    ],
  );
}

const messageMetadata = z.object({
  channel: z.string().regex(CHANNEL_ID),
  ts: z.string().regex(/^\d{1,12}\.\d{1,8}$/),
  permalink: z.string().url().max(1000),
  author: z
    .string()
    .regex(/^[UWB][A-Z0-9]{2,24}$/)
    .optional(),
});

const trackSchema = z.object({
  text: formText('question'),
  owner: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,24}$/, 'Choose a person.')
    .optional(),
  // The same calendar check as /summit due: a date picker's value, or a forged one such as 2024-02-30.
  due: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'Choose a date.')
    .refine((d) => DateTime.fromISO(d).isValid, 'Choose a real calendar date.')
    .optional(),
});

export function parseTrackSubmission(
  values: StateValues,
  metadata: string,
): Parsed<z.infer<typeof trackSchema> & { message: MessageSource }> | { ok: false; expired: true } {
  const message = parseMetadata(messageMetadata, metadata);
  if (!message) return { ok: false, expired: true };
  const r = trackSchema.safeParse({
    text: values[TRACK_MODAL.text.block]?.[TRACK_MODAL.text.action]?.value ?? '',
    owner: values[TRACK_MODAL.owner.block]?.[TRACK_MODAL.owner.action]?.selected_user ?? undefined,
    due: values[TRACK_MODAL.due.block]?.[TRACK_MODAL.due.action]?.selected_date ?? undefined,
  });
  if (!r.success)
    return {
      ok: false,
      errors: errorsByBlock(r.error.issues, (f) => TRACK_MODAL[f as keyof typeof TRACK_MODAL]?.block),
    };
  return { ok: true, value: { ...r.data, message } };
}

/** The questions not fully answered, as a select offers them. */
export function questionChoices(open: readonly QuestionState[]): Choice[] {
  return open.map((s) => ({ text: `${s.question.id} ${s.question.text}`, value: s.question.id }));
}

/** "None: a general update", then each expected update, as the Record as update form offers them. */
const NO_EXPECTED = '-';
export function expectedChoices(expected: readonly { id: string; text: string }[]): Choice[] {
  return [
    { text: 'None: a general update', value: NO_EXPECTED },
    ...expected.map((e) => ({ text: `${e.id}: ${e.text}`, value: e.id })),
  ];
}

/** Which question (one not fully answered), the status, the answer and its source: the inputs of an answer form. */
function answerInputs(open: readonly QuestionState[], answer: string, source: string): ModalView['blocks'] {
  return [
    {
      type: 'input',
      block_id: FROM_MESSAGE_MODAL.question.block,
      label: plain('Question'),
      // Every question not fully answered, however many (past 100 Slack asks the bot as people type); the
      // handlers open this form only when there is one.
      element: selectOne(FROM_MESSAGE_MODAL.question.action, questionChoices(open), {
        placeholder: 'The question it answers',
      }) as StaticSelect | ExternalSelect,
    },
    {
      type: 'input',
      block_id: FROM_MESSAGE_MODAL.status.block,
      label: plain('Status'),
      element: {
        type: 'radio_buttons',
        action_id: FROM_MESSAGE_MODAL.status.action,
        initial_option: { text: plain('Answered'), value: 'answered' },
        options: [
          { text: plain('Answered'), value: 'answered' },
          { text: plain('Partly answered'), value: 'partial' },
        ],
      },
    },
    {
      type: 'input',
      block_id: FROM_MESSAGE_MODAL.answer.block,
      label: plain('Answer'),
      element: {
        type: 'plain_text_input',
        action_id: FROM_MESSAGE_MODAL.answer.action,
        multiline: true,
        max_length: TEXT_LIMITS.answer,
        initial_value: truncate(answer, TEXT_LIMITS.answer),
      },
    },
    {
      type: 'input',
      block_id: FROM_MESSAGE_MODAL.source.block,
      label: plain('Source URL'),
      element: { type: 'plain_text_input', action_id: FROM_MESSAGE_MODAL.source.action, initial_value: source },
    },
  ];
}

/** Use as answer: the answer form, prefilled from the message. */
export function answerFromMessageModal(
  open: readonly QuestionState[],
  message: MessageSource & { text: string },
  source: string,
): ModalView {
  return recordingModal(
    CALLBACKS.answerFromMessageModal,
    { channel: message.channel },
    'Use as answer',
    `From <${message.permalink}|a message> by ${by(message)}.`,
    answerInputs(open, message.text, source),
  );
}

const answerSchema = z.object({
  question: z.string({ error: 'Choose a question.' }).regex(QUESTION_ID, 'Choose a question.'),
  status: z.enum(['answered', 'partial'], { error: 'Choose answered or partly answered.' }),
  answer: formText('answer'),
  sourceUrl: formUrl,
});

/** The fields of an answer form, or the errors to show beside them. */
function parseAnswerFields(values: StateValues): Parsed<z.infer<typeof answerSchema>> {
  const field = (k: keyof typeof FROM_MESSAGE_MODAL) =>
    values[FROM_MESSAGE_MODAL[k].block]?.[FROM_MESSAGE_MODAL[k].action];
  const r = answerSchema.safeParse({
    question: field('question')?.selected_option?.value,
    status: field('status')?.selected_option?.value,
    answer: field('answer')?.value ?? '',
    sourceUrl: field('source')?.value ?? '',
  });
  if (r.success) return { ok: true, value: r.data };
  const blocks: Record<string, string> = {
    question: FROM_MESSAGE_MODAL.question.block,
    status: FROM_MESSAGE_MODAL.status.block,
    answer: FROM_MESSAGE_MODAL.answer.block,
    sourceUrl: FROM_MESSAGE_MODAL.source.block,
  };
  return { ok: false, errors: errorsByBlock(r.error.issues, (f) => blocks[f]) };
}

export function parseAnswerFromMessage(
  values: StateValues,
  metadata: string,
): Parsed<z.infer<typeof answerSchema> & { channelId?: string }> {
  const meta = parseMetadata(z.object({ channel: z.string().regex(CHANNEL_ID) }), metadata);
  const parsed = parseAnswerFields(values);
  return parsed.ok ? { ok: true, value: { ...parsed.value, channelId: meta?.channel } } : parsed;
}

/** Not pursued: why. */
export function dropModal(state: QuestionState, channelId: string | undefined): ModalView {
  return recordingModal(
    CALLBACKS.dropModal,
    { questionId: state.question.id, channelId },
    `Not pursued: ${state.question.id}`,
    `*${state.question.id}* ${escapeMrkdwn(state.question.text)}`,
    [
      {
        type: 'input',
        block_id: DROP_MODAL.reason.block,
        label: plain('Why is it not pursued?'),
        element: {
          type: 'plain_text_input',
          action_id: DROP_MODAL.reason.action,
          multiline: true,
          max_length: TEXT_LIMITS.reason,
        },
      },
    ],
  );
}

export function parseDropSubmission(
  values: StateValues,
  metadata: string,
): Parsed<{ reason: string; questionId: string; channelId?: string }> | { ok: false; expired: true } {
  const meta = parseMetadata(
    z.object({ questionId: z.string().regex(QUESTION_ID), channelId: z.string().regex(CHANNEL_ID).optional() }),
    metadata,
  );
  if (!meta) return { ok: false, expired: true };
  const r = z
    .object({ reason: formText('reason') })
    .safeParse({ reason: values[DROP_MODAL.reason.block]?.[DROP_MODAL.reason.action]?.value ?? '' });
  if (!r.success) return { ok: false, errors: errorsByBlock(r.error.issues, () => DROP_MODAL.reason.block) };
  return { ok: true, value: { reason: r.data.reason, ...meta } };
}

/** Record as update, on a watched feed's item: which expected update it fulfils (if any), the text, the link. */
export function sourceUpdateModal(
  expected: { id: string; text: string }[],
  item: { itemRef: string; title: string; link?: string; publisher: string },
  channelId: string | undefined,
): ModalView {
  return recordingModal(
    CALLBACKS.sourceUpdateModal,
    { item: item.itemRef, channelId },
    'Record as update',
    `From ${escapeMrkdwn(item.publisher)}: ${escapeMrkdwn(item.title)}`,
    [
      {
        type: 'input',
        block_id: SOURCE_UPDATE_MODAL.expected.block,
        label: plain('Fulfils the expected update'),
        element: selectOne(SOURCE_UPDATE_MODAL.expected.action, expectedChoices(expected), {
          initial: NO_EXPECTED,
        }) as StaticSelect | ExternalSelect,
      },
      {
        type: 'input',
        block_id: SOURCE_UPDATE_MODAL.text.block,
        label: plain('What the update says'),
        element: {
          type: 'plain_text_input',
          action_id: SOURCE_UPDATE_MODAL.text.action,
          multiline: true,
          max_length: TEXT_LIMITS.update,
          initial_value: truncate(item.title, TEXT_LIMITS.update),
        },
      },
      {
        type: 'input',
        block_id: SOURCE_UPDATE_MODAL.url.block,
        optional: true,
        label: plain('Link'),
        element: {
          type: 'plain_text_input',
          action_id: SOURCE_UPDATE_MODAL.url.action,
          initial_value: item.link ?? '',
        },
      },
    ],
  );
}

const sourceUpdateSchema = z.object({
  expected: z.string().regex(/^(-|[A-Za-z0-9][A-Za-z0-9_.-]{0,63})$/, 'Choose one.'),
  text: formText('update'),
  url: formUrl,
});

const itemMetadata = z.object({
  item: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}:[0-9a-f]{16}$/),
  channelId: z.string().regex(CHANNEL_ID).optional(),
});

export function parseSourceUpdate(
  values: StateValues,
  metadata: string,
): Parsed<z.infer<typeof sourceUpdateSchema> & { item: string; channelId?: string }> | { ok: false; expired: true } {
  const meta = parseMetadata(itemMetadata, metadata);
  if (!meta) return { ok: false, expired: true };
  const field = (k: keyof typeof SOURCE_UPDATE_MODAL) =>
    values[SOURCE_UPDATE_MODAL[k].block]?.[SOURCE_UPDATE_MODAL[k].action];
  const r = sourceUpdateSchema.safeParse({
    expected: field('expected')?.selected_option?.value ?? '-',
    text: field('text')?.value ?? '',
    url: field('url')?.value ?? '',
  });
  if (!r.success)
    return {
      ok: false,
      errors: errorsByBlock(r.error.issues, (f) => SOURCE_UPDATE_MODAL[f as keyof typeof SOURCE_UPDATE_MODAL]?.block),
    };
  return { ok: true, value: { ...r.data, ...meta } };
}

/** Answers a question, on a watched feed's item: the answer form with the item's link as the source. */
export function sourceAnswerModal(
  open: readonly QuestionState[],
  item: { itemRef: string; title: string; link?: string; publisher: string },
  channelId: string | undefined,
): ModalView {
  return recordingModal(
    CALLBACKS.sourceAnswerModal,
    { item: item.itemRef, channelId },
    'Use as answer',
    `From ${escapeMrkdwn(item.publisher)}: ${escapeMrkdwn(item.title)}`,
    answerInputs(open, item.title, item.link ?? ''),
  );
}

export function parseSourceAnswer(
  values: StateValues,
  metadata: string,
): Parsed<z.infer<typeof answerSchema> & { item: string; channelId?: string }> | { ok: false; expired: true } {
  const meta = parseMetadata(itemMetadata, metadata);
  if (!meta) return { ok: false, expired: true };
  const parsed = parseAnswerFields(values);
  return parsed.ok ? { ok: true, value: { ...parsed.value, item: meta.item, channelId: meta.channelId } } : parsed;
}

/**
 * A message shortcut used where the bot cannot read (a private channel it is not in, a DM or group DM between
 * people): what is wrong and what to do. A permanent refusal, not "try again".
 */
export function cannotSeeMessageReply(): Reply {
  return {
    summary: 'I can’t see that message, so nothing was recorded.',
    blocks: [
      paragraph(
        'I can’t see that message: it is in a private channel I’m not in, or in a conversation between people. In a channel, invite me with ',
        code('/invite @summit-bot'),
        ' and try again; elsewhere, track it by hand with ',
        code('/summit ask <question>'),
        ' (or record an answer with ',
        code('/summit answer Q2 <answer> <link>'),
        '). Nothing was recorded.',
      ),
    ],
  };
}
