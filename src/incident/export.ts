import { Document, parseDocument } from 'yaml';
import type { Dataset } from './schema';

/**
 * A data set file with what was added, corrected and retracted in Slack written into it: the file as it is (its
 * comments and layout outside the lists), with its sources, facts, timeline and expected updates replaced by the
 * layered ones (core/curate.ts), every version kept: a withdrawn one with `withdrawn:`, a correction with `since:`
 * and `recorded:` (who, when). Loaded alone into an empty store it reads as the file and the store did together.
 */
export function exportDataset(fileText: string | undefined, layered: Dataset): string {
  // An incident started in Slack has no file: the whole data set is written.
  if (fileText === undefined)
    return `# Started in Slack (/summit new); exported by npm run export.\n${new Document(layered).toString({ lineWidth: 120 })}`;
  const doc = parseDocument(fileText);
  const put = (path: string[], value: unknown) => doc.setIn(path, doc.createNode(value));
  put(['incident', 'sources'], layered.incident.sources);
  put(['incident', 'facts'], layered.incident.facts);
  put(['incident', 'timeline'], layered.incident.timeline);
  put(['expectedUpdates'], layered.expectedUpdates);
  // The event, when Slack added, corrected or retracted it (its earlier versions kept); else as the file wrote it.
  if (layered.eventHistory.length > 0 || (layered.event !== undefined) !== doc.hasIn(['event'])) {
    if (layered.event) put(['event'], layered.event);
    else doc.deleteIn(['event']);
    put(['eventHistory'], layered.eventHistory);
    if (layered.timezone !== undefined) put(['timezone'], layered.timezone);
    else doc.deleteIn(['timezone']);
  }
  return doc.toString({ lineWidth: 120 });
}
