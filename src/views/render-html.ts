import type { DocBlock, Inline, Line, Reply } from './doc';
import { formatInZone } from './format';

/**
 * Renders a reply as HTML for the incident's page: every text escaped here and nowhere else; links only to http(s)
 * addresses; dates as <time> elements (the page's script shows them in the reader's own zone, the fallback is the
 * event's zone); buttons and menus left out (the page is read-only).
 */
export function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

function inline(piece: Inline): string {
  if (typeof piece === 'string') return esc(piece).replace(/\n/g, '<br>');
  if ('bold' in piece) return `<strong>${esc(piece.bold)}</strong>`;
  if ('code' in piece) return `<code>${esc(piece.code)}</code>`;
  if ('link' in piece)
    return /^https?:\/\//i.test(piece.link)
      ? `<a href="${esc(piece.link)}" rel="noopener noreferrer">${esc(piece.label)}</a>`
      : esc(piece.label);
  if ('user' in piece)
    return `<span class="user">${esc(piece.user.startsWith('@') ? piece.user : `@${piece.user}`)}</span>`;
  if ('channel' in piece) return `<span class="channel">#${esc(piece.channel)}</span>`;
  return `<time datetime="${piece.date.toISOString()}"${piece.withTime ? ' data-time' : ''}>${esc(
    formatInZone(piece.date, piece.zone, piece.withTime),
  )}</time>`;
}

export function lineHtml(line: Line): string {
  return line.map(inline).join('');
}

function block(b: DocBlock): string {
  switch (b.type) {
    case 'header':
      return `<h2>${esc(b.text)}</h2>`;
    case 'paragraph':
      return `<p>${lineHtml(b.line)}</p>`;
    case 'note':
      return `<p class="note">${lineHtml(b.line)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${lineHtml(i)}</li>`).join('')}</ul>`;
    case 'item':
      return `<ul class="items"><li>${lineHtml(b.line)}</li></ul>`;
    case 'more':
      return `<p class="note">…and ${b.count} more</p>`;
    case 'divider':
      return '<hr>';
    case 'actions':
    case 'choose':
      return '';
  }
}

/** A reply as one section of the page. */
export function replyHtml(reply: Reply, id: string): string {
  return `<section id="${esc(id)}">${reply.blocks
    .map(block)
    .join('')
    .replace(/<\/ul><ul class="items">/g, '')}</section>`;
}
