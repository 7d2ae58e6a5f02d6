import type { Catalog } from '../incident/catalog';
import type { Incident } from '../incident/model';
import { StoreUnavailableError } from '../lib/errors';
import type { ChannelFollow } from '../store/repository';
import {
  followRefusedReply,
  goneIncidentReply,
  noIncidentForInteractionReply,
  noIncidentHereReply,
  unfollowedReply,
  unknownIncidentReply,
  whichIncidentReply,
} from '../views/incidents';
import { scopeForm, scopeReply } from '../views/scope';
import { parseCommand, REGISTRY } from './registry';
import { runCommand } from './run';
import type { Command, CommandContext, CommandResult, RequestContext } from './types';

/**
 * Which incident a request is about, found once at the front of the one command path (house style: the incident is
 * a parameter, never a global). In order: the incident named first (`/summit crowdstrike-2024 facts`), the console's
 * `use`, the incident the channel follows, the only (active) incident. Otherwise nothing is guessed: the reply
 * says which incidents there are and how to name one.
 */

/** The incident named by the text's first word (after any "/summit"), and the text after it. */
export function namedFirst(text: string, catalog: Catalog): { incidentId?: string; rest: string } {
  const trimmed = text.replace(/^\s*\/summit\b/i, '').trimStart();
  const m = /^(\S+)(\s+|$)/.exec(trimmed);
  const word = m?.[1]?.toLowerCase();
  if (m && word !== undefined && catalog.has(word)) return { incidentId: word, rest: trimmed.slice(m[0].length) };
  return { rest: text };
}

/** The incident a request names or its place implies, without asking anyone; undefined when several could be meant. */
export function impliedIncident(
  catalog: Catalog,
  where: { channelId?: string; chosen?: string },
  follows: ReadonlyMap<string, ChannelFollow> | undefined,
  named?: string,
): Incident | undefined {
  if (named !== undefined) return catalog.get(named);
  if (where.chosen !== undefined && catalog.has(where.chosen)) return catalog.get(where.chosen);
  const followed = where.channelId === undefined ? undefined : follows?.get(where.channelId)?.incidentId;
  if (followed !== undefined) return catalog.get(followed);
  return catalog.sole();
}

/** The incident a channel follows that the bot no longer has (its data set file was removed), if it follows one. */
export function goneIncident(
  catalog: Catalog,
  channelId: string | undefined,
  follows: ReadonlyMap<string, ChannelFollow> | undefined,
): string | undefined {
  const followed = channelId === undefined ? undefined : follows?.get(channelId)?.incidentId;
  return followed !== undefined && !catalog.has(followed) ? followed : undefined;
}

/**
 * The channels' follows (read with one incident too: a channel may follow one whose file was removed). While the
 * store is down, the follows last read: a channel keeps its incident through an outage.
 */
export async function followsOf(req: RequestContext): Promise<ReadonlyMap<string, ChannelFollow> | undefined> {
  if (req.channelId === undefined) return undefined;
  try {
    return await req.store.follows();
  } catch (error) {
    if (error instanceof StoreUnavailableError) return req.store.followsLastRead();
    throw error;
  }
}

/** The request's context with its incident: what every handler gets. */
export function scopeTo(req: RequestContext, incident: Incident): CommandContext {
  let admin: Promise<boolean> | undefined;
  return {
    ...req,
    incident,
    store: req.store.scoped(incident.id),
    isAdmin: () => (admin ??= req.isAdminOf(incident)),
  };
}

/** A result whose buttons and form say which incident they belong to. */
export function stamped(result: CommandResult, incidentId: string): CommandResult {
  return {
    ...result,
    reply: scopeReply(result.reply, incidentId),
    ...(result.form && { form: scopeForm(result.form, incidentId) }),
    ...(result.replaceMessage && { replaceMessage: scopeReply(result.replaceMessage, incidentId) }),
  };
}

const answered = (reply: CommandResult['reply']): CommandResult => ({ reply, changed: false });

/**
 * The command and the context it runs in, or the answer when the incident cannot be found (an unknown id, several
 * incidents and none named, follow of a closed one). `text` is the text after any incident named first.
 */
export async function resolveRequest(
  text: string,
  req: RequestContext,
  from: 'slack' | 'typed',
): Promise<{ cmd: Command; ctx: CommandContext } | { cmd: Command; result: CommandResult }> {
  const { catalog } = req;
  const { incidentId, rest } = namedFirst(text, catalog);
  const cmd = parseCommand(rest, from);
  const follows = await followsOf(req);
  const where = req.channelId === undefined ? 'console' : req.channelId.startsWith('D') ? 'dm' : 'channel';
  if (cmd.name === 'follow') {
    const target = catalog.get(cmd.incidentId);
    if (!target)
      return {
        cmd,
        result: answered(
          cmd.incidentId === ''
            ? followRefusedReply('missing-id')
            : unknownIncidentReply(
                cmd.incidentId,
                catalog.closest(cmd.incidentId),
                catalog.incidents.map((i) => i.id),
              ),
        ),
      };
    if (target.state === 'closed') return { cmd, result: answered(followRefusedReply('closed', target)) };
    return { cmd, ctx: scopeTo(req, target) };
  }
  if (cmd.name === 'unfollow') {
    // Read with any number of incidents: with one, the follows are otherwise not read (nothing to resolve).
    const all = follows ?? (req.channelId === undefined ? undefined : await req.store.follows());
    const followed = req.channelId === undefined ? undefined : all?.get(req.channelId)?.incidentId;
    if (followed === undefined) return { cmd, result: answered(unfollowedReply(undefined)) };
    // A followed incident the bot no longer has can be unfollowed too (the handler names what was followed).
    return { cmd, ctx: scopeTo(req, catalog.get(followed) ?? (catalog.incidents[0] as Incident)) };
  }
  // A first word that is no command but close to an incident's id: "did you mean".
  if (cmd.name === 'unknown' && cmd.suggestion === undefined) {
    const closest = catalog.closest(cmd.word);
    if (closest.length > 0)
      return {
        cmd,
        result: answered(
          unknownIncidentReply(
            cmd.word,
            closest,
            catalog.incidents.map((i) => i.id),
          ),
        ),
      };
  }
  const incident = impliedIncident(catalog, { channelId: req.channelId, chosen: req.chosen }, follows, incidentId);
  // A channel that follows an incident the bot no longer has is told so, never answered about another one.
  const gone = incidentId === undefined ? goneIncident(catalog, req.channelId, follows) : undefined;
  if (gone !== undefined && cmd.name !== 'usage' && cmd.name !== 'unknown' && !REGISTRY[cmd.name].anyIncident)
    return { cmd, result: answered(goneIncidentReply(gone, catalog.incidents)) };
  // `/summit <incident> mine`: that incident's questions alone (mine is otherwise across incidents).
  if (incident && cmd.name === 'mine' && incidentId !== undefined)
    return { cmd: { ...cmd, one: true }, ctx: scopeTo(req, incident) };
  if (incident) return { cmd, ctx: scopeTo(req, incident) };
  // Commands about no incident in particular (help, incidents, mine) and the grammar's own answers run as they are;
  // the incident they are given is not read.
  if (cmd.name === 'usage' || cmd.name === 'unknown' || REGISTRY[cmd.name].anyIncident)
    return { cmd, ctx: scopeTo(req, catalog.incidents[0] as Incident) };
  return { cmd, result: answered(whichIncidentReply(catalog.incidents, rest, where, await held(req, rest, where))) };
}

/**
 * The reference of the command held for the "which incident?" menu (commands typed in Slack with words after the
 * command), or undefined: nothing to hold, the console, or the store down (the reply then offers no menu).
 */
async function held(
  req: RequestContext,
  text: string,
  where: 'console' | 'dm' | 'channel',
): Promise<string | undefined> {
  if (where === 'console' || text.trim() === '') return undefined;
  try {
    return await req.store.holdCommand(req.actor.id, text.trim());
  } catch (error) {
    if (error instanceof StoreUnavailableError) return undefined;
    throw error;
  }
}

/**
 * Where an interaction comes from. A button or a form the bot made names its incident in its value or metadata;
 * one without (made before incidents) belongs to the earlier records' incident. A message shortcut names none: it
 * is about the incident the channel follows, or the only one.
 */
export type InteractionOrigin = { kind: 'made'; incidentId?: string } | { kind: 'shortcut' };

/**
 * The context of an interaction (see InteractionOrigin), or undefined when no incident can be found: one since
 * removed, or several and nothing says which.
 */
export async function interactionContext(
  req: RequestContext,
  origin: InteractionOrigin,
): Promise<CommandContext | undefined> {
  const { catalog } = req;
  const incidentId = origin.kind === 'made' ? origin.incidentId : undefined;
  const named = incidentId === undefined ? undefined : catalog.get(incidentId);
  if (incidentId !== undefined && !named) return undefined;
  const earlier =
    origin.kind === 'made' && incidentId === undefined && catalog.earlier !== undefined
      ? catalog.get(catalog.earlier)
      : undefined;
  const incident = named ?? earlier ?? impliedIncident(catalog, { channelId: req.channelId }, await followsOf(req));
  return incident && scopeTo(req, incident);
}

/**
 * Runs an interaction's command in its incident; without one, says why: a button or form whose incident is no
 * longer followed, or a shortcut in a channel that follows none of several incidents (nothing is guessed).
 */
export async function runInteraction(
  cmd: Command,
  req: RequestContext,
  origin: InteractionOrigin,
): Promise<CommandResult> {
  const ctx = await interactionContext(req, origin);
  if (!ctx)
    return answered(
      origin.kind === 'shortcut'
        ? noIncidentHereReply(req.catalog.incidents)
        : noIncidentForInteractionReply(req.catalog),
    );
  return runScoped(cmd, ctx);
}

/** Where reusable replies are kept (commands/handle.ts's ReplyCache). */
interface Reuse {
  get(cmd: Command, ctx: CommandContext, make: () => Promise<CommandResult>): Promise<CommandResult>;
}

/** Runs a command in its incident's context (through the reply cache when given), its result stamped with it. */
export function runScoped(cmd: Command, ctx: CommandContext, cache?: Reuse): Promise<CommandResult> {
  const make = async () => stamped(await runCommand(cmd, ctx), ctx.incident.id);
  return cache ? cache.get(cmd, ctx, make) : make();
}
