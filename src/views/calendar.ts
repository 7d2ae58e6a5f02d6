import { eventAsOf, known } from '../core/incident';
import { questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';

/**
 * An incident's calendar (iCalendar, RFC 5545): the event, each expected update (estimated ones say so), each open
 * question's due date with its owner. Every entry's UID is made from the incident and the thing's own id, so it is
 * the same on every fetch and after restarts, and a calendar app updates an entry rather than duplicating it.
 */

// eslint-disable-next-line no-control-regex -- what a calendar value may not hold (tab may stay; newline is escaped)
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545 3.3.11); every other control
 * character removed, since a value may hold none (RFC 5545 3.1: "any character except CONTROL"; a lone carriage
 * return, a vertical tab or a form feed would break the line structure of the file).
 */
function text(value: string): string {
  return value
    .replace(/\r\n|\r/g, '\n')
    .replace(CONTROL, '')
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\n/g, '\\n');
}

/** Lines longer than 75 octets folded: CRLF and a space (RFC 5545 3.1), never inside a UTF-8 sequence. */
function fold(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      bytes = 0;
    }
    current += ch;
    bytes += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const day = (iso: string) => iso.replace(/-/g, '');
/** A moment's date (YYYY-MM-DD) in a zone. */
const dateIn = (d: Date, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(d);
const nextDay = (iso: string) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10).replace(/-/g, '');
};

export interface CalendarInput {
  /** The incident with what was recorded applied. */
  incident: Incident;
  now: Date;
  /** The incident's page, with the link's token (the same link rules). */
  pageUrl: string;
}

export function calendarIcs({ incident, now, pageUrl }: CalendarInput): string {
  const zone = incident.zone;
  const stamp = utc(now);
  const events: string[][] = [];
  const uid = (what: string) => `${incident.id}-${what}@summit-bot`;
  const e = eventAsOf(incident, now);
  if (e) {
    const dateOf = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(d);
    events.push([
      `UID:${uid('event')}`,
      ...(e.allDay
        ? [`DTSTART;VALUE=DATE:${day(dateOf(e.start))}`, `DTEND;VALUE=DATE:${day(dateOf(e.end))}`]
        : [
            `DTSTART:${utc(e.start)}`,
            `DTEND:${utc(e.end > e.start ? e.end : new Date(e.start.getTime() + 3_600_000))}`,
          ]),
      `SUMMARY:${text(e.name)}`,
      `LOCATION:${text(e.location)}`,
      `DESCRIPTION:${text(`${incident.title}. Hosts: ${e.hosts.join(', ')}. Source: ${e.source.title} (${e.source.publisher}, ${e.source.date}) ${e.source.url}`)}`,
    ]);
  }
  for (const u of incident.expectedUpdates.filter((x) => known(x, now))) {
    const received =
      u.received !== undefined && known(u.received, now) && u.received.when.at <= now ? u.received : undefined;
    // A received update stands on the day (or at the moment) it was received; one still awaited on its expected
    // day, an estimate saying so in its title.
    const at = received
      ? received.when.dateOnly
        ? [
            `DTSTART;VALUE=DATE:${day(dateIn(received.when.at, zone))}`,
            `DTEND;VALUE=DATE:${nextDay(dateIn(received.when.at, zone))}`,
          ]
        : [`DTSTART:${utc(received.when.at)}`, `DTEND:${utc(new Date(received.when.at.getTime() + 30 * 60_000))}`]
      : [`DTSTART;VALUE=DATE:${day(u.expectedDate)}`, `DTEND;VALUE=DATE:${nextDay(u.expectedDate)}`];
    const title = received
      ? `Update received: ${u.text}`
      : `${u.estimated ? 'Expected update (estimated date)' : 'Expected update'}: ${u.text}`;
    events.push([
      `UID:${uid(`expected-${u.id}`)}`,
      ...at,
      `SUMMARY:${text(title)}`,
      `DESCRIPTION:${text(`${incident.title}. ${received ? `Expected ${u.estimated ? 'around' : 'on'} ${u.expectedDate}; received. ` : u.estimated ? 'No date was given; this date is an estimate. ' : ''}Promised in ${u.source.title} (${u.source.publisher}, ${u.source.date}) ${u.source.url}`)}`,
    ]);
  }
  for (const s of questionsAsOf(incident.questions, now, 'open')) {
    if (!s.due) continue;
    events.push([
      `UID:${uid(`due-${s.question.id}`)}`,
      `DTSTART;VALUE=DATE:${day(s.due.date)}`,
      `DTEND;VALUE=DATE:${nextDay(s.due.date)}`,
      `SUMMARY:${text(`Due: ${s.question.id} ${s.question.text}`)}`,
      `DESCRIPTION:${text(`${incident.title}. ${s.owner ? `Owner: Slack user ${s.owner}.` : 'No owner.'}${s.overdue ? ' Overdue.' : ''}${s.issue ? ` Issue #${s.issue.number}: ${s.issue.url}` : ''}`)}`,
    ]);
  }
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//summit-bot//incident follow-up//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(`${incident.title} (summit-bot)`)}`,
    // How often a calendar app should fetch it again (RFC 7986 and the widely read X-PUBLISHED-TTL).
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
    ...events.flatMap((ev) => ['BEGIN:VEVENT', ...ev, `DTSTAMP:${stamp}`, `URL:${pageUrl}`, 'END:VEVENT']),
    'END:VCALENDAR',
  ];
  return `${lines.map(fold).join('\r\n')}\r\n`;
}
