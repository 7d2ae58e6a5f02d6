import pino from 'pino';
import { parseCommand } from '../../src/commands/registry';
import { runCommand, type CommandContext } from '../../src/commands/run';
import { toSlackMessage } from '../../src/views/render-slack';
import { toPlainText } from '../../src/views/render-text';
import type { Actor, Incident } from '../../src/incident/model';
import { openStore } from '../../src/store/open';
import { Catalog } from '../../src/incident/catalog';
import type { FollowUpStore } from '../../src/store/repository';

export const silent = pino({ level: 'silent' });

/** The default data set's incident: what a test store reads and writes unless told otherwise. */
export const DEFAULT_INCIDENT_ID = 'crowdstrike-2024';

/** A fresh store (in memory by default, or a SQLite file), seen as one incident's records (`scoped` for another's). */
export async function testStore(path = ':memory:', incidentId = DEFAULT_INCIDENT_ID): Promise<FollowUpStore> {
  return (await openStore({ kind: 'sqlite', path }, silent)).scoped(incidentId);
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
  const admin = async () => actor.id === ADMIN.id;
  return {
    incident,
    catalog: new Catalog([incident]),
    store: store.scoped(incident.id),
    now: new Date(now),
    actor,
    isAdmin: admin,
    isAdminOf: admin,
  };
}

/** Runs command text as `ctx` and returns the result with its plain-text and Block Kit renderings. */
export async function runText(text: string, ctx: CommandContext) {
  const result = await runCommand(parseCommand(text), ctx);
  return { ...result, plain: toPlainText(result.reply), json: JSON.stringify(toSlackMessage(result.reply)) };
}
