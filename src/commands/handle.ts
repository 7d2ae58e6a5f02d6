import { parseCommand } from './grammar';
import { runCommand, type CommandContext, type CommandResult } from './run';

/** The one command path every front end takes: text in, reply out. */
export async function handleCommandText(text: string, ctx: CommandContext): Promise<CommandResult> {
  return runCommand(parseCommand(text), ctx);
}
