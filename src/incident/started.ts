import type { Actor, Incident } from './model';
import { resolveDataset } from './load';
import { datasetSchema } from './schema';

/** An incident started in Slack (/summit new): what its form said, who started it and when. */
export interface StartedIncident {
  id: string;
  title: string;
  summary: string;
  timezone: string;
  /** owner/name: where its questions become issues. */
  githubRepo?: string;
  actor: Actor;
  at: Date;
}

/**
 * The data set of an incident started in Slack: its title, summary and zone, its starter as its admin, and nothing
 * else yet (no sources, facts or event: those are added in Slack like any incident's). Checked by the data set's
 * schema, so it reads, exports and answers exactly as a file with the same content would.
 */
export function startedDataset(s: StartedIncident) {
  return datasetSchema.safeParse({
    id: s.id,
    incident: { title: s.title, summary: s.summary },
    timezone: s.timezone,
    ...(s.githubRepo !== undefined && { github: { repo: s.githubRepo } }),
    admins: /^[UW][A-Z0-9]{2,}$/.test(s.actor.id) ? [s.actor.id] : [],
  });
}

/** The incident of a row of the store; undefined when the row no longer passes the checks (it is then left out). */
export function startedIncident(s: StartedIncident): Incident | undefined {
  const parsed = startedDataset(s);
  return parsed.success ? resolveDataset(parsed.data) : undefined;
}
