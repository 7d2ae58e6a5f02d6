import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { parseIncident } from '../../src/incident/load';
import type { Incident } from '../../src/incident/model';

export const ROOT = path.join(__dirname, '..', '..');
export const DEFAULT_DATASET = path.join(ROOT, 'config', 'incidents', 'crowdstrike-2024.yaml');

export function defaultDatasetText(): string {
  return readFileSync(DEFAULT_DATASET, 'utf8');
}

export function defaultIncident(): Incident {
  return parseIncident(defaultDatasetText(), 'config/incidents/crowdstrike-2024.yaml');
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
    id: 'test-incident',
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

/** A second incident beside the CrowdStrike one, and a closed third. */
export function cloudOutage(extra: Record<string, unknown> = {}): Incident {
  return parseIncident(
    minimalDataset(
      { name: 'Cloud provider briefing', date: '2026-11-20' },
      {
        id: 'cloud-outage-2026',
        incident: {
          title: 'Cloud outage of November 2026',
          summary: 'A made-up cloud outage, for tests.',
          sources: [
            {
              id: 's1',
              title: 'Status page',
              publisher: 'Cloud Co',
              date: '2026-11-02',
              url: 'https://example.com/status',
            },
          ],
        },
        questions: [{ id: 'Q1', text: 'What failed in the control plane?' }],
        ...extra,
      },
    ),
    'cloud-outage-2026.yaml',
  );
}

export function closedOutage(): Incident {
  return parseIncident(
    minimalDataset(
      { name: 'Old review', date: '2023-03-01' },
      {
        id: 'old-outage-2023',
        state: 'closed',
        incident: {
          title: 'Old outage of 2023',
          summary: 'Closed long ago.',
          sources: [
            { id: 's1', title: 'Old post', publisher: 'Old Co', date: '2023-02-01', url: 'https://example.com/old' },
          ],
        },
      },
    ),
    'old-outage-2023.yaml',
  );
}

/** An incident's event, for tests of one that has one (a data set file may leave it out). */
export function eventOf(incident: Incident): NonNullable<Incident['event']> {
  if (!incident.event) throw new Error(`${incident.id} has no event`);
  return incident.event;
}
