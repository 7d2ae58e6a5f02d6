import type { Incident } from '../incident/model';
import { code, date, link, note, paragraph, type Reply } from './doc';

/** Replies of /summit link and /summit calendar. */

export function linkReply(
  kind: 'page' | 'calendar',
  incident: Incident,
  url: string,
  until: Date,
  days: number,
): Reply {
  const what = kind === 'page' ? `the page of ${incident.id}` : `the calendar of ${incident.id}`;
  const summary = `A link to ${what}, valid ${days} day${days === 1 ? '' : 's'}.`;
  return {
    summary,
    blocks: [
      paragraph(`Here is a link to ${what} (${incident.title}), valid until `, date(until, incident.zone), ':'),
      paragraph(link(url, kind === 'page' ? 'Open the page' : 'Subscribe to the calendar')),
      paragraph(code(url)),
      note(
        'Anyone with this link can read it, so give it only to those who should. ',
        code('/summit link revoke'),
        ' makes every link given so far stop working (admins).',
        ...(kind === 'calendar' ? [' Add it to a calendar app as a subscription (by URL).'] : []),
      ),
    ],
  };
}

export function linksOffReply(): Reply {
  const text =
    'Pages and calendars are off: the bot needs PUBLIC_URL (the address people open) and WEB_LINK_SECRET (at least 32 characters) set. See "Pages and calendars" in README.md.';
  return { summary: text, blocks: [paragraph(text)] };
}

export function linksRevokedReply(id: string): Reply {
  const text = `Every link given so far for ${id} stops working now. /summit link gives a new one.`;
  return { summary: text, blocks: [paragraph(text)] };
}
