import type { ModalView } from '@slack/types';
import { z } from 'zod';
import {
  CHANNEL_ID,
  checkText,
  checkUrl,
  DATASET_ID,
  QUESTION_ID,
  TEXT_LIMITS,
  type Checked,
  type TextKind,
} from '../lib/text';
import type { QuestionState } from '../core/questions';
import { escapeMrkdwn, truncate } from './format';
import { ANSWER_MODAL, CALLBACKS, UPDATE_MODAL } from './ids';
import type { Reply } from './doc';
import { LIMITS, toSlackBlocks } from './render-slack';

/** A recording form: title, Record / Cancel, a heading saying what it is about, then its inputs. */
export function recordingModal(
  callbackId: string,
  meta: object,
  title: string,
  heading: string,
  inputs: ModalView['blocks'],
): ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: title },
    submit: { type: 'plain_text', text: 'Record' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(heading, 3000) } }, ...inputs],
  };
}

export interface AnswerModalMetadata {
  questionId: string;
  /** Where the button was clicked, to confirm there; absent from the Home tab. */
  channelId?: string;
}

/** The "Record answer" modal for one question. */
export function recordAnswerModal(state: QuestionState, meta: AnswerModalMetadata): ModalView {
  return recordingModal(
    CALLBACKS.recordAnswerModal,
    meta,
    `Answer ${state.question.id}`,
    `*${state.question.id}* ${escapeMrkdwn(state.question.text)}`,
    [
      {
        type: 'input',
        block_id: ANSWER_MODAL.status.block,
        label: { type: 'plain_text', text: 'Status' },
        element: {
          type: 'radio_buttons',
          action_id: ANSWER_MODAL.status.action,
          initial_option: { text: { type: 'plain_text', text: 'Answered' }, value: 'answered' },
          options: [
            { text: { type: 'plain_text', text: 'Answered' }, value: 'answered' },
            { text: { type: 'plain_text', text: 'Partly answered' }, value: 'partial' },
          ],
        },
      },
      {
        type: 'input',
        block_id: ANSWER_MODAL.answer.block,
        label: { type: 'plain_text', text: 'Answer' },
        element: {
          type: 'plain_text_input',
          action_id: ANSWER_MODAL.answer.action,
          multiline: true,
          max_length: TEXT_LIMITS.answer,
        },
      },
      {
        type: 'input',
        block_id: ANSWER_MODAL.source.block,
        optional: true,
        label: { type: 'plain_text', text: 'Source URL' },
        hint: { type: 'plain_text', text: 'Where the answer comes from: an http:// or https:// link.' },
        element: {
          type: 'plain_text_input',
          action_id: ANSWER_MODAL.source.action,
          placeholder: { type: 'plain_text', text: 'https://' },
        },
      },
    ],
  );
}

/** "the answer is 2400 characters; at most 2000" -> "The answer is 2400 characters; at most 2000." */
const sentence = (fragment: string): string => `${fragment.charAt(0).toUpperCase()}${fragment.slice(1)}.`;

/** A form field held to the same check as the slash command's text (lib/text.ts). */
export function checked<T>(check: (raw: string) => Checked<T>) {
  return z.string().transform((raw, ctx) => {
    const r = check(raw);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: sentence(r.problem) });
    return z.NEVER;
  });
}
export const formText = (kind: TextKind) => checked((raw) => checkText(kind, raw));
/** An optional link: empty means none. */
export const formUrl = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  checked(checkUrl).optional(),
);

const submissionSchema = z.object({
  status: z.enum(['answered', 'partial'], { error: 'Choose answered or partly answered.' }),
  answer: formText('answer'),
  sourceUrl: formUrl,
});

export type AnswerSubmission = z.infer<typeof submissionSchema>;

/** Slack's view.state.values, as far as this modal needs it. */
export type StateValues = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_user?: string | null;
      selected_date?: string | null;
      selected_time?: string | null;
      selected_date_time?: number | null;
      selected_options?: { value: string }[] | null;
    }
  >
>;

const FIELD_BLOCK: Record<keyof AnswerSubmission, string> = {
  status: ANSWER_MODAL.status.block,
  answer: ANSWER_MODAL.answer.block,
  sourceUrl: ANSWER_MODAL.source.block,
};

/**
 * Parses the submitted modal once, with zod. On failure, returns errors keyed by block id for
 * `response_action: errors`, so they show beside the fields and nothing is stored.
 */
export function parseAnswerSubmission(
  values: StateValues,
): { ok: true; value: AnswerSubmission } | { ok: false; errors: Record<string, string> } {
  const raw = {
    status: values[ANSWER_MODAL.status.block]?.[ANSWER_MODAL.status.action]?.selected_option?.value,
    answer: values[ANSWER_MODAL.answer.block]?.[ANSWER_MODAL.answer.action]?.value ?? '',
    sourceUrl: values[ANSWER_MODAL.source.block]?.[ANSWER_MODAL.source.action]?.value ?? '',
  };
  const r = submissionSchema.safeParse(raw);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, errors: errorsByBlock(r.error.issues, (f) => FIELD_BLOCK[f as keyof AnswerSubmission]) };
}

/** zod issues -> Slack's `response_action: errors` map: the first message per input block. */
export function errorsByBlock(
  issues: z.core.$ZodIssue[],
  blockOf: (field: string) => string | undefined,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const block = blockOf(String(issue.path[0]));
    if (block && !errors[block]) errors[block] = issue.message;
  }
  return errors;
}

/** private_metadata comes back from Slack as we wrote it, but is checked like any input: known shapes, bounded. */
const channelId = z.string().regex(CHANNEL_ID).optional();
const answerMetadata = z.object({ questionId: z.string().regex(QUESTION_ID), channelId });
const updateMetadata = z.object({ expectedId: z.string().regex(DATASET_ID), channelId });

export function parseMetadata<T>(schema: z.ZodType<T>, text: string): T | undefined {
  if (text.length > 1500) return undefined;
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function parseAnswerMetadata(text: string): AnswerModalMetadata | undefined {
  return parseMetadata(answerMetadata, text);
}

export interface UpdateModalMetadata {
  expectedId: string;
  channelId?: string;
}

/** The "Record update" modal of an update nudge. */
export function recordUpdateModal(expectedId: string, text: string, meta: UpdateModalMetadata): ModalView {
  return recordingModal(
    CALLBACKS.recordUpdateModal,
    meta,
    'Record update',
    `*${escapeMrkdwn(expectedId)}*: ${escapeMrkdwn(text)}`,
    [
      {
        type: 'input',
        block_id: UPDATE_MODAL.text.block,
        label: { type: 'plain_text', text: 'What the update says' },
        element: {
          type: 'plain_text_input',
          action_id: UPDATE_MODAL.text.action,
          multiline: true,
          max_length: TEXT_LIMITS.update,
        },
      },
      {
        type: 'input',
        block_id: UPDATE_MODAL.url.block,
        optional: true,
        label: { type: 'plain_text', text: 'Link' },
        element: {
          type: 'plain_text_input',
          action_id: UPDATE_MODAL.url.action,
          placeholder: { type: 'plain_text', text: 'https://' },
        },
      },
    ],
  );
}

const updateSchema = z.object({
  text: formText('update'),
  url: formUrl,
});

export type UpdateSubmission = z.infer<typeof updateSchema>;

export function parseUpdateSubmission(
  values: StateValues,
): { ok: true; value: UpdateSubmission } | { ok: false; errors: Record<string, string> } {
  const r = updateSchema.safeParse({
    text: values[UPDATE_MODAL.text.block]?.[UPDATE_MODAL.text.action]?.value ?? '',
    url: values[UPDATE_MODAL.url.block]?.[UPDATE_MODAL.url.action]?.value ?? '',
  });
  return r.success
    ? { ok: true, value: r.data }
    : {
        ok: false,
        errors: errorsByBlock(r.error.issues, (f) => (f === 'url' ? UPDATE_MODAL.url.block : UPDATE_MODAL.text.block)),
      };
}

export function parseUpdateMetadata(text: string): UpdateModalMetadata | undefined {
  return parseMetadata(updateMetadata, text);
}

/** A modal that only tells something (a refusal where there is no response_url, as on the Home tab). */
export function noticeModal(reply: Reply): ModalView {
  // Rendered as a message is (people as mentions, links as links, dates in the reader's zone), within a modal's
  // 100 blocks.
  return {
    type: 'modal',
    title: { type: 'plain_text', text: 'summit-bot' },
    close: { type: 'plain_text', text: 'OK' },
    blocks: toSlackBlocks(reply, { maxBlocks: LIMITS.blocksPerView }),
  };
}

/** A form whose hidden metadata no longer reads: what to do, beside the field. */
export function formExpired(button: string): string {
  return `This form has expired. Close it and press ${button} again.`;
}
