import { parseDocument } from 'yaml';
import { questionAsOf } from '../../../src/core/questions';
import { defaultDatasetText, defaultIncident, eventOf } from '../../helpers/incident';

/** The shipped data set: every reference resolves, every URL is http(s), and it says what facts.md says. */
describe('config/incidents/crowdstrike-2024.yaml', () => {
  const incident = defaultIncident();
  const raw = parseDocument(defaultDatasetText()).toJS() as {
    incident: { sources: { id: string }[]; facts: { source: string }[]; timeline: { source: string }[] };
    event: { source: string };
    expectedUpdates: { source: string; received?: { source: string } }[];
    questions: { history: { source?: string }[] }[];
  };

  test('every source id it uses resolves to a listed source', () => {
    const ids = new Set(raw.incident.sources.map((s) => s.id));
    const used = [
      ...raw.incident.facts.map((f) => f.source),
      ...raw.incident.timeline.map((t) => t.source),
      raw.event.source,
      ...raw.expectedUpdates.flatMap((u) => [u.source, ...(u.received ? [u.received.source] : [])]),
      ...raw.questions.flatMap((q) => q.history.map((h) => h.source).filter((s): s is string => s !== undefined)),
    ];
    expect(used.length).toBeGreaterThan(20);
    for (const id of used) expect(ids).toContain(id);
  });

  test('every source URL is http(s) and every source is used', () => {
    for (const s of incident.sources) expect(new URL(s.url).protocol).toMatch(/^https?:$/);
    const used = new Set([...incident.facts.map((f) => f.source.id), ...incident.timeline.map((t) => t.source.id)]);
    for (const s of incident.sources) expect(used).toContain(s.id);
  });

  test('the event is the all-day summit of September 10, 2024 in Redmond', () => {
    expect(eventOf(incident).name).toBe('Windows Endpoint Security Ecosystem Summit');
    expect(eventOf(incident).allDay).toBe(true);
    expect(incident.zone).toBe('America/Los_Angeles');
    expect(eventOf(incident).start.toISOString()).toBe('2024-09-10T07:00:00.000Z');
    expect(eventOf(incident).location).toMatch(/Redmond/);
    // Microsoft hosted; CrowdStrike attended with other vendors (facts.md).
    expect(eventOf(incident).hosts).toEqual(['Microsoft']);
    expect(eventOf(incident).audience).toMatch(/^CrowdStrike and other key partners/);
  });

  test('the four questions of the article, with the dated statuses facts.md gives', () => {
    expect(incident.questions.map((q) => q.id)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
    const [q1, q2, q3, q4] = incident.questions;
    if (!q1 || !q2 || !q3 || !q4) throw new Error('missing questions');
    expect(questionAsOf(q1, new Date('2024-08-05T12:00:00Z')).status).toBe('open');
    expect(questionAsOf(q1, new Date('2024-08-06T12:00:00Z')).status).toBe('answered');
    expect(questionAsOf(q1, new Date('2024-08-06T12:00:00Z')).answers[0]?.source?.id).toBe('cs-rca');
    expect(questionAsOf(q2, new Date('2026-01-01')).status).toBe('partial');
    expect(questionAsOf(q3, new Date('2026-01-01')).status).toBe('open');
    expect(questionAsOf(q4, new Date('2026-01-01')).status).toBe('open');
  });

  test('leaves out what facts.md marks as not verified', () => {
    const text = defaultDatasetText();
    expect(text).not.toMatch(/\bher\b/i);
    expect(text).not.toMatch(/\$\s?\d|billion/i);
    expect(text).not.toMatch(/\brust\b|\bebpf\b/i);
    expect(text).not.toMatch(/\bban(ned)?\b/i);
  });

  test('the post-summit update was expected on September 11 and received on September 12', () => {
    const u = incident.expectedUpdates.find((x) => x.id === 'post-summit');
    expect(u?.expectedDate).toBe('2024-09-11');
    expect(u?.received?.source?.id).toBe('win-0912');
  });

  test('says no more than its sources (the audit against facts.md)', () => {
    const text = defaultDatasetText();
    expect(text).not.toMatch(/co-exhibit|co-host/i);
    expect(text).not.toMatch(/gave the sensor's Content Interpreter a 21st input field/);
    expect(text).not.toMatch(/opened a private preview/);
    expect(text).not.toMatch(/outcome favoured vendor choice/);
    // Each measure with the document that first promised it: error handling in the PIR, bounds check in the RCA.
    const byText = (needle: string) => incident.facts.find((f) => f.text.includes(needle));
    expect(byText('enhanced error handling in the Content Interpreter')?.source.id).toBe('cs-pir');
    expect(byText('runtime array bounds check')?.source.id).toBe('cs-rca');
    const q2 = incident.questions.find((q) => q.id === 'Q2');
    expect(q2?.history.find((h) => h.source?.id === 'cs-rca')?.answer).not.toMatch(/error handling/);
    // Third-party review in two parts (facts.md): the PIR promised third-party validation; the RCA named two vendors.
    expect(q2?.history.find((h) => h.source?.id === 'cs-pir')?.answer).toMatch(/third-party validation/);
    expect(q2?.history.find((h) => h.source?.id === 'cs-pir')?.answer).not.toMatch(/two independent/);
    expect(q2?.history.find((h) => h.source?.id === 'cs-rca')?.answer).toMatch(/two independent third-party/);
    expect(byText('third-party validation')?.source.id).toBe('cs-pir');
    expect(byText('two independent')?.source.id).toBe('cs-rca');
    // The summary promises no event before one was announced, and never "the events they held".
    expect(incident.summary).not.toMatch(/event/i);
    expect(text).not.toMatch(/discussions (are|were) private/i);
    // A source whose title is not known carries a label that does not pass for a title.
    expect(incident.sources.find((x) => x.id === 'win-summit')?.title).toMatch(
      /^Windows Experience Blog post announcing the summit/,
    );
  });
});
