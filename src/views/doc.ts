/**
 * A reply as a small document, written once and rendered per medium: Block Kit for Slack (render-slack.ts) and
 * plain text for the console (render-text.ts). Text in a document is raw, as typed; renderers escape it exactly
 * once, so nothing a user or a data set wrote can ping a channel or disguise a link.
 */

export type Inline =
  | string
  | { bold: string }
  | { code: string }
  | { link: string; label: string }
  /** An instant shown in each reader's own zone in Slack; `zone` gives the fallback and the console's rendering. */
  | { date: Date; zone: string; withTime: boolean }
  /** A Slack user, by id (shown as their name in Slack). Ids come from the data set or Slack, never from free text. */
  | { user: string }
  /** A Slack conversation, by id (shown as its name in Slack). */
  | { channel: string };

export type Line = Inline[];

export interface Button {
  actionId: string;
  text: string;
  value: string;
  style?: 'primary' | 'danger';
}

export type DocBlock =
  | { type: 'header'; text: string }
  /** One entry on its own, with an optional button beside it (a section with an accessory in Slack). */
  | { type: 'item'; line: Line; button?: Button }
  | { type: 'actions'; buttons: Button[] }
  | { type: 'paragraph'; line: Line }
  | { type: 'list'; items: Line[] }
  /** Secondary text (sources, hints): a context block in Slack. */
  | { type: 'note'; line: Line }
  | { type: 'divider' }
  /** Items the document left out (a list thousands long): renderers say "…and N more", counting any they cut too. */
  | { type: 'more'; count: number }
  /** A choice of one among a few (a select menu in Slack; the console lists the options' words instead). */
  | {
      type: 'choose';
      actionId: string;
      /** What the choice is about beyond the option chosen (a held command's reference), kept as the block's id. */
      blockId?: string;
      placeholder: string;
      options: { text: string; value: string }[];
    };

export interface Reply {
  /** One plain line: the notification and screen-reader fallback. */
  summary: string;
  blocks: DocBlock[];
  /**
   * A read-only command that makes this reply (or shows the outcome of a change), for "Share in channel".
   * Absent on errors and refusals, which are not worth sharing.
   */
  share?: string;
}

export const bold = (text: string): Inline => ({ bold: text });
export const code = (text: string): Inline => ({ code: text });
export const link = (url: string, label: string): Inline => ({ link: url, label });
export const date = (at: Date, zone: string, withTime = false): Inline => ({ date: at, zone, withTime });
export const header = (text: string): DocBlock => ({ type: 'header', text });
export const paragraph = (...line: Inline[]): DocBlock => ({ type: 'paragraph', line });
export const note = (...line: Inline[]): DocBlock => ({ type: 'note', line });
export const list = (items: Line[]): DocBlock => ({ type: 'list', items });
export const divider: DocBlock = { type: 'divider' };
export const user = (id: string): Inline => ({ user: id });
export const channel = (id: string): Inline => ({ channel: id });
export const item = (line: Line, button?: Button): DocBlock =>
  button ? { type: 'item', line, button } : { type: 'item', line };
export const more = (count: number): DocBlock => ({ type: 'more', count });
export const actions = (...buttons: Button[]): DocBlock => ({ type: 'actions', buttons });

/** A reply that is one sentence (a refusal, a confirmation, an error): the same text as its summary and its body. */
export const sentenceReply = (text: string, share?: string): Reply =>
  share === undefined
    ? { summary: text, blocks: [paragraph(text)] }
    : { summary: text, blocks: [paragraph(text)], share };
