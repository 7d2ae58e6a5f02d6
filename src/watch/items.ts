import { createHash } from 'node:crypto';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { Feed } from '../incident/model';
import { phrasePattern } from '../lib/text';

/** One item of a feed, as the bot keeps it. */
export interface FeedEntry {
  /** guid (or Atom id), else link, else title and date: what makes it the same item on every poll. */
  key: string;
  /** A short stable reference (feed id and a hash of the key), for buttons and message metadata. */
  ref: string;
  title: string;
  link?: string;
  published?: Date;
  /** The words of the feed's `match` found in its title or summary. */
  matched: string[];
}

export class FeedParseError extends Error {
  readonly result = 'invalid_feed';
}

/** Titles and summaries are cut to this many characters before they are kept. */
const TITLE_MAX = 300;
const SUMMARY_MAX = 5000;

/** Parses RSS 2.0 or Atom (with @rowanmanning/feed-parser) into the bot's entries. Throws FeedParseError. */
export function readEntries(feed: Feed, xml: string): FeedEntry[] {
  let parsed;
  try {
    parsed = parseFeed(xml);
  } catch (error) {
    throw new FeedParseError(`not an RSS or Atom feed (${(error as Error).message.slice(0, 120)})`);
  }
  const out: FeedEntry[] = [];
  const keys = new Set<string>();
  for (const item of parsed.items) {
    // A title is text (the parser has decoded it): kept as it is, and escaped wherever it is shown.
    const title = (item.title ?? '').replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX) || '(untitled)';
    const link = item.url && /^https?:\/\//i.test(item.url) ? item.url : undefined;
    const published = item.published ?? item.updated ?? undefined;
    const key = item.id ?? link ?? `${title}|${published?.toISOString() ?? ''}`;
    if (keys.has(key)) continue;
    keys.add(key);
    const summary = plain(item.description ?? item.content ?? '').slice(0, SUMMARY_MAX);
    out.push({
      key,
      ref: refOf(feed.id, key),
      title,
      link,
      published,
      matched: matches(feed.match, `${title}\n${summary}`),
    });
  }
  return out;
}

export function refOf(feedId: string, key: string): string {
  return `${feedId}:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** The words or phrases found (whole words, any case); with no words configured, every item matches. */
export function matches(words: readonly string[], text: string): string[] {
  if (words.length === 0) return [];
  return words.filter((w) => phrasePattern(w).test(text));
}

/** Markup out, entities decoded, spaces collapsed: what a feed's title or summary says. */
function plain(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_m, e: string) =>
      e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'nbsp' ? ' ' : "'",
    )
    .replace(/\s+/g, ' ')
    .trim();
}
