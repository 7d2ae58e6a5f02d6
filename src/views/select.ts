import type { ExternalSelect, PlainTextOption, StaticSelect } from '@slack/types';
import { truncate } from './format';

/**
 * Select menus of any length. Slack's static select holds 1 to 100 options (text 75 characters, value 150); a
 * longer list is an external select whose options the bot serves as people type (a block_suggestion request,
 * answered by commands/suggest.ts with at most 100), so nothing past the hundredth is out of reach.
 * https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element
 */

/** One thing a person may choose: what they read, and the value the bot gets back (an id, at most 150 characters). */
export interface Choice {
  text: string;
  value: string;
}

/** Most options a static select, and an answer to a block_suggestion, may hold. */
export const MAX_OPTIONS = 100;
export const MAX_OPTION_TEXT = 75;
export const MAX_OPTION_VALUE = 150;

export function toOption(c: Choice): PlainTextOption {
  return { text: { type: 'plain_text', text: truncate(c.text, MAX_OPTION_TEXT) }, value: c.value };
}

/**
 * A select of one among `choices`: static while they fit, external past 100 (with the chosen one, wherever it is in
 * the list, shown as chosen). Undefined when there is nothing to choose: a select with no options is refused.
 */
export function selectOne(
  actionId: string,
  choices: readonly Choice[],
  o: { placeholder?: string; initial?: string } = {},
): StaticSelect | ExternalSelect | undefined {
  if (choices.length === 0) return undefined;
  const placeholder = o.placeholder === undefined ? {} : { placeholder: plain(truncate(o.placeholder, 150)) };
  const chosen = o.initial === undefined ? undefined : choices.find((c) => c.value === o.initial);
  if (choices.length <= MAX_OPTIONS) {
    const options = choices.map(toOption);
    const initial = chosen && options.find((x) => x.value === chosen.value);
    return {
      type: 'static_select',
      action_id: actionId,
      ...placeholder,
      options,
      ...(initial && { initial_option: initial }),
    };
  }
  return {
    type: 'external_select',
    action_id: actionId,
    ...placeholder,
    min_query_length: 0,
    ...(chosen && { initial_option: toOption(chosen) }),
  };
}

/**
 * What a block_suggestion is answered with: the choices whose words hold every word typed (any case), those that
 * start with it first, at most 100; with nothing typed, the first 100 as listed.
 */
export function matching(choices: readonly Choice[], query: string): Choice[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return choices.slice(0, MAX_OPTIONS);
  const hits = choices.filter((c) => {
    const hay = `${c.value} ${c.text}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const first = words[0] as string;
  const starts = (c: Choice) => c.value.toLowerCase().startsWith(first) || c.text.toLowerCase().startsWith(first);
  return [...hits.filter(starts), ...hits.filter((c) => !starts(c))].slice(0, MAX_OPTIONS);
}

/** The answer to a block_suggestion. */
export function optionsResponse(choices: readonly Choice[]): { options: PlainTextOption[] } {
  return { options: choices.slice(0, MAX_OPTIONS).map(toOption) };
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });
