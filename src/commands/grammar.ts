import { checkText, checkUrl, clip, ECHO_MAX, MAX_COMMAND_CHARS, sanitize, type TextKind } from '../lib/text';
import { decodeSlackEntities } from '../views/format';

/**
 * The /summit grammar, shared by every front end: the text after `/summit` becomes one typed Command.
 * The table below is also what `help` prints and what "did you mean" searches.
 */

export type QuestionFilterArg = 'open' | 'answered' | 'all';

export type Command =
  | { name: 'status' }
  | { name: 'facts'; topic?: string }
  | { name: 'when' }
  | { name: 'questions'; filter: QuestionFilterArg }
  | { name: 'timeline' }
  | { name: 'help' }
  | { name: 'answer' | 'partial'; questionId: string; answer: string; sourceUrl?: string }
  | { name: 'reopen'; questionId: string; reason?: string }
  | { name: 'ask'; text: string }
  /**
   * From the slash command `words` may start with an expected-update id (only the data set can tell, so run
   * decides); from the Record update form the id comes apart, as `expectedId`, and `words` is the text alone.
   */
  | { name: 'update'; words: string; url?: string; expectedId?: string }
  | { name: 'updates' }
  | { name: 'history'; questionId: string }
  | { name: 'subscribe' }
  | { name: 'unsubscribe' }
  | { name: 'remind'; on: boolean }
  | { name: 'schedule' }
  /** Pressed on a reminder (never typed): postpone one series of reminders here by a day. */
  | { name: 'snooze'; series: string }
  /** Known command, bad arguments. */
  | { name: 'usage'; command: CommandName; problem: string }
  | { name: 'unknown'; word: string; suggestion?: CommandName };

export type CommandName =
  | 'status'
  | 'facts'
  | 'when'
  | 'questions'
  | 'timeline'
  | 'updates'
  | 'history'
  | 'answer'
  | 'partial'
  | 'reopen'
  | 'ask'
  | 'update'
  | 'subscribe'
  | 'unsubscribe'
  | 'remind'
  | 'schedule'
  | 'help';

export interface CommandSpec {
  name: CommandName;
  usage: string;
  summary: string;
}

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'status', usage: 'status', summary: 'the overview: the event, its countdown, open questions, the next expected update' },
  { name: 'facts', usage: 'facts [outage|summit|aftermath]', summary: 'what is known, each fact with its source' },
  { name: 'when', usage: 'when', summary: 'date, time zone, place, hosts and countdown' },
  { name: 'questions', usage: 'questions [open|answered|all]', summary: 'the questions still open (or all of them), with answers and sources' },
  { name: 'timeline', usage: 'timeline', summary: 'what happened when, with sources' },
  { name: 'updates', usage: 'updates', summary: 'the updates recorded, newest first, and the expected ones still outstanding' },
  { name: 'history', usage: 'history Q2', summary: 'every change to a question, with who and when' },
  { name: 'answer', usage: 'answer Q2 <answer> [source URL]', summary: 'mark a question answered (admins)' },
  { name: 'partial', usage: 'partial Q2 <answer> [source URL]', summary: 'mark a question partly answered (admins)' },
  { name: 'reopen', usage: 'reopen Q2 [reason]', summary: 'set a question back to open (admins)' },
  { name: 'ask', usage: 'ask <question>', summary: 'add an open question' },
  { name: 'update', usage: 'update [expected-update-id | -] <text> [URL]', summary: 'record an update that arrived (admins); - records one not tied to an expected update' },
  { name: 'schedule', usage: 'schedule', summary: 'the next reminders for this channel or for you, in your time zone' },
  { name: 'subscribe', usage: 'subscribe', summary: 'this channel receives reminders' },
  { name: 'unsubscribe', usage: 'unsubscribe', summary: 'this channel stops receiving reminders' },
  { name: 'remind', usage: 'remind me|off', summary: 'receive reminders by DM, or stop' },
  { name: 'help', usage: 'help', summary: 'this list' },
];


const ALIASES: Record<string, CommandName> = { '': 'status', overview: 'status', '?': 'help', fact: 'facts', question: 'questions', date: 'when' };
const FILTERS: readonly QuestionFilterArg[] = ['open', 'answered', 'all'];

/**
 * Parses the text of a /summit command (from Slack or the console). Never throws: any text gets a Command.
 * Slack's entity escaping is undone here, once, so arguments are kept as the user typed them.
 */
export function parseCommand(input: string): Command {
  // The length limit comes before any other work: only the first word of an overlong text is looked at.
  if (input.length > MAX_COMMAND_CHARS) {
    const name = commandNamed(firstWord(input.slice(0, 200)));
    const problem = `the text is ${input.length} characters; at most ${MAX_COMMAND_CHARS}`;
    return name === undefined ? { name: 'unknown', word: clip(firstWord(input.slice(0, 200))) } : { name: 'usage', command: name, problem };
  }
  const text = sanitize(decodeSlackEntities(input)).replace(/^\s*\/summit\b/i, '').trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const word = first.toLowerCase();
  const name = commandNamed(word);
  if (name === undefined) return { name: 'unknown', word: clip(first), suggestion: closestCommand(word) };

  const args = rest.filter((a) => a !== '');
  /** The text after the command word, as typed (inner spacing and line breaks kept). */
  const remainder = text.slice(first.length).trim();
  switch (name) {
    case 'answer':
    case 'partial':
      return parseAnswer(name, remainder);
    case 'reopen': {
      const [id, ...why] = splitFirst(remainder);
      const questionId = questionIdOf(id);
      if (!questionId) return { name: 'usage', command: 'reopen', problem: missingId(id) };
      const raw = why.join('');
      if (raw === '') return { name: 'reopen', questionId };
      const reason = checkedText('reason', 'reopen', raw);
      return 'usage' in reason ? reason.usage : { name: 'reopen', questionId, reason: reason.value };
    }
    case 'remind': {
      const what = args[0]?.toLowerCase();
      if (args.length !== 1 || (what !== 'me' && what !== 'off')) return { name: 'usage', command: 'remind', problem: 'say `remind me` or `remind off`' };
      return { name: 'remind', on: what === 'me' };
    }
    case 'history': {
      const questionId = questionIdOf(args[0]);
      if (!questionId || args.length > 1) return { name: 'usage', command: 'history', problem: missingId(args[0]) };
      return { name: 'history', questionId };
    }
    case 'ask': {
      if (remainder === '') return { name: 'usage', command: 'ask', problem: 'write the question after `ask`' };
      const question = checkedText('question', 'ask', remainder);
      return 'usage' in question ? question.usage : { name: 'ask', text: question.value };
    }
    case 'update': {
      const { body, url, problem } = splitTrailingUrl(remainder);
      if (problem) return { name: 'usage', command: 'update', problem };
      if (body === '') return { name: 'usage', command: 'update', problem: 'write what the update says after `update`' };
      const words = checkedText('update', 'update', body);
      if ('usage' in words) return words.usage;
      return url === undefined ? { name: 'update', words: words.value } : { name: 'update', words: words.value, url };
    }
    case 'facts':
      if (args.length > 1) return { name: 'usage', command: 'facts', problem: 'give at most one topic' };
      return args[0] === undefined ? { name: 'facts' } : { name: 'facts', topic: args[0].toLowerCase().slice(0, ECHO_MAX) };
    case 'questions': {
      if (args.length > 1) return { name: 'usage', command: 'questions', problem: 'give at most one of open, answered, all' };
      const filter = (args[0] ?? 'open').toLowerCase();
      if (!FILTERS.includes(filter as QuestionFilterArg))
        return { name: 'usage', command: 'questions', problem: `"${args[0]?.slice(0, ECHO_MAX)}" is not one of open, answered, all` };
      return { name: 'questions', filter: filter as QuestionFilterArg };
    }
    default:
      if (args.length > 0) return { name: 'usage', command: name, problem: `\`${name}\` takes no arguments` };
      return { name } as Command;
  }
}

function firstWord(text: string): string {
  return text.replace(/^\s*\/summit\b/i, '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
}

function commandNamed(word: string): CommandName | undefined {
  return (COMMANDS.some((c) => c.name === word) ? word : ALIASES[word]) as CommandName | undefined;
}

/** The usage reply for a text that fails its check, or the cleaned text. */
function checkedText(kind: TextKind, command: CommandName, raw: string): { value: string } | { usage: Command } {
  const checked = checkText(kind, raw);
  return checked.ok ? { value: checked.value } : { usage: { name: 'usage', command, problem: checked.problem } };
}

function parseAnswer(name: 'answer' | 'partial', remainder: string): Command {
  const [id, ...restParts] = splitFirst(remainder);
  const questionId = questionIdOf(id);
  if (!questionId) return { name: 'usage', command: name, problem: missingId(id) };
  const { body, url, problem } = splitTrailingUrl(restParts.join(''));
  if (problem) return { name: 'usage', command: name, problem };
  if (body === '') return { name: 'usage', command: name, problem: `write the answer after ${questionId}` };
  const answer = checkedText('answer', name, body);
  if ('usage' in answer) return answer.usage;
  return url === undefined ? { name, questionId, answer: answer.value } : { name, questionId, answer: answer.value, sourceUrl: url };
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

/** The command closest to a mistyped word (a prefix, or at most two edits away), if any is close enough. */
export function closestCommand(word: string): CommandName | undefined {
  if (word === '') return undefined;
  const w = word.slice(0, 32);
  const prefix = COMMANDS.find((c) => c.name.startsWith(w) || (w.length > c.name.length && w.startsWith(c.name)));
  if (prefix) return prefix.name;
  let best: { name: CommandName; d: number } | undefined;
  for (const c of COMMANDS) {
    const d = editDistance(w, c.name);
    if (d <= Math.max(1, Math.min(2, Math.floor(c.name.length / 3))) && (best === undefined || d < best.d)) best = { name: c.name, d };
  }
  return best?.name;
}

/** Edit distance counting an insertion, deletion, substitution or swap of neighbours as one edit (OSA). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(at(i, j), at(i - 2, j - 2) + 1);
    }
  }
  return at(a.length, b.length);
}

export function specOf(name: CommandName): CommandSpec {
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new Error(`no spec for ${name}`);
  return spec;
}
