import { applyFollowUps } from '../core/follow-up';
import type { Catalog } from '../incident/catalog';
import type { Incident } from '../incident/model';
import type { RequestContext } from './types';

/**
 * Every incident with what was recorded about it applied (active ones first), for what looks across incidents:
 * `/summit incidents`, `/summit mine`, the Home tab. Read once per recorded-state version and shared by every
 * request meanwhile, so a look across 200 incidents is one lookup, not 200 reads, until something is recorded; and
 * then only the incident that changed is read again (the store keeps the others' state objects, and the applied
 * model is kept per state object).
 */
export async function appliedAll(req: RequestContext): Promise<Incident[]> {
  // The catalog's generation too: a data set file edited while the bot runs makes the incidents anew.
  const version = `${req.catalog.generation}|${await req.store.stateVersion()}`;
  const memo = memos.get(req.catalog);
  if (memo?.version === version) return memo.incidents;
  const incidents = Promise.all(
    req.catalog.incidents.map(async (i) => applyFollowUps(i, await req.store.scoped(i.id).state())),
  );
  memos.set(req.catalog, { version, incidents });
  incidents.catch(() => {
    if (memos.get(req.catalog)?.incidents === incidents) memos.delete(req.catalog);
  });
  return incidents;
}

/** One entry per set of incidents (the bot has one): its incidents as recorded at the latest state version. */
const memos = new WeakMap<Catalog, { version: string; incidents: Promise<Incident[]> }>();
