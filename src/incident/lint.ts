import { DateTime } from 'luxon';
import { phrasePattern } from '../lib/text';
import type { Dataset } from './schema';

/**
 * The data set's "as of" rules that a schema cannot express, checked at start (a finding stops the bot, like a
 * schema error) and by `npm run check-data`: nothing is shown before its source's date, no answer or receipt
 * cites a source dated after it, and a later wording does not start
 * before the fact itself. `npm run check-data` also looks for phrases a team has ruled out (--forbid).
 */
export interface Finding {
  path: (string | number)[];
  message: string;
}

export function lintDataset(d: Dataset, forbidden: readonly string[] = []): Finding[] {
  const zone = d.event?.timezone ?? d.timezone ?? 'UTC';
  const dates = new Map(d.incident.sources.map((s) => [s.id, s.date]));
  const findings: Finding[] = [];
  const at = (text: string) => DateTime.fromISO(text, { zone, setZone: !/^\d{4}-\d{2}-\d{2}$/.test(text) }).toMillis();
  const day = (text: string) => DateTime.fromISO(text, { zone }).toMillis();
  /** `when` (a date or instant) falls on a day before source `sid` was published. */
  const beforeSource = (when: string, sid: string | undefined): string | undefined => {
    const published = sid === undefined ? undefined : dates.get(sid);
    return published !== undefined && at(when) < day(published) ? published : undefined;
  };

  /** A since: that would show something before its source existed. */
  const sinceCheck = (path: (string | number)[], since: string | undefined, sid: string) => {
    const published = since === undefined ? undefined : beforeSource(since, sid);
    if (published)
      findings.push({
        path,
        message: `${since} is before its source "${sid}" was published (${published}): remove since:, or give a date on or after it`,
      });
  };
  d.incident.facts.forEach((f, i) => {
    sinceCheck(['incident', 'facts', i, 'since'], f.since, f.source);
    const from = f.since ?? dates.get(f.source);
    if (f.until !== undefined && from !== undefined && at(f.until) <= at(from))
      findings.push({
        path: ['incident', 'facts', i, 'until'],
        message: `${f.until} is not after the fact is first shown (${from}): the first wording would never show`,
      });
  });
  d.incident.timeline.forEach((t, i) => sinceCheck(['incident', 'timeline', i, 'since'], t.since, t.source));
  d.expectedUpdates.forEach((u, i) => {
    if (u.received) {
      const cited = beforeSource(u.received.at, u.received.source);
      if (cited)
        findings.push({
          path: ['expectedUpdates', i, 'received', 'at'],
          message: `${u.received.at} is before its source "${u.received.source}" was published (${cited}): date the receipt on or after it`,
        });
    }
  });
  d.questions.forEach((q, i) =>
    q.history.forEach((h, j) => {
      const cited = beforeSource(h.at, h.source);
      if (cited)
        findings.push({
          path: ['questions', i, 'history', j, 'at'],
          message: `${h.at} is before its source "${h.source}" was published (${cited}): an answer cannot cite a source from later`,
        });
    }),
  );
  if (forbidden.length > 0) findings.push(...forbiddenPhrases(d, forbidden));
  return findings;
}

/** Every string in the data set that contains a forbidden phrase (as whole words, case-insensitive), at its path. */
function forbiddenPhrases(d: Dataset, forbidden: readonly string[]): Finding[] {
  const out: Finding[] = [];
  const patterns = forbidden.map(phrasePattern);

  const walk = (value: unknown, path: (string | number)[]) => {
    if (typeof value === 'string') {
      patterns.forEach((re, k) => {
        if (re.test(value))
          out.push({ path, message: `contains "${forbidden[k]}", which is on the list of what must stay out` });
      });
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(v, [...path, k]);
  };
  walk(d, []);
  return out;
}
