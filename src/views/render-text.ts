import type { DocBlock, Inline, Line, Reply } from './doc';
import { formatInZone } from './format';

/** Renders a reply as plain text for a terminal: links as "label <url>", dates in the event's zone. */
export function toPlainText(reply: Reply): string {
  return reply.blocks
    .map(renderBlock)
    .filter((s) => s !== '')
    .join('\n');
}

function inline(piece: Inline): string {
  if (typeof piece === 'string') return piece;
  if ('bold' in piece) return piece.bold;
  if ('code' in piece) return piece.code;
  if ('link' in piece) return `${piece.label} <${piece.link}>`;
  // A console handle keeps its own @.
  if ('user' in piece) return piece.user.startsWith('@') ? piece.user : `@${piece.user}`;
  if ('channel' in piece) return `#${piece.channel}`;
  return formatInZone(piece.date, piece.zone, piece.withTime);
}

export function lineToText(line: Line): string {
  return line.map(inline).join('');
}

function renderBlock(b: DocBlock): string {
  switch (b.type) {
    case 'header':
      return `\n${b.text}\n${'='.repeat(Math.min(b.text.length, 72))}`;
    case 'paragraph':
      return lineToText(b.line);
    case 'note':
      return `  ${lineToText(b.line)}`;
    case 'list':
      return b.items.map((i) => `  - ${lineToText(i).replace(/\n/g, '\n    ')}`).join('\n');
    case 'item':
      return `  - ${lineToText(b.line).replace(/\n/g, '\n    ')}`;
    case 'more':
      return `  …and ${b.count} more`;
    case 'divider':
    case 'actions':
    case 'choose':
      return '';
  }
}
