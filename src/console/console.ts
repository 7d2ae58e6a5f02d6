import { userInfo } from 'node:os';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { IssueRequests } from '../commands/types';
import { submitForm } from '../commands/forms';
import { handleCommandText } from '../commands/handle';
import { askAtTerminal, fillForm, type Ask } from './forms';
import type { Catalog } from '../incident/catalog';
import type { Actor } from '../incident/model';
import { sentenceReply } from '../views/doc';
import { unknownIncidentReply } from '../views/incidents';
import type { Clock } from '../lib/clock';
import type { FollowUpStore } from '../store/repository';
import { failureReply } from '../views/replies';
import { toPlainText } from '../views/render-text';

/**
 * Where the console prints: replies, and reminders that fire while someone may be typing. At an interactive
 * terminal a reminder is printed above the prompt: the line being typed is cleared, the reminder written, and the
 * prompt redrawn with the partial input as it was, so what Enter runs is what the screen shows.
 */
export class ConsoleScreen {
  private rl?: Interface;

  constructor(
    readonly output: NodeJS.WritableStream,
    private readonly interactive: boolean,
  ) {}

  /** The prompt's readline, once the console has one. */
  attach(rl: Interface | undefined): void {
    this.rl = rl;
  }

  print(text: string): void {
    if (!this.interactive || !this.rl) {
      this.output.write(text);
      return;
    }
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    this.output.write(text);
    // Redraws the prompt and whatever was typed, keeping the cursor where it was.
    this.rl.prompt(true);
  }
}

export interface ConsoleDeps {
  catalog: Catalog;
  clock: Clock;
  store: FollowUpStore;
  input: NodeJS.ReadableStream;
  screen: ConsoleScreen;
  /** Show a prompt (a person at a terminal rather than a script). */
  interactive: boolean;
  /** Pages and calendars (PUBLIC_URL, WEB_LINK_SECRET), for `link` and `calendar`. */
  links?: { publicUrl: string; secret: string };
  /** Questions as GitHub issues (GITHUB_TOKEN), for `issue`. */
  issues?: IssueRequests;
}

export const CONSOLE_BANNER =
  'summit-bot console (no Slack credentials set). Type "help"; Ctrl-D quits. To connect to Slack, set SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode): see README.md.';

/**
 * The local front end: reads commands ("/summit when" or just "when") line by line and prints the same replies
 * Slack gets, as plain text. Resolves at the end of input.
 */
export async function runConsole({
  catalog,
  clock,
  store,
  input,
  screen,
  interactive,
  links,
  issues,
}: ConsoleDeps): Promise<void> {
  // The person at the terminal runs the bot, so they are its admin.
  const actor: Actor = { id: 'console', name: localUserName() };
  // `use <id>` chooses the incident commands are about; with one incident, it is that one from the start.
  let chosen = catalog.sole()?.id;
  let rl!: Interface;
  let lines!: AsyncIterator<string>;
  const prompt = () => {
    if (interactive) rl.prompt();
  };
  const setPrompt = () => rl.setPrompt(catalog.size > 1 ? `summit ${chosen ?? '(no incident chosen)'}> ` : 'summit> ');
  // One reader of lines for commands and, when piped, for the answers a form asks for.
  const open = () => {
    rl = createInterface({ input, output: interactive ? screen.output : undefined, terminal: interactive });
    if (interactive) screen.attach(rl);
    lines = rl[Symbol.asyncIterator]();
    setPrompt();
  };
  open();
  const nextLine = async (): Promise<string | undefined> => {
    const r = await lines.next();
    return r.done === true ? undefined : String(r.value);
  };
  // At a terminal a form's fields are asked with a prompt library (editing, Ctrl-C leaves the form); piped, the
  // answers are the next lines.
  const ask: Ask = interactive ? askAtTerminal(input, screen.output) : nextLine;
  const say = (text: string) => screen.output.write(`${text}\n`);
  const request = () => ({
    catalog,
    chosen,
    now: clock.now(),
    actor,
    isAdminOf: async () => true,
    store,
    links,
    issues,
    // The console's person is at this machine: their zone is the machine's (a form's time zone starts there).
    lookupUser: async () => ({ bot: false, deleted: false, tz: Intl.DateTimeFormat().resolvedOptions().timeZone }),
  });
  prompt();
  try {
    for (;;) {
      const line = await nextLine();
      if (line === undefined) break;
      const text = line.trim();
      if (text === 'exit' || text === 'quit') break;
      const use = /^use(?:\s+(\S+))?\s*$/i.exec(text);
      if (use) {
        const id = use[1]?.toLowerCase();
        const reply =
          id === undefined
            ? sentenceReply(
                `Say which incident: use <id>. The incidents: ${catalog.incidents.map((i) => i.id).join(', ')}.`,
              )
            : catalog.has(id)
              ? sentenceReply(`Now about ${id} (${catalog.get(id)?.title ?? ''}): every command here is about it.`)
              : unknownIncidentReply(
                  id,
                  catalog.closest(id),
                  catalog.incidents.map((i) => i.id),
                );
        if (id !== undefined && catalog.has(id)) chosen = id;
        setPrompt();
        screen.output.write(`${toPlainText(reply)}\n\n`);
        prompt();
        continue;
      }
      if (text !== '') {
        const result = await handleCommandText(text, request()).catch(() => undefined);
        if (!result) screen.output.write(`${toPlainText(failureReply())}\n\n`);
        else if (result.form) {
          // A command that opens a form in Slack asks its fields here, one after another, with the same checks.
          const form = result.form;
          const before = new Set(catalog.incidents.map((i) => i.id));
          // The prompt library reads the terminal itself: the console's reader steps aside until the form is done.
          if (interactive) {
            screen.attach(undefined);
            rl.close();
          }
          const outcome = await fillForm(form, ask, say, (values) =>
            submitForm(form.callback_id ?? '', values, form.private_metadata, request()),
          )
            .catch(() => undefined)
            .finally(() => {
              if (interactive) open();
            });
          // An incident started here is the one the next commands are about (as a channel follows it in Slack).
          const started = outcome?.ok ? catalog.incidents.find((i) => !before.has(i.id)) : undefined;
          if (started) {
            chosen = started.id;
            setPrompt();
          }
          const reply =
            outcome === undefined
              ? sentenceReply('The form was left unfinished; nothing was recorded.')
              : outcome.ok
                ? outcome.result.reply
                : sentenceReply(
                    outcome.expired === true
                      ? 'This form cannot be submitted any more; nothing was recorded.'
                      : 'Nothing was recorded.',
                  );
          screen.output.write(`${toPlainText(reply)}\n\n`);
        } else screen.output.write(`${toPlainText(result.reply)}\n\n`);
      }
      prompt();
    }
  } finally {
    screen.attach(undefined);
    rl.close();
  }
}

function localUserName(): string {
  try {
    return userInfo().username || 'console';
  } catch {
    return 'console';
  }
}
