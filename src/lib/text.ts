import { isHttpUrl } from './urls';

/**
 * The rules for text people give the bot, in one low module that the slash grammar, the forms and the views all
 * use: the same limits and the same clean-up whichever way the text arrives.
 */

/** Longest texts accepted, so a reply always fits in a Slack section. */
export const TEXT_LIMITS = { answer: 2000, question: 500, reason: 500, update: 1000, url: 2000 } as const;

/** Longest command text read at all: the longest valid command (answer + id + URL) fits well within it. */
export const MAX_COMMAND_CHARS = 5000;

/**
 * C0 controls (but tab and newline), DEL, C1 controls, the bidi embeddings, overrides and isolates
 * (U+202A-202E, U+2066-2069), and the line and paragraph separators (U+2028/2029): they garble a reply or make
 * text display reversed. One character class, so the scan is linear.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** Removes the characters that would garble a reply or reverse how text displays. */
export function sanitize(text: string): string {
  return text.replace(UNSAFE, '');
}

export type TextKind = 'question' | 'answer' | 'update' | 'reason';

const NOUN: Record<TextKind, string> = { question: 'question', answer: 'answer', update: 'update', reason: 'reason' };

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/**
 * The one check for a kind of text, used by the slash grammar and the forms alike: cleaned, trimmed, not empty,
 * within its limit. `problem` is a sentence fragment for the reply ("the answer is 2,400 characters; at most 2000").
 */
export function checkText(kind: TextKind, raw: string): Checked<string> {
  const max = TEXT_LIMITS[kind];
  // Measure before cleaning too, so a huge text is refused without being copied.
  if (raw.length > max * 4)
    return { ok: false, problem: `the ${NOUN[kind]} is ${raw.length} characters; at most ${max}` };
  const value = sanitize(raw).trim();
  if (value === '') return { ok: false, problem: `write the ${NOUN[kind]}` };
  if (value.length > max)
    return { ok: false, problem: `the ${NOUN[kind]} is ${value.length} characters; at most ${max}` };
  return { ok: true, value };
}

/** The one check for a source or update link: an absolute http(s) URL within the length limit. */
export function checkUrl(raw: string): Checked<string> {
  const value = raw.trim();
  if (value.length > TEXT_LIMITS.url)
    return { ok: false, problem: `the URL is ${value.length} characters; at most ${TEXT_LIMITS.url}` };
  if (!isHttpUrl(value))
    return { ok: false, problem: `the source must be an http:// or https:// URL, not "${clip(value)}"` };
  return { ok: true, value };
}

/** Longest piece of user text echoed back in a reply. */
export const ECHO_MAX = 40;

/** A short piece of what someone typed, fit to echo back (the renderer escapes it). */
export function clip(text: string, max = ECHO_MAX): string {
  const clean = sanitize(text.length > max * 2 ? text.slice(0, max * 2) : text);
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** "Q2" and the like: the only shape a question id has. */
export const QUESTION_ID = /^Q[1-9]\d{0,3}$/;
/** Ids written in a data set (sources, expected updates). */
export const DATASET_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A Slack conversation id (public or private channel, DM). */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{1,24}$/;
/** A Slack user id. */
export const USER_ID = /^[UW][A-Z0-9]{1,24}$/;

/** A word or phrase as whole words (no letter or digit on either side), any case: for match lists and ruled-out phrases. */
export function phrasePattern(phrase: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'iu');
}

/** Edit distance counting an insertion, deletion, substitution or swap of neighbours as one edit (OSA). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.length, b.length);
}
