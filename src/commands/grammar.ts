import { decodeSlackEntities, stripControl } from '../views/format';

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
  /** Known command, bad arguments. */
  | { name: 'usage'; command: CommandName; problem: string }
  | { name: 'unknown'; word: string; suggestion?: CommandName };

export type CommandName = 'status' | 'facts' | 'when' | 'questions' | 'timeline' | 'help';

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
  { name: 'help', usage: 'help', summary: 'this list' },
];

const ALIASES: Record<string, CommandName> = { '': 'status', overview: 'status', '?': 'help', fact: 'facts', question: 'questions', date: 'when' };
const FILTERS: readonly QuestionFilterArg[] = ['open', 'answered', 'all'];
/** Longest word echoed back in a reply. */
const ECHO_MAX = 40;

/**
 * Parses the text of a /summit command (from Slack or the console). Never throws: any text gets a Command.
 * Slack's entity escaping is undone here, once, so arguments are kept as the user typed them.
 */
export function parseCommand(input: string): Command {
  const text = stripControl(decodeSlackEntities(input)).replace(/^\s*\/summit\b/i, '').trim();
  const [first = '', ...rest] = text.split(/\s+/);
  const word = first.toLowerCase();
  const name = (COMMANDS.some((c) => c.name === word) ? word : ALIASES[word]) as CommandName | undefined;
  if (name === undefined) return { name: 'unknown', word: first.slice(0, ECHO_MAX), suggestion: closestCommand(word) };

  const args = rest.filter((a) => a !== '');
  switch (name) {
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
