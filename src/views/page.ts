import type { DocBlock, Inline, Line, Reply } from './doc';
import { esc, replyHtml } from './render-html';

/**
 * The incident's read-only page, as HTML: its title, state and summary, the "as of" form, the timeline picture,
 * then the same replies the commands give (when, facts, open questions, updates, answers, timeline). No external
 * asset: the stylesheet and the script (which shows dates in the reader's zone) come from the bot itself, and the
 * page's Content-Security-Policy allows nothing else.
 */
export interface PageInput {
  title: string;
  state: 'active' | 'closed';
  summary: string;
  /** The page's moment: the as-of date given (YYYY-MM-DD), or undefined for now. */
  asOf?: string;
  /** The bot's clock now, as a date in the event's zone (the picker's upper bound). */
  today: string;
  /** The link's token, kept in the form and the "now" link (the page is opened only with it). */
  token: string;
  /** The moment shown, ready for display ("as of ..."). */
  asOfText: string;
  /** The moment itself (ISO), when it is one (now): the page's script shows it in the reader's zone. */
  asOfMoment?: string;
  svg: string;
  /** The zone the page is made in (the incident's); the page's script names the reader's instead. */
  zone: string;
  sections: { id: string; reply: Reply }[];
}

export const PAGE_ASSETS = {
  css: '/incidents/assets/page.css',
  js: '/incidents/assets/page.js',
  icon: '/incidents/assets/icon.svg',
} as const;

function shell(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title>
<link rel="icon" href="${PAGE_ASSETS.icon}" type="image/svg+xml"><link rel="stylesheet" href="${PAGE_ASSETS.css}"><script src="${PAGE_ASSETS.js}" defer></script></head>
<body>${body}</body></html>
`;
}

export function pageHtml(p: PageInput): string {
  const token = esc(p.token);
  const body = `<header>
<h1>${esc(p.title)}</h1>
<p class="state"><span class="badge ${p.state}">${p.state === 'closed' ? 'Closed' : 'Active'}</span> ${
    p.asOfMoment
      ? `As of <time datetime="${esc(p.asOfMoment)}" data-time>${esc(p.asOfText.replace(/^As of /, ''))}</time>`
      : esc(p.asOfText)
  }</p>
<p class="summary">${esc(p.summary)}</p>
<form method="get" class="asof" action="">
<input type="hidden" name="token" value="${token}">
<label>As of <input type="date" id="as_of" name="as_of" value="${esc(p.asOf ?? '')}" max="${esc(p.today)}"></label>
<button type="submit">Show</button>${p.asOf ? ` <a href="?token=${token}">Now</a>` : ''}
</form>
</header>
<main>
<section id="picture"><h2>Timeline at a glance</h2>${p.svg}</section>
${p.sections.map((s) => replyHtml(s.reply, s.id)).join('\n')}
</main>
<footer><p>Read-only page of summit-bot. Every fact with its source; every moment in one time zone: <span id="zone-name">${esc(p.zone)}</span>.</p></footer>`;
  return shell(`${p.title} — summit-bot`, body);
}

/** What a refused request gets: why, in one sentence, and nothing of the incident. */
export function refusedHtml(status: 403 | 404 | 405 | 400 | 429 | 503, sentence: string): string {
  const title = status === 429 ? 'Too many requests' : status === 400 ? 'Bad request' : 'Not available';
  return shell(`${title} — summit-bot`, `<main class="refused"><h1>${esc(title)}</h1><p>${esc(sentence)}</p></main>`);
}

const isCommand = (p: Inline) => typeof p === 'object' && 'code' in p && /^\/summit\b/.test(p.code);

/** A line with each sentence that names a Slack command left out (the page has its own controls). */
function lineWithoutCommands(line: Line): Line {
  let out: Line = [...line];
  for (let i = out.findIndex(isCommand); i !== -1; i = out.findIndex(isCommand)) {
    // Back to the end of the sentence before it, and on to the end of its own sentence.
    let start = i;
    let head: Inline | undefined;
    while (start > 0) {
      const p = out[start - 1] as Inline;
      if (typeof p === 'string' && p.includes('.')) {
        const cut = p.lastIndexOf('.') + 1;
        head = p.slice(0, cut);
        break;
      }
      start -= 1;
    }
    let end = i + 1;
    let tail: Inline | undefined;
    while (end < out.length) {
      const p = out[end] as Inline;
      end += 1;
      if (typeof p === 'string' && p.includes('.')) {
        const rest = p.slice(p.indexOf('.') + 1);
        tail = rest.trim() === '' ? undefined : rest;
        break;
      }
    }
    out = [
      ...out.slice(0, Math.max(0, start - 1)),
      ...(head ? [head] : []),
      ...(tail ? [tail] : []),
      ...out.slice(end),
    ];
  }
  return out;
}

/**
 * A reply as the page shows it: no Slack command in its words (a note that names one is left out, and so is the
 * sentence of a line that names one), since the page's reader has the page's own controls instead.
 */
export function withoutCommands(reply: Reply): Reply {
  const blocks: DocBlock[] = [];
  for (const b of reply.blocks) {
    if (b.type === 'note' && b.line.some(isCommand)) continue;
    if ((b.type === 'paragraph' || b.type === 'item' || b.type === 'note') && b.line.some(isCommand)) {
      const line = lineWithoutCommands(b.line);
      if (line.some((p) => typeof p !== 'string' || p.trim() !== '')) blocks.push({ ...b, line });
      continue;
    }
    blocks.push(b);
  }
  return { ...reply, blocks };
}
