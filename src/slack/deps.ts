import type { Logger } from 'pino';
import type { ReplyCache } from '../commands/handle';
import type { CommandContext } from '../commands/run';
import type { Actor, Incident } from '../incident/model';
import type { Clock } from '../lib/clock';
import type { InFlight } from '../lib/inflight';
import type { Metrics } from '../lib/metrics';
import type { Settings } from '../settings';
import type { FollowUpStore } from '../store/repository';
import type { AdminDirectory } from './admins';

/** What the Slack listeners need. Built once in buildSlackApp. */
export interface SlackDeps {
  settings: Settings;
  incident: Incident;
  clock: Clock;
  log: Logger;
  store: FollowUpStore;
  metrics: Metrics;
}

export interface ListenerDeps extends SlackDeps {
  admins: AdminDirectory;
  /** Work that goes on after Slack has its answer; drained on stop. */
  background: InFlight;
  replies: ReplyCache;
}

/** The command context for one Slack user at this moment. */
export function contextFor(deps: ListenerDeps, actor: Actor, channelId?: string): CommandContext {
  return {
    channelId,
    incident: deps.incident,
    now: deps.clock.now(),
    actor,
    isAdmin: () => deps.admins.isAdmin(actor.id),
    store: deps.store,
  };
}
