import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { channelAccess, lookupUser } from './conversations';
import type { ReplyCache } from '../commands/handle';
import type { IssueRequests, RequestContext } from '../commands/types';
import type { Catalog } from '../incident/catalog';
import type { Actor } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { AppError } from '../lib/errors';
import type { InFlight } from '../lib/inflight';
import type { Metrics } from '../lib/metrics';
import type { SlackSettings } from '../settings';
import type { FollowUpStore } from '../store/repository';
import type { AdminDirectory } from './admins';
import type { PageFront } from './receiver';

/** What the Slack listeners need. Built once in buildSlackApp. */
export interface SlackDeps {
  settings: SlackSettings;
  catalog: Catalog;
  clock: Clock;
  log: Logger;
  store: FollowUpStore;
  metrics: Metrics;
  /** Ends the process with a sentence (a Slack credential revoked while running). */
  onFatal?: (error: AppError) => void;
  /** The incidents' pages and GitHub's webhooks, served on the HTTP receiver in HTTP mode. */
  pages?: PageFront;
  /** Questions as GitHub issues (GITHUB_TOKEN). */
  issues?: IssueRequests;
}

export interface ListenerDeps extends SlackDeps {
  admins: AdminDirectory;
  /** The app's Web API client (interactive policy), for the membership check when a channel is subscribed. */
  client: webApi.WebClient;
  /** Work that goes on after Slack has its answer; drained on stop. */
  background: InFlight;
  replies: ReplyCache;
}

/** The one way a Slack user becomes an actor: their id, and their name when Slack gave one. */
export function actorOf(user: { id: string; name?: string; username?: string }, name?: string): Actor {
  return { id: user.id, name: name || user.name || user.username || user.id };
}

/** The request key Bolt's context carries (the request's signature, from the HTTP receiver); absent in Socket Mode. */
export function requestKeyOf(context: Record<string, unknown>): string | undefined {
  const key = context.requestKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/** What the command path knows of one Slack user's request at this moment, before its incident is found. */
export function contextFor(
  deps: ListenerDeps,
  actor: Actor,
  channelId?: string,
  requestKey?: string,
  channelName?: string,
): RequestContext {
  return {
    catalog: deps.catalog,
    requestKey,
    channelId,
    groupDm: channelName?.startsWith('mpdm-') === true,
    now: deps.clock.now(),
    actor,
    isAdminOf: (incident) => deps.admins.isAdmin(actor.id, incident.admins),
    links: deps.settings.web,
    channelAccess: (id) => channelAccess(deps.client, id),
    lookupUser: (id) => lookupUser(deps.client, id),
    store: deps.store,
    ...(deps.issues && { issues: deps.issues }),
  };
}
