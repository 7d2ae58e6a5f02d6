import { reminderTitle } from './reminder';
import type { PlannedReminder, QuietReason } from '../core/plan';
import { sentenceReply, bold, code, date, list, note, paragraph, type Line, type Reply } from './doc';

/** How far ahead /summit schedule looks. */
export const SCHEDULE_DAYS = 60;

export interface ScheduleData {
  /** "this channel", "you" (DM) or "the console". */
  who: string;
  subscribed: boolean;
  upcoming: PlannedReminder[];
  zone: string;
  /** How to start receiving them, when not subscribed. */
  howToSubscribe: string;
  /** Why nothing is planned, when nothing is (core/plan.ts, quietReasons). */
  quiet?: QuietReason[];
}

/** One reason why nothing is planned, as a sentence. */
function quietLine(r: QuietReason, zone: string): Line {
  switch (r.kind) {
    case 'no-reminders':
      return ['The data set has no reminders: section.'];
    case 'event-not-announced':
      return ['No event has been announced yet, so there is no countdown.'];
    case 'event-past':
      return ['The event was on ', date(r.at, zone), ', so the countdown is over.'];
    case 'nothing-expected':
      return ['No update is expected (every one promised has been recorded).'];
    case 'digests-ended':
      return r.last
        ? [
            'The digests of open questions have ended: the last was due on ',
            date(r.last, zone),
            ` (they run until ${r.until} after the event).`,
          ]
        : ['The digests of open questions ended ', r.until, ' after the event, on ', date(r.at, zone), '.'];
    case 'no-open-questions':
      return ['No question is open, so there is no digest.'];
  }
}

/** The next reminders for one target, with their times in the reader's zone. */
export function scheduleReply({ who, subscribed, upcoming, zone, howToSubscribe, quiet = [] }: ScheduleData): Reply {
  const head = subscribed
    ? `Next reminders for ${who}`
    : `${who[0]?.toUpperCase()}${who.slice(1)} ${who === 'you' ? 'are' : 'is'} not subscribed. If ${who === 'you' ? 'you were' : 'it were'}, the next reminders would be`;
  const blocks = [paragraph(bold(`${head}:`))];
  if (upcoming.length === 0 && quiet.length === 0)
    blocks.push(paragraph(`Nothing is planned in the next ${SCHEDULE_DAYS} days.`));
  else if (upcoming.length === 0)
    blocks.push(paragraph('Nothing is planned:'), list(quiet.map((r) => quietLine(r, zone))));
  else blocks.push(list(upcoming.map((r) => [date(r.at, zone, true), ' — ', reminderTitle(r)])));
  if (!subscribed) blocks.push(note(code(howToSubscribe), ' starts them.'));
  return {
    summary:
      upcoming.length === 0
        ? 'No reminders planned.'
        : `Next reminder: ${upcoming[0] ? reminderTitle(upcoming[0]) : ''}`,
    blocks,
    share: 'schedule',
  };
}

export function subscriptionReply(text: string, share = true): Reply {
  return sentenceReply(text, share ? 'schedule' : undefined);
}

const INVITE = '/invite @summit-bot';

/** Why a channel cannot be subscribed, and how to fix it. Nothing was changed. */
export function subscriptionRefusedReply(access: 'private' | 'archived' | 'group-dm' | 'unknown'): Reply {
  const text =
    access === 'group-dm'
      ? 'Reminders can’t go to a group DM: I can’t read a group DM’s history, which I need so that no reminder is ever posted twice. Subscribe a channel instead, or each of you can get them by DM with /summit remind me. Nothing was changed.'
      : access === 'private'
        ? 'I can’t see this channel: it is private and I’m not in it. Invite me with /invite @summit-bot, then run /summit subscribe again. Nothing was changed.'
        : access === 'archived'
          ? 'This channel is archived, so it cannot receive reminders. Nothing was changed.'
          : 'I could not check with Slack that I can post here just now, so nothing was changed. Please try again in a moment.';
  return sentenceReply(text);
}

/** /summit schedule in a channel whose reminders stopped: why, and how to start them again. */
export function brokenScheduleReply(status: 'broken' | 'disabled', reason: string | undefined): Reply {
  const archived = reason?.startsWith('is_archived') === true;
  const why = archived
    ? 'Reminders stopped here: this channel was archived.'
    : status === 'broken'
      ? 'Reminders stopped here: I could not post in this channel (it is private and I am not in it, or I was removed).'
      : 'Reminders stopped here: Slack said this channel is gone.';
  const fix = archived ? 'Unarchive it and run ' : status === 'broken' ? `Invite me with ${INVITE}, then run ` : 'Run ';
  return {
    summary: `${why} Nothing is planned for this channel.`,
    blocks: [paragraph(bold(why)), note(fix, code('/summit subscribe'), ' to start them again.')],
  };
}

/**
 * The DM to whoever subscribed a channel whose reminders stopped: plain text with the channel as a Slack link.
 * The id comes from the store (written from Slack's own channel_id), checked here all the same.
 */
export function channelStoppedNotice(channelId: string, code: string): string {
  const channel = /^[CG][A-Z0-9]{1,24}$/.test(channelId) ? `<#${channelId}>` : 'a channel';
  if (code === 'is_archived')
    return `${channel} was archived, so its summit-bot reminders stopped. If it is unarchived, run \`/summit subscribe\` there again.`;
  return `I couldn't post summit-bot reminders in ${channel}: I can't see it, because it is private and I'm not in it (or it was deleted). If it still exists, invite me there with \`${INVITE}\`, then run \`/summit subscribe\` in it again.`;
}
