import type { Reply } from '../views/doc';
import { parseCommand } from './grammar';
import { runCommand, type CommandContext } from './run';

/** The one command path every front end takes: text in, reply out. */
export async function handleCommandText(text: string, ctx: CommandContext): Promise<Reply> {
  return runCommand(parseCommand(text), ctx);
}
