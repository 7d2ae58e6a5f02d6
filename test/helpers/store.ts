import pino from 'pino';
import { parseCommand } from '../../src/commands/registry';
import { runCommand, type CommandContext } from '../../src/commands/run';
import { toSlackMessage } from '../../src/views/render-slack';
import { toPlainText } from '../../src/views/render-text';
import type { Actor, Incident } from '../../src/incident/model';
import { openStore } from '../../src/store/open';
import type { FollowUpStore } from '../../src/store/repository';

export const silent = pino({ level: 'silent' });

/** A fresh store: in memory by default, or a SQLite file. */
export function testStore(path = ':memory:'): Promise<FollowUpStore> {
  return openStore({ kind: 'sqlite', path }, silent);
}

export const ADMIN: Actor = { id: 'U0ADMIN', name: 'ada' };
export const MEMBER: Actor = { id: 'U0MEMBER', name: 'bob' };

/** A command context with a chosen actor; only ADMIN is an admin. */
export function contextWith(
  incident: Incident,
  store: FollowUpStore,
  now: Date | string,
  actor: Actor = ADMIN,
): CommandContext {
  return { incident, store, now: new Date(now), actor, isAdmin: async () => actor.id === ADMIN.id };
}

/** Runs command text as `ctx` and returns the result with its plain-text and Block Kit renderings. */
export async function runText(text: string, ctx: CommandContext) {
  const result = await runCommand(parseCommand(text), ctx);
  return { ...result, plain: toPlainText(result.reply), json: JSON.stringify(toSlackMessage(result.reply)) };
}
