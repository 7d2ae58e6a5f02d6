import type { ExpectedUpdate, Fact, Incident, Known, Receipt, SummitEvent, TimelineEntry } from '../incident/model';

/**
 * "As of": the one rule for everything the bot shows. A thing is shown from the moment it was known (its `since`,
 * set by the loader: the later of its own time and its source's date, unless the data set says `since:`), never
 * before; and, once a correction replaced it or it was retracted, no longer from its `until`. Every reply, the Home tab and the reminder plan see the data set only through these functions.
 */
export function known(item: Known, now: Date): boolean {
  return item.since <= now && (item.until === undefined || now < item.until);
}

/** Facts known at `now`, optionally of one topic (case-insensitive), each in its wording of that moment. */
export function factsAsOf(incident: Incident, now: Date, topic?: string): Fact[] {
  const t = topic?.toLowerCase();
  return incident.facts
    .filter((f) => known(f, now) && (t === undefined || f.topic.toLowerCase() === t))
    .map((f) => (f.then === undefined ? f : { ...f, text: factText(f, now) }));
}

/** A fact's words at `now`: its later wording once that applies (tense follows time). */
export function factText(fact: Fact, now: Date): string {
  return fact.then !== undefined && fact.then.from <= now ? fact.then.text : fact.text;
}

/** Every topic the data set has facts on (withdrawn ones aside), in the order they first appear. */
export function topics(incident: Incident, now?: Date): string[] {
  // As of `now`, a topic is known no earlier than its first fact.
  const facts =
    now === undefined
      ? incident.facts.filter((f) => f.until === undefined)
      : incident.facts.filter((f) => known(f, now));
  return [...new Set(facts.map((f) => f.topic.toLowerCase()))];
}

/** The version of an expected update known at `now`, else its latest version. */
export function expectedById(incident: Incident, id: string, now: Date): ExpectedUpdate | undefined {
  const wanted = id.toLowerCase();
  const versions = incident.expectedUpdates.filter((u) => u.id.toLowerCase() === wanted);
  return versions.find((u) => known(u, now)) ?? versions.find((u) => u.until === undefined);
}

export function timelineAsOf(incident: Incident, now: Date): TimelineEntry[] {
  return incident.timeline.filter((e) => known(e, now));
}

/** The event, once it was announced; undefined before. */
export function eventAsOf(incident: Incident, now: Date): SummitEvent | undefined {
  if (incident.event && known(incident.event, now)) return incident.event;
  // Before a correction made in Slack: the version shown then.
  return incident.eventHistory.find((e) => known(e, now));
}

/** Updates that had arrived (and were known) by `now`, newest first. */
export function updatesAsOf(incident: Incident, now: Date): Receipt[] {
  return incident.updates.filter((u) => known(u, now) && u.when.at <= now).reverse();
}

/** Whether an expected update had been received, as known at `now`. */
export function receivedBy(update: ExpectedUpdate, now: Date): boolean {
  return update.received !== undefined && known(update.received, now) && update.received.when.at <= now;
}

export interface OutstandingUpdate {
  update: ExpectedUpdate;
  /** Its promised day (in the event's zone) has passed. Never for an estimate: nobody promised it. */
  overdue: boolean;
  /** An estimate whose day has passed: how many whole days ago. */
  estimatePassedDays?: number;
}

/** Expected updates promised by `now` and not received by then, earliest expected first. */
export function outstandingUpdates(incident: Incident, now: Date): OutstandingUpdate[] {
  return incident.expectedUpdates
    .filter((u) => known(u, now) && !receivedBy(u, now))
    .sort((a, b) => a.expected.getTime() - b.expected.getTime())
    .map((update) => {
      const passed = update.dueBy <= now;
      if (!update.estimated) return { update, overdue: passed };
      return {
        update,
        overdue: false,
        ...(passed && { estimatePassedDays: Math.floor((now.getTime() - update.dueBy.getTime()) / 86_400_000) }),
      };
    });
}
