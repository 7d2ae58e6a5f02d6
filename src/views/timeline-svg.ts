import { eventAsOf, known, outstandingUpdates, timelineAsOf } from '../core/incident';
import { questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';
import { toInstant } from '../incident/load';
import { formatInZone } from './format';
import { esc } from './render-html';

/**
 * The incident's dated things on one axis, as an inline SVG (no script, no external asset, readable in print):
 * one lane each for the timeline, the sources, the event, the expected updates and the questions' due dates, and a
 * line at the page's moment. Only what is known at `now` is drawn, by the same rule as every reply.
 */

interface Mark {
  at: Date;
  label: string;
}

const WIDTH = 960;
const LEFT = 150;
const RIGHT = 30;
const LANE = 40;
const TOP = 28;

export function timelineSvg(incident: Incident, now: Date, asOfLabel: string): string {
  const zone = incident.zone;
  const event = eventAsOf(incident, now);
  const lanes: { name: string; kind: string; marks: Mark[] }[] = [
    {
      name: 'Timeline',
      kind: 'timeline',
      marks: timelineAsOf(incident, now).map((e) => ({ at: e.when.at, label: e.text })),
    },
    {
      name: 'Sources',
      kind: 'source',
      marks: incident.sources
        .map((s) => ({ at: toInstant(s.date, zone), label: `${s.title} (${s.publisher})` }))
        .filter((m) => m.at <= now),
    },
    { name: 'Event', kind: 'event', marks: event ? [{ at: event.start, label: event.name }] : [] },
    {
      name: 'Expected updates',
      kind: 'expected',
      marks: incident.expectedUpdates
        .filter((u) => known(u, now))
        .map((u) => ({ at: u.expected, label: `${u.text}${u.estimated ? ' (estimated)' : ''}` })),
    },
    {
      name: 'Due dates',
      kind: 'due',
      marks: questionsAsOf(incident.questions, now, 'open').flatMap((s) =>
        s.due
          ? [{ at: new Date(s.due.by.getTime() - 12 * 3_600_000), label: `${s.question.id} ${s.question.text}` }]
          : [],
      ),
    },
  ];
  const times = lanes.flatMap((l) => l.marks.map((m) => m.at.getTime()));
  times.push(now.getTime());
  const outstanding = outstandingUpdates(incident, now).length;
  const span = Math.max(...times) - Math.min(...times) || 86_400_000;
  const from = Math.min(...times) - span * 0.03;
  const to = Math.max(...times) + span * 0.03;
  const x = (t: number) => LEFT + ((t - from) / (to - from)) * (WIDTH - LEFT - RIGHT);
  const height = TOP + lanes.length * LANE + 40;
  const axisY = TOP + lanes.length * LANE;
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const y = TOP + i * LANE + LANE / 2;
    parts.push(`<text class="lane" x="8" y="${y + 4}">${esc(lane.name)}</text>`);
    parts.push(`<line class="lane-rule" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y}" y2="${y}"/>`);
    for (const m of lane.marks) {
      const when = formatInZone(m.at, zone, false);
      parts.push(
        `<circle class="mark ${lane.kind}" data-kind="${lane.kind}" cx="${x(m.at.getTime()).toFixed(1)}" cy="${y}" r="6"><title>${esc(`${when}: ${m.label}`)}</title></circle>`,
      );
      if (lane.kind === 'event')
        parts.push(
          `<text class="event-label" x="${(x(m.at.getTime()) + 9).toFixed(1)}" y="${y - 9}">${esc(m.label)}</text>`,
        );
    }
  });
  // Year and month ticks: about six, at month starts.
  const ticks: number[] = [];
  const start = new Date(from);
  const months = Math.max(1, Math.round((to - from) / (30 * 86_400_000) / 6));
  for (
    let d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    d.getTime() < to;
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1))
  )
    ticks.push(d.getTime());
  parts.push(`<line class="axis" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  for (const t of ticks) {
    const label = new Date(t).toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
    parts.push(`<line class="tick" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${axisY}" y2="${axisY + 6}"/>`);
    parts.push(
      `<text class="tick-label" x="${x(t).toFixed(1)}" y="${axisY + 20}" text-anchor="middle">${esc(label)}</text>`,
    );
  }
  const nx = x(now.getTime()).toFixed(1);
  parts.push(`<line class="now" x1="${nx}" x2="${nx}" y1="${TOP - 6}" y2="${axisY}"/>`);
  parts.push(`<text class="now-label" x="${nx}" y="${TOP - 10}" text-anchor="middle">${esc(asOfLabel)}</text>`);
  const described = `${lanes.reduce((n, l) => n + l.marks.length, 0)} dated things${outstanding > 0 ? `, ${outstanding} expected update${outstanding === 1 ? '' : 's'} outstanding` : ''}`;
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(`Timeline: ${described}`)}">${parts.join('')}</svg>`;
}
