import type { Incident } from '../incident/model';

/**
 * Work that depends only on an incident as recorded (the applied model, one object per recorded state of that
 * incident) and the minute of the bot's clock, done once per (model, minute, what): the Home tab of every user and
 * every /summit mine across incidents share it. Also keyed by the list of every incident as recorded (a new list
 * after any change, commands/across.ts), for what gathers across them. Like a reused reply, a value is never older
 * than the minute it is for, nor than a change recorded in its incident. Entries go with their model (a WeakMap):
 * bounded by the models alive, one per incident, and the one list.
 */
const memo = new WeakMap<object, Map<string, { minute: number; value: unknown }>>();

export function perMinute<T>(incident: Incident | readonly Incident[], now: Date, what: string, make: () => T): T {
  const minute = Math.floor(now.getTime() / 60_000);
  let slots = memo.get(incident);
  if (!slots) {
    slots = new Map();
    memo.set(incident, slots);
  }
  const hit = slots.get(what);
  if (hit?.minute === minute) return hit.value as T;
  const value = make();
  slots.set(what, { minute, value });
  return value;
}
