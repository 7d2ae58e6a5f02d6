import { owners, type QuestionState } from '../core/questions';
import type { Incident } from '../incident/model';
import { perMinute } from './per-minute';

/**
 * Who owns which open questions, per incident and across incidents, worked out once per minute and change: what
 * /summit mine and the Home tab share (below both, so neither the handlers nor the Home tab import the other).
 */

/** Every owner's open questions in an incident as recorded, once per minute. */
export function ownersOf(incident: Incident, now: Date): Map<string, QuestionState[]> {
  return perMinute(incident, now, 'owners', () => owners(incident.questions, now));
}

/** One incident's part of what a user owns across incidents. */
export interface OwnedIn {
  incident: Incident;
  states: QuestionState[];
}

/**
 * Each owner's open questions across every incident (in the incidents' order, only those where they own one), once
 * per minute and set of incidents as recorded (a new list after any change): /summit mine asks it for each of
 * hundreds of users, who would otherwise each walk every incident.
 */
export function ownedAcross(incidents: readonly Incident[], now: Date): Map<string, OwnedIn[]> {
  return perMinute(incidents, now, 'owned across', () => {
    const byOwner = new Map<string, OwnedIn[]>();
    for (const incident of incidents)
      for (const [owner, states] of ownersOf(incident, now)) {
        const list = byOwner.get(owner);
        if (list) list.push({ incident, states });
        else byOwner.set(owner, [{ incident, states }]);
      }
    return byOwner;
  });
}
