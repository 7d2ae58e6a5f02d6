import { eventAsOf, known, outstandingUpdates, timelineAsOf } from '../core/incident';
import { questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';
import { toInstant } from '../incident/load';
import { truncate } from './format';
import { esc } from './render-html';

/**
 * The incident's dated things on one axis, as an inline SVG a manager can read, in print too (no script, no external
 * asset): every entry labelled with its day and what it is, the labels packed in rows above the axis so that none
 * overlaps another or leaves the picture; the axis scaled to where things happen (a stretch of more than three
 * weeks with nothing in it is cut, and marked with how long it was), ticks fitted to each stretch (days, weeks or
 * months), a line at the page's moment, and every day in one zone, the incident's, named under the picture. Only
 * what is known at `now` is drawn, by the same rule as every reply.
 */

type Kind = 'timeline' | 'source' | 'event' | 'expected' | 'due';

interface Mark {
  at: Date;
  label: string;
  kind: Kind;
  /** A moment (shown in the reader's zone by the page's script), not a day (which stays the day it is). */
  moment?: boolean;
}

const KIND_NAMES: Record<Kind, string> = {
  timeline: 'What happened',
  source: 'Source published',
  event: 'Event',
  expected: 'Expected update',
  due: 'Question due',
};

const WIDTH = 960;
const MARGIN = 12;
/** Where the axis starts and ends. */
const LEFT = 24;
const RIGHT = WIDTH - 24;
/** A stretch with nothing in it longer than this is cut from the axis. */
const GAP_MS = 21 * 86_400_000;
/** How wide a cut is drawn. */
const CUT = 64;
/** Label rows: their height, and how wide a character is taken to be (generous for 11px sans-serif). */
const ROW = 17;
const CHAR = 6.6;
const LABEL_MAX = 60;
const DAY = 86_400_000;

/** A day as the picture writes it, in the incident's zone: "Jul 19". */
function shortDay(d: Date, zone: string, withYear = false): string {
  return new Intl.DateTimeFormat('en-US', {
    month: 'short',
    day: 'numeric',
    ...(withYear && { year: 'numeric' }),
    timeZone: zone,
  }).format(d);
}

/** The marks of everything dated known at `now`. */
function marksOf(incident: Incident, now: Date): Mark[] {
  const zone = incident.zone;
  const event = eventAsOf(incident, now);
  return [
    ...timelineAsOf(incident, now).map((e) => ({
      at: e.when.at,
      label: e.text,
      kind: 'timeline' as const,
      moment: !e.when.dateOnly,
    })),
    ...incident.sources
      .map((s) => ({ at: toInstant(s.date, zone), label: `${s.publisher}: ${s.title}`, kind: 'source' as const }))
      .filter((m) => m.at <= now),
    ...(event ? [{ at: event.start, label: event.name, kind: 'event' as const, moment: !event.allDay }] : []),
    ...incident.expectedUpdates
      .filter((u) => known(u, now))
      .map((u) => ({
        at: u.expected,
        label: `${u.estimated ? 'Expected (our estimate)' : 'Expected'}: ${u.text}`,
        kind: 'expected' as const,
      })),
    ...questionsAsOf(incident.questions, now, 'open').flatMap((s) =>
      s.due
        ? [
            {
              at: new Date(s.due.by.getTime() - 12 * 3_600_000),
              label: `${s.question.id} due: ${s.question.text}`,
              kind: 'due' as const,
            },
          ]
        : [],
    ),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The axis: each moment's x, with long empty stretches cut; the stretches kept, and the cuts. */
function axisOf(times: number[]): {
  x: (t: number) => number;
  stretches: { from: number; to: number }[];
  cuts: { x: number; ms: number }[];
} {
  const sorted = [...new Set(times)].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - (sorted[i] as number));
  const cutCount = gaps.filter((g) => g > GAP_MS).length;
  const kept = gaps.filter((g) => g <= GAP_MS).reduce((n, g) => n + g, 0);
  const usable = RIGHT - LEFT - cutCount * CUT;
  // Nothing but cuts (or one moment): the moments spread evenly between them.
  const perMs = kept > 0 ? usable / kept : 0;
  const evenStep = kept > 0 ? 0 : usable / Math.max(1, sorted.length - 1 - cutCount || 1);
  const xs = new Map<number, number>();
  const stretches: { from: number; to: number }[] = [];
  const cuts: { x: number; ms: number }[] = [];
  let x = kept > 0 || sorted.length > 1 ? LEFT : (LEFT + RIGHT) / 2;
  let stretchFrom = sorted[0] as number;
  sorted.forEach((t, i) => {
    if (i > 0) {
      const g = gaps[i - 1] as number;
      if (g > GAP_MS) {
        stretches.push({ from: stretchFrom, to: sorted[i - 1] as number });
        cuts.push({ x: x + CUT / 2, ms: g });
        x += CUT;
        stretchFrom = t;
      } else x += kept > 0 ? g * perMs : evenStep;
    }
    xs.set(t, x);
  });
  stretches.push({ from: stretchFrom, to: sorted.at(-1) as number });
  const x0 = (t: number): number => {
    const exact = xs.get(t);
    if (exact !== undefined) return exact;
    // Between two kept moments (a tick): linear within its stretch.
    const i = sorted.findIndex((s) => s > t);
    if (i <= 0) return i === 0 ? LEFT : (xs.get(sorted.at(-1) as number) as number);
    const a = sorted[i - 1] as number;
    const b = sorted[i] as number;
    return (xs.get(a) as number) + (((xs.get(b) as number) - (xs.get(a) as number)) * (t - a)) / (b - a);
  };
  return { x: x0, stretches, cuts };
}

/** Ticks of one stretch: days, weeks (Mondays) or months (their first day), by how long it is. */
function ticksOf(from: number, to: number, zone: string): { at: number; label: string }[] {
  const span = to - from;
  const out: { at: number; label: string }[] = [];
  if (span < DAY) return out;
  const step = span <= 10 * DAY ? 'day' : span <= 75 * DAY ? 'week' : 'month';
  const dayParts = new Intl.DateTimeFormat('en-US', { weekday: 'short', day: 'numeric', timeZone: zone });
  const monthLabel = new Intl.DateTimeFormat('en-US', { month: 'short', year: 'numeric', timeZone: zone });
  // Walk the days of the stretch (at noon UTC, a day in any nearby zone).
  for (let t = Math.ceil(from / DAY) * DAY + DAY / 2; t <= to; t += DAY) {
    const d = new Date(t);
    const parts = dayParts.formatToParts(d);
    const weekday = parts.find((p) => p.type === 'weekday')?.value;
    const day = parts.find((p) => p.type === 'day')?.value;
    if (step === 'day' || (step === 'week' && weekday === 'Mon')) out.push({ at: t, label: shortDay(d, zone) });
    else if (step === 'month' && day === '1') out.push({ at: t, label: monthLabel.format(d) });
  }
  return out;
}

function describeGap(ms: number): string {
  const days = Math.round(ms / DAY);
  if (days < 60) return `${Math.round(days / 7)} weeks`;
  const months = Math.round(days / 30.4);
  return months < 24 ? `${months} months` : `${Math.round(months / 12)} years`;
}

export function timelineSvg(incident: Incident, now: Date, asOfLabel: string): string {
  const zone = incident.zone;
  const marks = marksOf(incident, now);
  const outstanding = outstandingUpdates(incident, now).length;
  const { x, stretches, cuts } = axisOf([...marks.map((m) => m.at.getTime()), now.getTime()]);

  // Labels in rows above the axis, packed greedily in time order: each in the lowest row where it fits.
  const rows: { from: number; to: number }[][] = [];
  const placed = marks.map((m) => {
    const text = `${shortDay(m.at, zone)} · ${truncate(m.label, LABEL_MAX)}`;
    const width = text.length * CHAR;
    const mx = x(m.at.getTime());
    // Starting at the mark, or ending at it near the right edge; never outside the picture.
    const start = Math.max(MARGIN, Math.min(mx - 4, WIDTH - MARGIN - width));
    const span = { from: start - 6, to: start + width + 6 };
    let row = rows.findIndex((r) => r.every((o) => span.to <= o.from || span.from >= o.to));
    if (row === -1) row = rows.push([]) - 1;
    (rows[row] as { from: number; to: number }[]).push(span);
    return { m, text, start, row, mx };
  });

  const top = 30;
  const axisY = top + Math.max(1, rows.length) * ROW + 14;
  const legendY = axisY + 44;
  const height = legendY + 26;
  const parts: string[] = [];
  parts.push(`<line class="axis" x1="${LEFT}" x2="${RIGHT}" y1="${axisY}" y2="${axisY}"/>`);
  // Ticks, per stretch, dropped where a label would crowd the one before.
  let lastTickEnd = -Infinity;
  for (const s of stretches)
    for (const t of ticksOf(s.from, s.to, zone)) {
      const tx = x(t.at);
      const half = (t.label.length * CHAR) / 2;
      if (tx - half < lastTickEnd + 8 || tx - half < MARGIN || tx + half > WIDTH - MARGIN) continue;
      lastTickEnd = tx + half;
      parts.push(`<line class="tick" x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${axisY}" y2="${axisY + 5}"/>`);
      parts.push(
        `<text class="tick-label" x="${tx.toFixed(1)}" y="${axisY + 18}" text-anchor="middle">${esc(t.label)}</text>`,
      );
    }
  for (const c of cuts) {
    parts.push(
      `<path class="cut" d="M${(c.x - 5).toFixed(1)} ${axisY + 6} l4 -12 M${(c.x + 1).toFixed(1)} ${axisY + 6} l4 -12"/>`,
    );
    parts.push(
      `<text class="cut-label" x="${c.x.toFixed(1)}" y="${axisY + 32}" text-anchor="middle">${esc(describeGap(c.ms))}</text>`,
    );
  }
  // Leaders first, then the marks, then the labels over them (each with a halo, so a leader never crosses a word).
  const rowY = (row: number) => top + (rows.length - 1 - row) * ROW + ROW - 4;
  for (const p of placed)
    parts.push(
      `<line class="leader" x1="${p.mx.toFixed(1)}" x2="${p.mx.toFixed(1)}" y1="${rowY(p.row) + 3}" y2="${axisY}"/>`,
    );
  for (const p of placed)
    parts.push(
      `<circle class="mark ${p.m.kind}" data-kind="${p.m.kind}" cx="${p.mx.toFixed(1)}" cy="${axisY}" r="5"/>`,
    );
  for (const p of placed)
    parts.push(
      `<text class="label ${p.m.kind}${p.m.kind === 'event' ? ' event-label' : ''}" data-kind="${p.m.kind}"${p.m.moment === true ? ` data-at="${p.m.at.toISOString()}"` : ''} x="${p.start.toFixed(1)}" y="${rowY(p.row)}">${esc(p.text)}</text>`,
    );
  const nx = x(now.getTime());
  parts.push(`<line class="now" x1="${nx.toFixed(1)}" x2="${nx.toFixed(1)}" y1="${top - 8}" y2="${axisY}"/>`);
  const nowWidth = asOfLabel.length * CHAR;
  const nowX = Math.max(MARGIN + nowWidth / 2, Math.min(nx, WIDTH - MARGIN - nowWidth / 2));
  parts.push(
    `<text class="now-label" x="${nowX.toFixed(1)}" y="${top - 12}" text-anchor="middle">${esc(asOfLabel)}</text>`,
  );
  // The legend names the kinds drawn (none that is empty) and the one zone every day is in.
  const kinds = [...new Set(marks.map((m) => m.kind))];
  let lx = MARGIN;
  for (const k of kinds) {
    parts.push(
      `<circle class="mark ${k}" cx="${lx + 5}" cy="${legendY - 4}" r="5"/>`,
      `<text class="legend" x="${lx + 14}" y="${legendY}">${esc(KIND_NAMES[k])}</text>`,
    );
    lx += 14 + KIND_NAMES[k].length * CHAR + 18;
  }
  parts.push(
    `<text class="legend zone" x="${WIDTH - MARGIN}" y="${legendY}" text-anchor="end">${esc(`Days in ${zone}`)}</text>`,
  );
  const described = `${marks.length} dated things${outstanding > 0 ? `, ${outstanding} expected update${outstanding === 1 ? '' : 's'} outstanding` : ''}`;
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(`Timeline: ${described}`)}">${parts.join('')}</svg>`;
}
