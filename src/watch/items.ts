import { createHash } from 'node:crypto';
import sax from 'sax';
import type { Feed } from '../incident/model';
import { phrasePattern, sanitize } from '../lib/text';

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

/** How much of the body the streaming parser is given at a time. */
const CHUNK = 64 * 1024;

/** Text kept of one field while reading: past what is kept of it anyway, the rest is not held. */
const FIELD_MAX = SUMMARY_MAX * 2;

/** One item's fields as read, before they become a FeedEntry. */
interface RawItem {
  title: string;
  link?: string;
  id?: string;
  date?: string;
  summary: string;
}

/**
 * Parses RSS 2.0, RSS 1.0 (RDF) or Atom with sax, a streaming XML parser: the body is fed in a chunk at a time and
 * each item is reduced to what the bot keeps as soon as it closes, so a feed of tens of thousands of items never
 * exists as a document in memory (a document parser took the bot past 180 MB on a 2 MB feed of 33,000 items;
 * BENCHMARKS.md). Lenient like a browser (HTML entities, stray markup), but a body whose root is not rss, rdf:RDF or
 * feed is refused with FeedParseError.
 */
export async function readEntries(feed: Feed, xml: string): Promise<FeedEntry[]> {
  const out: FeedEntry[] = [];
  const keys = new Set<string>();
  const parser = sax.parser(false, { lowercase: true, trim: false, normalize: false, position: false });
  let root: string | undefined;
  let depth = 0;
  /** The depth of the open item or entry, and the field being read inside it (its depth, its name). */
  let itemDepth = -1;
  let item: RawItem | undefined;
  let field: { name: string; depth: number; text: string; html: boolean } | undefined;

  const take = (raw: RawItem) => {
    // A title is text: kept as written (entities decoded) and escaped wherever it is shown; cleaned like typed text
    // (controls, bidi overrides and isolates, line separators out), so a feed cannot reorder what a post, /summit
    // sources or watch --once shows.
    const title = sanitize(raw.title).replace(/\s+/g, ' ').trim().slice(0, TITLE_MAX) || '(untitled)';
    const link = raw.link && /^https?:\/\//i.test(raw.link.trim()) ? raw.link.trim() : undefined;
    const parsedDate = raw.date ? new Date(raw.date.trim()) : undefined;
    const published = parsedDate && !Number.isNaN(parsedDate.getTime()) ? parsedDate : undefined;
    const key = raw.id?.trim() || link || `${title}|${published?.toISOString() ?? ''}`;
    if (keys.has(key)) return;
    keys.add(key);
    const summary = sanitize(plain(raw.summary)).slice(0, SUMMARY_MAX);
    out.push({
      key,
      ref: refOf(feed.id, key),
      title,
      link,
      published,
      matched: matches(feed.match, `${title}\n${summary}`),
    });
  };

  parser.onerror = () => {
    // Lenient: a malformed spot is skipped and reading goes on (the root check below refuses what is not a feed).
    parser.error = null as unknown as Error;
    parser.resume();
  };
  parser.onopentag = (tag) => {
    depth++;
    if (root === undefined) root = tag.name;
    if (item === undefined) {
      if (tag.name === 'item' || tag.name === 'entry') {
        item = { title: '', summary: '' };
        itemDepth = depth;
      }
      return;
    }
    if (depth !== itemDepth + 1) return; // markup inside a field (Atom xhtml content): its text counts
    // Atom says when a text is HTML (type="html" or "xhtml"): then its markup is taken out and its entities read.
    const type = attr(tag, 'type');
    field = { name: tag.name, depth, text: '', html: type === 'html' || type === 'xhtml' };
    // Atom: <link rel="alternate" href="..."/> (no rel means alternate).
    if (tag.name === 'link') {
      const href = attr(tag, 'href');
      const rel = attr(tag, 'rel') ?? 'alternate';
      if (href !== undefined && rel === 'alternate' && item.link === undefined) item.link = href;
    }
  };
  const text = (t: string) => {
    if (field && field.text.length < FIELD_MAX) field.text += t;
  };
  parser.ontext = text;
  parser.oncdata = text;
  parser.onclosetag = () => {
    if (item !== undefined && field !== undefined && depth === field.depth) {
      assign(item, field.name, field.html ? plain(field.text) : field.text);
      field = undefined;
    } else if (item !== undefined && depth === itemDepth) {
      take(item);
      item = undefined;
      itemDepth = -1;
    }
    depth--;
  };

  for (let i = 0; i < xml.length; i += CHUNK) parser.write(xml.slice(i, i + CHUNK));
  parser.close();
  if (root !== 'rss' && root !== 'rdf:rdf' && root !== 'feed')
    throw new FeedParseError(`not an RSS or Atom feed (its root element is ${root ? `<${root}>` : 'missing'})`);
  return out;
}

/** A tag's attribute as a string (sax gives strings when xmlns handling is off). */
function attr(tag: sax.Tag | sax.QualifiedTag, name: string): string | undefined {
  const v = tag.attributes[name];
  return typeof v === 'string' ? v : v?.value;
}

/** Puts a field's text where the bot keeps it: the first of each kind wins (RSS and Atom names alike). */
function assign(item: RawItem, name: string, value: string): void {
  switch (name) {
    case 'title':
      if (item.title === '') item.title = value;
      return;
    case 'link':
      // RSS: the link is the element's text (Atom's is an attribute, read when the tag opened).
      if (item.link === undefined && value.trim() !== '') item.link = value;
      return;
    case 'guid':
    case 'id':
      if (item.id === undefined && value.trim() !== '') item.id = value;
      return;
    case 'pubdate':
    case 'published':
    case 'dc:date':
    case 'updated':
      if (item.date === undefined && value.trim() !== '') item.date = value;
      return;
    case 'description':
    case 'summary':
    case 'content':
    case 'content:encoded':
      if (item.summary === '') item.summary = value;
      return;
  }
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
