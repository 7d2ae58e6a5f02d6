import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseIncident } from '../../src/incident/load';
import type { Incident } from '../../src/incident/model';

export const ROOT = path.join(__dirname, '..', '..');
export const DEFAULT_DATASET = path.join(ROOT, 'config', 'summit.yaml');

export function defaultDatasetText(): string {
  return readFileSync(DEFAULT_DATASET, 'utf8');
}

export function defaultIncident(): Incident {
  return parseIncident(defaultDatasetText(), 'config/summit.yaml');
}

/** The default data set with one field changed (path as in yaml's setIn), as YAML text. */
export function datasetWith(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(defaultDatasetText());
  edit(doc);
  return doc.toString();
}

/** A small data set for tests that need their own event (timed, other zones). */
export function minimalDataset(event: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const doc = {
    incident: {
      title: 'Test incident',
      summary: 'A test.',
      sources: [
        { id: 's1', title: 'Source one', publisher: 'Test', date: '2024-01-01', url: 'https://example.com/s1' },
      ],
    },
    event: {
      name: 'Test event',
      timezone: 'America/Los_Angeles',
      location: 'Online',
      hosts: ['Test'],
      source: 's1',
      ...event,
    },
    ...extra,
  };
  return JSON.stringify(doc);
}
