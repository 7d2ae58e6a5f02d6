export { editDistance } from '../lib/text';
import { checkText, checkUrl, clip, ECHO_MAX, type TextKind } from '../lib/text';
import type { ItemKind } from '../incident/items';
import type { Command, CommandName, QuestionFilterArg } from './types';

/**
 * The /summit grammar: how the words after a command's name become its typed arguments. The registry
 * (registry.ts) names the commands and picks the parser for each; every front end parses through it.
 */

/** What a command's parser gets: the text after the command word as typed, and the same split into words. */
export interface ParseInput {
  remainder: string;
  args: string[];
  /** The words as they arrived, Slack markup and all (a mention <@U123|bob> carries the user id). */
  rawArgs: string[];
}

export type Parser = (input: ParseInput) => Command;

const FILTERS: readonly QuestionFilterArg[] = ['open', 'answered', 'all'];

/** A command that takes no arguments. */
export const noArgs =
  (name: CommandName): Parser =>
  ({ args }) =>
    args.length > 0
      ? { name: 'usage', command: name, problem: `\`${name}\` takes no arguments` }
      : ({ name } as Command);

/** link, link 7d, link revoke. */
export const parseLink: Parser = ({ args }) => {
  const [first, ...more] = args.map((a) => a.toLowerCase());
  if (more.length > 0) return { name: 'usage', command: 'link', problem: 'give at most one of 7d or revoke' };
  if (first === undefined) return { name: 'link' };
  if (first === 'revoke') return { name: 'link', revoke: true };
  const m = /^(\d{1,4})d$/.exec(first);
  return m
    ? { name: 'link', days: Number(m[1]) }
    : {
        name: 'usage',
        command: 'link',
        problem: `"${first.slice(0, 20)}" is neither a number of days (such as 7d) nor revoke`,
      };
};

/** follow <incident id>: one word, checked against the incidents by the resolver. */
export const parseFollow: Parser = ({ args }) =>
  args.length > 1
    ? { name: 'usage', command: 'follow', problem: 'give one incident id, as in `follow crowdstrike-2024`' }
    : { name: 'follow', incidentId: (args[0] ?? '').toLowerCase().slice(0, 60) };

export const parseFacts: Parser = ({ args }) => {
  if (args.length > 1) return { name: 'usage', command: 'facts', problem: 'give at most one topic' };
  return args[0] === undefined ? { name: 'facts' } : { name: 'facts', topic: args[0].toLowerCase().slice(0, ECHO_MAX) };
};

export const parseQuestions: Parser = ({ args }) => {
  if (args.length > 1)
    return { name: 'usage', command: 'questions', problem: 'give at most one of open, answered, all' };
  const filter = (args[0] ?? 'open').toLowerCase();
  if (!FILTERS.includes(filter as QuestionFilterArg))
    return {
      name: 'usage',
      command: 'questions',
      problem: `"${args[0]?.slice(0, ECHO_MAX)}" is not one of open, answered, all`,
    };
  return { name: 'questions', filter: filter as QuestionFilterArg };
};

export const parseHistory: Parser = ({ args }) => {
  const [word] = args;
  const id = questionIdOf(word) ?? (word !== undefined && ITEM_ID.test(word) ? word : undefined);
  if (id === undefined || args.length > 1) return { name: 'usage', command: 'history', problem: missingId(word) };
  return { name: 'history', id };
};

export const parseReopen: Parser = ({ remainder }) => {
  const [id, ...why] = splitFirst(remainder);
  const questionId = questionIdOf(id);
  if (!questionId) return { name: 'usage', command: 'reopen', problem: missingId(id) };
  const raw = why.join('');
  if (raw === '') return { name: 'reopen', questionId };
  const reason = checkedText('reason', 'reopen', raw);
  return 'usage' in reason ? reason.usage : { name: 'reopen', questionId, reason: reason.value };
};

export const parseIssue: Parser = (input) => {
  const head = questionThen('issue', input);
  if ('name' in head) return head;
  if (head.rest.length > 0) return { name: 'usage', command: 'issue', problem: 'name one question, as in `issue Q3`' };
  return { name: 'issue', questionId: head.questionId };
};

export const parseRemind: Parser = ({ args }) => {
  const what = args[0]?.toLowerCase();
  if (args.length !== 1 || (what !== 'me' && what !== 'off'))
    return { name: 'usage', command: 'remind', problem: 'say `remind me` or `remind off`' };
  return { name: 'remind', on: what === 'me' };
};

export const parseAsk: Parser = ({ remainder }) => {
  if (remainder === '') return { name: 'usage', command: 'ask', problem: 'write the question after `ask`' };
  const question = checkedText('question', 'ask', remainder);
  return 'usage' in question ? question.usage : { name: 'ask', text: question.value };
};

export const parseUpdate: Parser = ({ remainder }) => {
  const { body, url, problem } = splitTrailingUrl(remainder);
  if (problem) return { name: 'usage', command: 'update', problem };
  if (body === '') return { name: 'usage', command: 'update', problem: 'write what the update says after `update`' };
  const words = checkedText('update', 'update', body);
  if ('usage' in words) return words.usage;
  return url === undefined ? { name: 'update', words: words.value } : { name: 'update', words: words.value, url };
};

/** A question id first, then the rest: the shape of assign, due, drop and merge. */
function questionThen(name: CommandName, input: ParseInput): { questionId: string; rest: string[] } | Command {
  const questionId = questionIdOf(input.args[0]);
  if (!questionId) return { name: 'usage', command: name, problem: missingId(input.args[0]) };
  return { questionId, rest: input.args.slice(1) };
}

/** A user as Slack sends a mention (<@U123|bob>, <@U123>) or as typed in the console (U123, @U123). */
export function userIdOf(word: string | undefined): string | undefined {
  const m = word === undefined ? null : /^(?:<@([UW][A-Z0-9]{2,24})(?:\|[^>]*)?>|@?([UW][A-Z0-9]{2,24}))$/.exec(word);
  return m ? (m[1] ?? m[2]) : undefined;
}

/**
 * A person named by a plain handle, as the console names people (it has no Slack ids): "@bob", kept with its @ so
 * it can never be taken for a Slack user id. In Slack a typed "@bob" that Slack did not turn into a mention is
 * refused by the handler.
 */
export function handleOf(word: string | undefined): string | undefined {
  const m = word === undefined ? null : /^@([A-Za-z0-9][A-Za-z0-9._-]{0,39})$/.exec(word);
  return m ? `@${m[1]}` : undefined;
}

/** The word that clears an owner or a due date. */
const CLEAR = '-';

export const parseAssign: Parser = (input) => {
  const head = questionThen('assign', input);
  if ('name' in head) return head;
  const who = input.rawArgs[1];
  if (head.rest.length !== 1)
    return { name: 'usage', command: 'assign', problem: 'name one person: `assign Q3 @someone`, or `-` for nobody' };
  if (who === CLEAR) return { name: 'assign', questionId: head.questionId };
  const userId = userIdOf(who) ?? handleOf(who);
  if (!userId)
    return {
      name: 'usage',
      command: 'assign',
      problem: `"${clip(head.rest[0] ?? '')}" is not a person: name them with @ (in Slack, pick them from the list so it becomes a mention; in the console, a handle such as @bob)`,
    };
  return { name: 'assign', questionId: head.questionId, userId };
};

export const parseDue: Parser = (input) => {
  const head = questionThen('due', input);
  if ('name' in head) return head;
  const [date] = head.rest;
  if (head.rest.length !== 1 || date === undefined)
    return { name: 'usage', command: 'due', problem: 'give one date, such as `due Q3 2024-10-01`, or `-` for none' };
  if (date === CLEAR) return { name: 'due', questionId: head.questionId };
  if (!isCalendarDate(date))
    return {
      name: 'usage',
      command: 'due',
      problem: `"${clip(date)}" is not a date: write it YYYY-MM-DD, such as 2024-10-01`,
    };
  return { name: 'due', questionId: head.questionId, date };
};

export const parseDrop: Parser = (input) => {
  const head = questionThen('drop', input);
  if ('name' in head) return head;
  const raw = input.remainder.slice(input.remainder.indexOf(input.args[0] ?? '') + (input.args[0]?.length ?? 0)).trim();
  if (raw === '') return { name: 'usage', command: 'drop', problem: `say why ${head.questionId} is not pursued` };
  const reason = checkedText('reason', 'drop', raw);
  return 'usage' in reason ? reason.usage : { name: 'drop', questionId: head.questionId, reason: reason.value };
};

export const parseMerge: Parser = (input) => {
  const head = questionThen('merge', input);
  if ('name' in head) return head;
  const [word, target] = head.rest;
  const into = questionIdOf(target);
  if (head.rest.length !== 2 || word?.toLowerCase() !== 'into' || !into)
    return { name: 'usage', command: 'merge', problem: 'say which question it goes into: `merge Q5 into Q3`' };
  if (into === head.questionId)
    return { name: 'usage', command: 'merge', problem: 'a question cannot be merged into itself' };
  return { name: 'merge', questionId: head.questionId, into };
};

/** YYYY-MM-DD and a real day of the calendar. */
export function isCalendarDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
}

export const parseAnswer =
  (name: 'answer' | 'partial'): Parser =>
  ({ remainder }) => {
    const [id, ...restParts] = splitFirst(remainder);
    const questionId = questionIdOf(id);
    if (!questionId) return { name: 'usage', command: name, problem: missingId(id) };
    const { body, url, problem } = splitTrailingUrl(restParts.join(''));
    if (problem) return { name: 'usage', command: name, problem };
    if (body === '') return { name: 'usage', command: name, problem: `write the answer after ${questionId}` };
    const answer = checkedText('answer', name, body);
    if ('usage' in answer) return answer.usage;
    return url === undefined
      ? { name, questionId, answer: answer.value }
      : { name, questionId, answer: answer.value, sourceUrl: url };
  };

/** The usage reply for a text that fails its check, or the cleaned text. */
function checkedText(kind: TextKind, command: CommandName, raw: string): { value: string } | { usage: Command } {
  const checked = checkText(kind, raw);
  return checked.ok ? { value: checked.value } : { usage: { name: 'usage', command, problem: checked.problem } };
}

/** ["Q2", " rest as typed"] */
function splitFirst(text: string): string[] {
  const m = /^(\S+)([\s\S]*)$/.exec(text);
  return m ? [m[1] as string, (m[2] as string).trim()] : [''];
}

/** "q2" -> "Q2"; anything else -> undefined. */
export function questionIdOf(word: string | undefined): string | undefined {
  return word !== undefined && /^q[1-9]\d{0,3}$/i.test(word) ? word.toUpperCase() : undefined;
}

function missingId(word: string | undefined): string {
  return word ? `"${clip(word)}" is not a question id; give one such as Q2` : 'give a question id such as Q2';
}

const URLISH = /^<?([a-z][a-z0-9+.-]*:\/\/\S*|(javascript|data|vbscript|file|mailto):\S*)$/i;

/**
 * Takes a URL off the end of the text, if there is one. Slack may wrap links as <url> or <url|label>.
 * A link that is not http(s) is refused rather than taken as part of the text. Linear: the last word is found by
 * scanning back from the end, never by a pattern that can backtrack over the whole text.
 */
export function splitTrailingUrl(text: string): { body: string; url?: string; problem?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { body: '' };
  let start = trimmed.length;
  while (start > 0 && !/\s/.test(trimmed.charAt(start - 1))) start--;
  const last = trimmed.slice(start);
  const before = trimmed.slice(0, start);
  if (last.length > URL_TOKEN_MAX || !URLISH.test(last)) return { body: trimmed };
  const [url = '', label] = last.replace(/^</, '').replace(/>$/, '').split('|');
  // Slack's own link form is <url> or <url|url without its scheme>; any other label would disguise the link,
  // so such a token stays part of the text (shown escaped), never a source.
  if (label !== undefined && label !== url.replace(/^[a-z]+:\/\//i, '')) return { body: trimmed };
  const checked = checkUrl(url);
  if (!checked.ok) return { body: before.trim(), problem: checked.problem };
  return { body: before.trim(), url: checked.value };
}

/** A token longer than this is never taken for a link (a URL over TEXT_LIMITS.url is refused anyway). */
const URL_TOKEN_MAX = 2 * 2000 + 10;

/** What `add` takes: the kind of entry, by its name or a short word for it. */
const ITEM_WORDS: Record<string, ItemKind> = {
  source: 'source',
  fact: 'fact',
  timeline: 'timeline',
  entry: 'timeline',
  expected: 'expected',
  'expected-update': 'expected',
  update: 'expected',
  event: 'event',
};
const ITEM_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** add source|fact|timeline|expected */
export const parseAdd: Parser = ({ args }) => {
  const kind = args.length === 1 ? ITEM_WORDS[(args[0] as string).toLowerCase()] : undefined;
  if (!kind)
    return {
      name: 'usage',
      command: 'add',
      problem:
        args.length === 0
          ? 'say what to add: source, fact, timeline, expected or event'
          : `"${clip(args.join(' '))}" is not something to add; say source, fact, timeline or expected`,
    };
  return { name: 'add', kind };
};

/** correct <id> */
export const parseCorrect: Parser = ({ args }) => {
  const [itemId] = args;
  if (itemId === undefined || args.length > 1 || !ITEM_ID.test(itemId))
    return { name: 'usage', command: 'correct', problem: missingItemId(itemId) };
  return { name: 'correct', itemId };
};

/** retract <id> <reason> */
export const parseRetract: Parser = ({ remainder }) => {
  const [itemId, ...why] = splitFirst(remainder.trim());
  if (itemId === undefined || itemId === '' || !ITEM_ID.test(itemId))
    return { name: 'usage', command: 'retract', problem: missingItemId(itemId) };
  const raw = why.join('');
  if (raw === '') return { name: 'usage', command: 'retract', problem: 'say why it is retracted, after its id' };
  const reason = checkedText('reason', 'retract', raw);
  return 'usage' in reason ? reason.usage : { name: 'retract', itemId, reason: reason.value };
};

function missingItemId(word: string | undefined): string {
  return word
    ? `"${clip(word)}" is not an id; give the id shown beside the entry, such as f3k9x2 or a source's id`
    : 'give the id shown beside the entry, such as f3k9x2 or a source id';
}

/**
 * Every word a /summit command begins with (typed commands and their aliases), and the console's own: no incident
 * may take one as its id. The registry is the table these come from; a test holds this list to it, so a handler
 * that needs them (starting an incident) reads them here, below the registry, instead of importing it.
 */
export const RESERVED_WORDS: readonly string[] = [
  'status',
  'overview',
  'facts',
  'fact',
  'when',
  'date',
  'questions',
  'question',
  'timeline',
  'updates',
  'history',
  'answer',
  'partial',
  'reopen',
  'ask',
  'update',
  'schedule',
  'subscribe',
  'unsubscribe',
  'remind',
  'assign',
  'due',
  'issue',
  'drop',
  'merge',
  'mine',
  'incidents',
  'follow',
  'unfollow',
  'link',
  'calendar',
  'sources',
  'help',
  '?',
  'new',
  'add',
  'correct',
  'retract',
  'use',
  'exit',
  'quit',
];
