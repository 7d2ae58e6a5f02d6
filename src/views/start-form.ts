import type { ModalView } from '@slack/types';
import { IANAZone } from 'luxon';
import { sanitize } from '../lib/text';
import { CALLBACKS, START_MODAL } from './ids';
import { parseMetadata, type StateValues } from './modals';
import { z } from 'zod';
import { CHANNEL_ID } from '../lib/text';

/** The Start an incident form (/summit new): Title, Id, Time zone, Summary, GitHub repository. */

const plain = (text: string) => ({ type: 'plain_text' as const, text });

export function startIncidentModal(o: { timezone: string; channelId?: string }): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACKS.startIncidentModal,
    private_metadata: JSON.stringify({ channelId: o.channelId }),
    title: plain('Start an incident'),
    submit: plain('Start'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'A new incident to follow. The channel it is started in follows it; add its sources and facts next.',
        },
      },
      {
        type: 'input',
        block_id: START_MODAL.title.block,
        label: plain('Title'),
        element: { type: 'plain_text_input', action_id: START_MODAL.title.action, max_length: 150 },
      },
      {
        type: 'input',
        block_id: START_MODAL.id.block,
        label: plain('Id'),
        optional: true,
        hint: plain('How commands name it (/summit <id> facts). Left empty: made from the title.'),
        element: {
          type: 'plain_text_input',
          action_id: START_MODAL.id.action,
          max_length: 40,
          placeholder: plain('such as cloud-outage-2026'),
        },
      },
      {
        type: 'input',
        block_id: START_MODAL.timezone.block,
        label: plain('Time zone'),
        hint: plain('An IANA zone, such as America/Los_Angeles: dates of the incident are days in it.'),
        element: {
          type: 'plain_text_input',
          action_id: START_MODAL.timezone.action,
          max_length: 64,
          initial_value: o.timezone,
        },
      },
      {
        type: 'input',
        block_id: START_MODAL.summary.block,
        label: plain('Summary'),
        element: { type: 'plain_text_input', action_id: START_MODAL.summary.action, multiline: true, max_length: 2000 },
      },
      {
        type: 'input',
        block_id: START_MODAL.github.block,
        label: plain('GitHub repository'),
        optional: true,
        hint: plain('owner/name: /summit issue Q1 makes a question an issue there, and its changes come back.'),
        element: {
          type: 'plain_text_input',
          action_id: START_MODAL.github.action,
          max_length: 140,
          placeholder: plain('such as example-org/incident-follow-ups'),
        },
      },
    ],
  };
}

/** Which form field a data set field is shown beside. */
export const START_FIELD_BLOCKS: Record<string, string> = {
  id: START_MODAL.id.block,
  title: START_MODAL.title.block,
  timezone: START_MODAL.timezone.block,
  summary: START_MODAL.summary.block,
  github: START_MODAL.github.block,
};

const meta = z.object({ channelId: z.string().regex(CHANNEL_ID).optional() });

/** The form's fields as typed (checked by the data set's schema in the handler), and where it was opened. */
export function parseStartSubmission(
  values: StateValues,
  metadata: string,
): { title: string; id?: string; timezone: string; summary: string; github?: string; channelId?: string } | undefined {
  const m = parseMetadata(meta, metadata);
  if (!m) return undefined;
  const v = (f: keyof typeof START_MODAL) =>
    sanitize(values[START_MODAL[f].block]?.[START_MODAL[f].action]?.value ?? '').trim();
  return {
    title: v('title'),
    ...(v('id') !== '' && { id: v('id').toLowerCase() }),
    timezone: v('timezone'),
    summary: v('summary'),
    ...(v('github') !== '' && { github: v('github') }),
    ...(m.channelId !== undefined && { channelId: m.channelId }),
  };
}

/** A zone Slack gave for a person, if it is one the bot knows; else UTC. */
export function zoneOr(tz: string | undefined): string {
  return tz !== undefined && IANAZone.isValidZone(tz) ? tz : 'UTC';
}
