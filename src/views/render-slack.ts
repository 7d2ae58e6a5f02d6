import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { DocBlock, Inline, Line, Reply } from './doc';
import { escapeMrkdwn, formatInZone, truncate } from './format';

/** Block Kit limits that apply to messages (../shared/reference/slack-platform.md). */
export const LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextText: 2000,
  fallbackText: 3000,
} as const;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Renders one inline piece as mrkdwn. Every piece of text is escaped here and nowhere else. */
export function inlineToMrkdwn(piece: Inline): string {
  if (typeof piece === 'string') return escapeMrkdwn(piece);
  if ('bold' in piece) return `*${escapeMrkdwn(piece.bold)}*`;
  if ('code' in piece) return `\`${escapeMrkdwn(piece.code.replace(/`/g, "'"))}\``;
  if ('link' in piece) return `<${safeUrl(piece.link)}|${escapeMrkdwn(piece.label).replace(/\|/g, '¦')}>`;
  const epoch = Math.floor(piece.date.getTime() / 1000);
  const format = piece.withTime ? '{date_long_pretty} {time}' : '{date_long_pretty}';
  const fallback = escapeMrkdwn(formatInZone(piece.date, piece.zone, piece.withTime)).replace(/\|/g, '¦');
  return `<!date^${epoch}^${format}|${fallback}>`;
}

/** URLs were validated as http(s); these characters would end Slack's <url|label> early. */
function safeUrl(url: string): string {
  return url.replace(/[<>|\s]/g, (c) => encodeURIComponent(c));
}

export function lineToMrkdwn(line: Line): string {
  return line.map(inlineToMrkdwn).join('');
}

const section = (text: string): SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
});
const context = (text: string): ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, LIMITS.contextText) }],
});

/**
 * Renders a reply as a Slack message within Block Kit's limits: lists are packed into sections of at most 3,000
 * characters, and when the message would pass 50 blocks the list is cut with "…and N more".
 */
export function toSlackMessage(reply: Reply): SlackMessage {
  const fixed = reply.blocks.filter((b) => b.type !== 'list').length;
  const lists = reply.blocks.length - fixed;
  // Lists share the blocks the other blocks leave; each keeps one in reserve for its "and N more" note.
  const perList = lists === 0 ? 0 : Math.max(2, Math.floor((LIMITS.blocksPerMessage - fixed) / lists));
  const blocks: KnownBlock[] = [];
  for (const b of reply.blocks) blocks.push(...renderBlock(b, perList));
  return {
    text: truncate(escapeMrkdwn(reply.summary), LIMITS.fallbackText),
    blocks: blocks.slice(0, LIMITS.blocksPerMessage),
  };
}

function renderBlock(b: DocBlock, budget: number): KnownBlock[] {
  switch (b.type) {
    case 'header':
      return [{ type: 'header', text: { type: 'plain_text', text: truncate(b.text, LIMITS.headerText), emoji: true } }];
    case 'paragraph':
      return [section(lineToMrkdwn(b.line))];
    case 'note':
      return [context(lineToMrkdwn(b.line))];
    case 'divider':
      return [{ type: 'divider' }];
    case 'list':
      return renderList(b.items, budget);
  }
}

function renderList(items: Line[], budget: number): KnownBlock[] {
  const out: KnownBlock[] = [];
  let current = '';
  let shown = 0;
  const maxItem = LIMITS.sectionText - 10;
  for (const item of items) {
    const text = `• ${truncate(lineToMrkdwn(item), maxItem)}`;
    const joined = current === '' ? text : `${current}\n${text}`;
    if (joined.length <= LIMITS.sectionText) {
      current = joined;
      shown += 1;
      continue;
    }
    // Flushing makes out.length + 1 sections, the next one + 1, and the note + 1: stop before passing the budget.
    if (out.length + 3 > budget) break;
    out.push(section(current));
    current = text;
    shown += 1;
  }
  if (current !== '') out.push(section(current));
  const more = items.length - shown;
  if (more > 0) out.push(context(`…and ${more} more`));
  return out;
}
