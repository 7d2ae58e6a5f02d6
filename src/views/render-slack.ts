import type { ActionsBlock, Button as SlackButton, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Button, DocBlock, Inline, Line, Reply } from './doc';
import { escapeMrkdwn, formatInZone, truncate } from './format';
import { ACTIONS, variantOf } from './ids';
import { selectOne } from './select';

/** Block Kit limits that apply to messages (../shared/reference/slack-platform.md). */
export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  buttonText: 75,
  buttonValue: 2000,
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
  if ('user' in piece) return /^[UW][A-Z0-9]+$/.test(piece.user) ? `<@${piece.user}>` : escapeMrkdwn(piece.user);
  if ('channel' in piece)
    return /^[CG][A-Z0-9]+$/.test(piece.channel) ? `<#${piece.channel}>` : escapeMrkdwn(piece.channel);
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

export function toSlackButton(b: Button): SlackButton {
  const button: SlackButton = {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: truncate(b.text, LIMITS.buttonText), emoji: true },
    value: truncate(b.value, LIMITS.buttonValue),
  };
  if (b.style) button.style = b.style;
  return button;
}

/**
 * Buttons of one actions block, each with an action id of its own: Slack refuses a block whose action ids repeat
 * (invalid_blocks), so a second "Add" button of the same action is sent as `summit_add_item.2` and routed by the
 * part before the dot (actionBase).
 */
function distinctActionIds(buttons: readonly Button[]): SlackButton[] {
  const seen = new Map<string, number>();
  return buttons.map((b) => {
    const n = (seen.get(b.actionId) ?? 0) + 1;
    seen.set(b.actionId, n);
    return toSlackButton(n === 1 ? b : { ...b, actionId: variantOf(b.actionId, n) });
  });
}

/** The "Share in channel" button of an ephemeral reply. */
export function shareButton(command: string): Button {
  return { actionId: ACTIONS.shareReply, text: 'Share in channel', value: command };
}

export interface RenderOptions {
  /** 50 for a message, 100 for a modal or the Home tab. */
  maxBlocks?: number;
  /** Add the "Share in channel" button (ephemeral replies that have something to share). */
  shareable?: boolean;
}

/**
 * Renders a reply as Slack blocks within Block Kit's limits: lists are packed into sections of at most 3,000
 * characters, and when the message would pass its block limit, lists and then items are cut with "…and N more".
 */
export function toSlackBlocks(reply: Reply, options: RenderOptions = {}): KnownBlock[] {
  const max = options.maxBlocks ?? LIMITS.blocksPerMessage;
  const docBlocks =
    options.shareable && reply.share !== undefined
      ? [...reply.blocks, { type: 'actions', buttons: [shareButton(reply.share)] } as DocBlock]
      : reply.blocks;
  const items = docBlocks.filter((b) => b.type === 'item').length;
  const omitted = docBlocks.reduce((n, b) => n + (b.type === 'more' ? b.count : 0), 0);
  const fixed = docBlocks.filter((b) => b.type !== 'list' && b.type !== 'item' && b.type !== 'more').length;
  const lists = docBlocks.filter((b) => b.type === 'list').length;
  // Items are shown one block each while they fit; lists share what is left, each keeping one block for its note.
  const itemBudget = Math.max(0, max - fixed - lists * 2 - (items > 0 || omitted > 0 ? 1 : 0));
  const shownItems = Math.min(items, itemBudget);
  const perList =
    lists === 0 ? 0 : Math.max(2, Math.floor((max - fixed - shownItems - (items > shownItems ? 1 : 0)) / lists));
  const blocks: KnownBlock[] = [];
  let itemsSeen = 0;
  for (const b of docBlocks) {
    if (b.type === 'item') {
      itemsSeen += 1;
      if (itemsSeen <= shownItems) blocks.push(renderItem(b.line, b.button));
      else if (itemsSeen === shownItems + 1) blocks.push(context(`…and ${items - shownItems + omitted} more`));
      continue;
    }
    if (b.type === 'more') {
      // Said once: with the items cut here when there were any, else on its own.
      if (items <= shownItems) blocks.push(context(`…and ${b.count} more`));
      continue;
    }
    blocks.push(...renderBlock(b, perList));
  }
  return blocks.slice(0, max);
}

/** An ephemeral or channel message: blocks plus the fallback text. */
export function toSlackMessage(reply: Reply, options: RenderOptions = {}): SlackMessage {
  return { text: truncate(escapeMrkdwn(reply.summary), LIMITS.fallbackText), blocks: toSlackBlocks(reply, options) };
}

function renderItem(line: Line, button: Button | undefined): SectionBlock {
  const s = section(lineToMrkdwn(line));
  if (button) s.accessory = toSlackButton(button);
  return s;
}

function renderBlock(b: Exclude<DocBlock, { type: 'item' } | { type: 'more' }>, budget: number): KnownBlock[] {
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
    case 'actions': {
      const block: ActionsBlock = { type: 'actions', elements: distinctActionIds(b.buttons.slice(0, 25)) };
      return [block];
    }
    case 'choose': {
      // Static up to 100 options, else one the bot fills as people type (views/select.ts); none: no menu at all.
      const select = selectOne(b.actionId, b.options, { placeholder: b.placeholder });
      if (!select) return [];
      const block: ActionsBlock = {
        type: 'actions',
        ...(b.blockId !== undefined && { block_id: b.blockId }),
        elements: [select],
      };
      return [block];
    }
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
