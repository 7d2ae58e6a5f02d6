import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadIncident, parseIncident } from '../../../src/incident/load';
import { ConfigError } from '../../../src/lib/errors';
import { datasetWith, minimalDataset, eventOf } from '../../helpers/incident';

function invalid(text: string): string {
  try {
    parseIncident(text, 'config/test.yaml');
  } catch (e) {
    if (e instanceof ConfigError) {
      expect(e.exitCode).toBe(2);
      return e.message;
    }
    throw e;
  }
  throw new Error('expected the data set to be rejected');
}

describe('data set validation: one rule each', () => {
  test('a missing file names the file and SUMMIT_CONFIG', () => {
    const e = (() => {
      try {
        loadIncident('/nonexistent/summit.yaml');
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(e?.exitCode).toBe(2);
    expect(e?.message).toMatch(/\/nonexistent\/summit.yaml: file not found.*SUMMIT_CONFIG/);
  });

  test('a folder instead of a file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-'));
    mkdirSync(path.join(dir, 'x.yaml'));
    expect(() => loadIncident(path.join(dir, 'x.yaml'))).toThrow(/is a folder/);
  });

  test('YAML syntax errors give line and column', () => {
    expect(invalid('incident:\n  title: [unclosed\n')).toMatch(
      /config\/test.yaml is not valid YAML:\n {2}- line \d+, column \d+/,
    );
  });

  test('an empty file names the missing sections', () => {
    const msg = invalid('');
    expect(msg).toMatch(/incident: is required/);
    // An incident may have no event (one started in Slack); then its zone is named on its own.
    expect(msg).toMatch(/timezone: give timezone: \(such as Europe\/Berlin\) or an event: with its timezone/);
  });

  test('a missing field is named with its path and line', () => {
    const msg = invalid(datasetWith((d) => d.deleteIn(['incident', 'sources', 0, 'url'])));
    expect(msg).toMatch(/incident\.sources\[0\]\.url \(line \d+\): is required/);
  });

  test('an unknown field (a typo) is rejected', () => {
    expect(invalid(datasetWith((d) => d.setIn(['event', 'locaton'], 'Redmond')))).toMatch(
      /event.*unknown field\(s\) "locaton"/,
    );
  });

  test('a source URL must be http(s)', () => {
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'sources', 1, 'url'], 'javascript:alert(1)')))).toMatch(
      /incident\.sources\[1\]\.url \(line \d+\): must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  test('a source date must be a real YYYY-MM-DD date', () => {
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'sources', 0, 'date'], '24 July 2024')))).toMatch(
      /sources\[0\]\.date.*YYYY-MM-DD/,
    );
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'sources', 0, 'date'], '2024-02-30')))).toMatch(
      /not a real calendar date/,
    );
  });

  test('every source id must resolve', () => {
    const msg = invalid(datasetWith((d) => d.setIn(['incident', 'facts', 2, 'source'], 'nope')));
    expect(msg).toMatch(
      /incident\.facts\[2\]\.source \(line \d+\): unknown source "nope"; add it under incident.sources or use one of: cs-pir/,
    );
  });

  test('source ids must be unique', () => {
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'sources', 1, 'id'], 'cs-pir')))).toMatch(
      /duplicate source id "cs-pir"/,
    );
  });

  test('an event has date: or start:, not both', () => {
    expect(invalid(datasetWith((d) => d.setIn(['event', 'start'], '2024-09-10T09:00:00')))).toMatch(
      /event\.date.*either date:/,
    );
    expect(invalid(minimalDataset({}))).toMatch(/event\.date.*either date:/);
  });

  test('end: needs start: and must come after it', () => {
    expect(invalid(minimalDataset({ date: '2024-09-10', end: '2024-09-11' }))).toMatch(/event\.end.*needs start:/);
    expect(invalid(minimalDataset({ start: '2024-09-10T10:00', end: '2024-09-10T09:00' }))).toMatch(
      /event\.end \(line \d+\): must be after start/,
    );
  });

  test('the time zone must be an IANA zone', () => {
    expect(invalid(datasetWith((d) => d.setIn(['event', 'timezone'], 'Pacific Time')))).toMatch(
      /event\.timezone.*IANA time zone/,
    );
  });

  test('an answered or partial entry needs an answer and a source', () => {
    const msg = invalid(
      datasetWith((d) => {
        d.deleteIn(['questions', 0, 'history', 0, 'answer']);
        d.deleteIn(['questions', 0, 'history', 0, 'source']);
      }),
    );
    expect(msg).toMatch(/questions\[0\]\.history\[0\]\.answer.*needs answer:/);
    expect(msg).toMatch(/questions\[0\]\.history\[0\]\.source.*needs source:/);
  });

  test('a status must be open, partial or answered', () => {
    expect(invalid(datasetWith((d) => d.setIn(['questions', 0, 'history', 0, 'status'], 'done')))).toMatch(
      /questions\[0\]\.history\[0\]\.status/,
    );
  });

  test('history must be oldest first', () => {
    expect(invalid(datasetWith((d) => d.setIn(['questions', 1, 'history', 1, 'at'], '2024-07-01')))).toMatch(
      /questions\[1\]\.history\[1\]\.at.*oldest first/,
    );
  });

  test('question ids look like Q1 and are unique', () => {
    expect(invalid(datasetWith((d) => d.setIn(['questions', 0, 'id'], 'first')))).toMatch(
      /questions\[0\]\.id.*like Q1/,
    );
    expect(invalid(datasetWith((d) => d.setIn(['questions', 1, 'id'], 'Q1')))).toMatch(/duplicate question id "Q1"/);
  });

  test('expected-update ids are unique and need a date', () => {
    const text = datasetWith((d) => {
      d.addIn(['expectedUpdates'], { id: 'post-summit', text: 'again', expected: 'soon', source: 'cs-pir' });
    });
    const msg = invalid(text);
    expect(msg).toMatch(/duplicate expected-update id "post-summit"/);
    expect(msg).toMatch(/expectedUpdates\[1\]\.expected.*YYYY-MM-DD/);
  });

  test('a timeline time must be a date or ISO date-time', () => {
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'timeline', 0, 'at'], 'July 19')))).toMatch(
      /incident\.timeline\[0\]\.at.*ISO-8601/,
    );
  });

  test('text fields may not be empty or over their limit', () => {
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'title'], '  ')))).toMatch(
      /incident\.title.*must not be empty/,
    );
    expect(invalid(datasetWith((d) => d.setIn(['incident', 'facts', 0, 'text'], 'x'.repeat(1501))))).toMatch(
      /facts\[0\]\.text.*at most 1500/,
    );
  });

  test('every problem is reported at once', () => {
    const msg = invalid(
      datasetWith((d) => {
        d.setIn(['event', 'timezone'], 'Nowhere/Else');
        d.setIn(['incident', 'sources', 0, 'url'], 'ftp://x');
      }),
    );
    expect(msg.split('\n').filter((l) => l.startsWith('  - ')).length).toBeGreaterThanOrEqual(2);
  });

  test('a valid file on disk loads', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-'));
    const file = path.join(dir, 'timed.yaml');
    writeFileSync(file, minimalDataset({ start: '2024-11-02T09:00', end: '2024-11-03T09:00' }));
    const incident = loadIncident(file);
    expect(eventOf(incident).allDay).toBe(false);
    // Times with no offset are read in the event's zone: PDT before the November 3 change, PST after it.
    expect(eventOf(incident).start.toISOString()).toBe('2024-11-02T16:00:00.000Z');
    expect(eventOf(incident).end.toISOString()).toBe('2024-11-03T17:00:00.000Z');
  });
});
