import type { PlannedReminder } from '../core/plan';
import { bold, code, date, list, note, paragraph, type Reply } from './doc';

export interface ScheduleData {
  /** "this channel", "you" (DM) or "the console". */
  who: string;
  subscribed: boolean;
  upcoming: PlannedReminder[];
  zone: string;
  /** How to start receiving them, when not subscribed. */
  howToSubscribe: string;
}

/** The next reminders for one target, with their times in the reader's zone. */
export function scheduleReply({ who, subscribed, upcoming, zone, howToSubscribe }: ScheduleData): Reply {
  const head = subscribed ? `Next reminders for ${who}` : `${who[0]?.toUpperCase()}${who.slice(1)} ${who === 'you' ? 'are' : 'is'} not subscribed. If ${who === 'you' ? 'you were' : 'it were'}, the next reminders would be`;
  const blocks = [paragraph(bold(`${head}:`))];
  if (upcoming.length === 0) blocks.push(paragraph('Nothing is planned.'));
  else blocks.push(list(upcoming.map((r) => [date(r.at, zone, true), ' — ', r.title])));
  if (!subscribed) blocks.push(note(code(howToSubscribe), ' starts them.'));
  return {
    summary: upcoming.length === 0 ? 'No reminders planned.' : `Next reminder: ${upcoming[0]?.title ?? ''}`,
    blocks,
    share: 'schedule',
  };
}

export function subscriptionReply(text: string, share = true): Reply {
  return { summary: text, blocks: [paragraph(text)], share: share ? 'schedule' : undefined };
}
