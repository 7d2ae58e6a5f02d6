import { DateTime } from 'luxon';
import { Memo } from '../lib/memo';

/** Slack mrkdwn escaping: exactly &, < and >, nothing else. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Command text may arrive entity-escaped (Slack escapes &, < and > in what a user types). Decoding once gives the
 * text as typed, which is what we keep; rendering escapes it once again. One pass, so "&amp;lt;" becomes "&lt;".
 */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_m, e: string) => (e === 'amp' ? '&' : e === 'lt' ? '<' : '>'));
}

/**
 * What a person typed, from the text Slack sends for a slash command with escaping on (should_escape): Slack turns
 * mentions and links into markup and escapes the rest, so markup here was never typed as such. "@bob" arrives as
 * <@U123|bob> and goes back to "@bob", "@channel" as <!channel>, "#general" as <#C123|general>, a link as <url> or
 * <url|label>. Entities are decoded after, so "<!channel>" typed literally (sent as &lt;!channel&gt;) stays text.
 */
export function fromSlackMarkup(text: string): string {
  const typed = text.replace(
    /<([@#!])?([^<>|]*)(?:\|([^<>]*))?>/g,
    (_m, sigil: string | undefined, body: string, label?: string) => {
      if (sigil === '@') return `@${label ?? body}`;
      if (sigil === '#') return `#${label ?? body}`;
      if (sigil === '!') {
        if (label !== undefined) return label.startsWith('@') || body.startsWith('date^') ? label : `@${label}`;
        const special = body.split('^')[0] ?? body;
        return `@${special.replace(/^subteam$/, body.split('^')[1] ?? 'subteam')}`;
      }
      return label ?? body;
    },
  );
  return decodeSlackEntities(typed);
}

/** Cuts text to at most `max` characters, ending in an ellipsis when cut, never inside a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Formatting a date with luxon costs tens of microseconds and replies repeat the same few: remember them. */
const formatted = new Memo<string, string>(10_000);
const memo = (key: string, make: () => string): string => formatted.getOrMake(key, make);

/** "Tuesday, September 10, 2024" or "Tuesday, September 10, 2024, 9:00 AM PDT", in `zone`. */
export function formatInZone(at: Date, zone: string, withTime: boolean): string {
  return memo(`${withTime ? 'T' : 'D'} ${zone} ${withTime ? Math.floor(at.getTime() / 60_000) : at.getTime()}`, () => {
    const dt = DateTime.fromJSDate(at, { zone });
    return withTime
      ? `${dt.toFormat('cccc, LLLL d, yyyy, h:mm a', { locale: 'en-US' })} ${zoneAbbreviation(dt)}`
      : dt.toFormat('cccc, LLLL d, yyyy', { locale: 'en-US' });
  });
}

/**
 * The zone's abbreviation as a reader there expects it: PDT, EST, and CET or BST where American English only knows
 * "GMT+1" (British English names the European zones); an offset where no abbreviation is in use (GMT+9).
 */
function zoneAbbreviation(dt: DateTime): string {
  const us = dt.toFormat('ZZZZ', { locale: 'en-US' });
  if (!/^GMT[+-]/.test(us)) return us;
  const gb = dt.toFormat('ZZZZ', { locale: 'en-GB' });
  return /^GMT[+-]/.test(gb) ? us : gb;
}

/** "Sep 10, 2024" in `zone`. */
export function shortDate(at: Date, zone: string): string {
  return memo(`S ${zone} ${at.getTime()}`, () =>
    DateTime.fromJSDate(at, { zone }).toFormat('LLL d, yyyy', { locale: 'en-US' }),
  );
}
