import type { ExpectedUpdate, Fact, Incident, TimelineEntry } from '../incident/model';

/** Facts known at `now`, optionally of one topic (case-insensitive). */
export function factsAsOf(incident: Incident, now: Date, topic?: string): Fact[] {
  const t = topic?.toLowerCase();
  return incident.facts.filter((f) => f.since <= now && (t === undefined || f.topic.toLowerCase() === t));
}

/** Every topic the data set has facts on, in the order they first appear. */
export function topics(incident: Incident): string[] {
  return [...new Set(incident.facts.map((f) => f.topic.toLowerCase()))];
}

export function timelineAsOf(incident: Incident, now: Date): TimelineEntry[] {
  return incident.timeline.filter((e) => e.when.at <= now);
}

export interface OutstandingUpdate {
  update: ExpectedUpdate;
  /** Its expected day (in the event's zone) has passed. */
  overdue: boolean;
}

/** Expected updates not received by `now`, earliest expected first. */
export function outstandingUpdates(incident: Incident, now: Date): OutstandingUpdate[] {
  return incident.expectedUpdates
    .filter((u) => u.received === undefined || u.received.when.at > now)
    .sort((a, b) => a.expected.getTime() - b.expected.getTime())
    .map((update) => ({ update, overdue: update.dueBy <= now }));
}
