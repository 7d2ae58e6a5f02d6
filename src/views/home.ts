import { truncate } from './format';
import type { HomeView } from '@slack/types';
import type { EventNow } from '../core/countdown';
import { describeCountdown } from './countdown';
import type { OutstandingUpdate } from '../core/incident';
import type { QuestionState } from '../core/questions';
import type { Incident, Receipt } from '../incident/model';
import { bold, code, date, divider, header, item, list, more, note, paragraph, type DocBlock, type Reply } from './doc';
import { eventLine, summaryText, provenance, questionLine, recordAnswerButton } from './replies';
import { outstandingLine } from './follow-up';
import { LIMITS, toSlackBlocks } from './render-slack';
import { scopedValue, scopeReply } from './scope';

export interface HomeData {
  incident: Incident;
  event?: EventNow;
  open: readonly QuestionState[];
  /** The open questions the viewer owns, overdue first. */
  yours: QuestionState[];
  latest: Receipt[];
  outstanding: OutstandingUpdate[];
  canRecord: boolean;
  now: Date;
}

/** Most open questions the Home tab document lists (the view itself holds 100 blocks). */
const HOME_MAX_QUESTIONS = 100;

/** Most of the viewer's own questions listed (they are also among the open ones below). */
const HOME_MAX_YOURS = 20;

/** How many recorded updates the Home tab shows. */
export const HOME_LATEST_UPDATES = 5;

/** The Home tab as a document: countdown, open questions with their buttons, latest and expected updates. */
export function homeReply(d: HomeData): Reply {
  const e = d.event?.event;
  const zone = d.incident.zone;
  const blocks: DocBlock[] = [
    header(e ? e.name : d.incident.title),
    paragraph(summaryText(d.incident, d.event)),
    paragraph(...eventLine(d.event, d.now, zone, d.incident.event !== undefined)),
    divider,
    ...(d.yours.length === 0
      ? []
      : [
          paragraph(bold(`Yours (${d.yours.length})`)),
          ...d.yours.slice(0, HOME_MAX_YOURS).map((s) => item(questionLine(s, zone), recordAnswerButton(s, true))), // the owner may record
          ...(d.yours.length > HOME_MAX_YOURS ? [more(d.yours.length - HOME_MAX_YOURS)] : []),
          divider,
        ]),
    paragraph(
      bold(d.open.length === 0 ? 'Every question is answered.' : `Questions not fully answered (${d.open.length})`),
    ),
    // The Home tab holds 100 blocks: list no more open questions than could ever show.
    ...d.open.slice(0, HOME_MAX_QUESTIONS).map((s) => item(questionLine(s, zone), recordAnswerButton(s, d.canRecord))),
    ...(d.open.length > HOME_MAX_QUESTIONS ? [more(d.open.length - HOME_MAX_QUESTIONS)] : []),
    divider,
    paragraph(bold('Latest updates')),
    d.latest.length === 0
      ? note('No update has been recorded yet.')
      : list(
          d.latest.map((r) => [
            date(r.when.at, zone, !r.when.dateOnly),
            ' — ',
            r.text ?? 'Update received',
            ...provenance(r),
          ]),
        ),
    paragraph(bold('Expected updates')),
    d.outstanding.length === 0 ? note('None outstanding.') : list(d.outstanding.map((o) => outstandingLine(o, zone))),
    note('As of ', date(d.now, zone, true), '. Type ', code('/summit help'), ' in any channel for every command.'),
  ];
  const when = d.event && describeCountdown(d.event.countdown, d.event.event.allDay);
  return { summary: e ? `${e.name}: ${when}` : `${d.incident.title}: no event announced yet`, blocks };
}

/** Most open questions shown under each incident's heading on the Home tab with several incidents. */
export const HOME_QUESTIONS_PER_INCIDENT = 3;

/** Most incidents the Home tab shows in full with several (each takes four blocks); the rest are counted. */
export const HOME_MAX_INCIDENTS = 18;

/**
 * The Home tab with several incidents: the viewer's own open questions across them first, then each incident
 * (active ones first) with its summary line, open questions and next expected update. Every button names its
 * incident.
 */
export function homeManyReply(all: readonly HomeData[], now: Date): Reply {
  const yours = all.flatMap((d) => d.yours.map((s) => ({ d, s })));
  const zone = all[0]?.incident.zone ?? 'UTC';
  const blocks: DocBlock[] = [header(`Incidents (${all.length})`)];
  if (yours.length > 0) {
    blocks.push(paragraph(bold(`Yours (${yours.length})`)));
    for (const { d, s } of yours.slice(0, HOME_MAX_YOURS)) {
      const button = recordAnswerButton(s, true);
      blocks.push(
        item(
          [code(d.incident.id), ' ', ...questionLine(s, d.incident.zone)],
          button && { ...button, value: scopedValue(d.incident.id, button.value) },
        ),
      );
    }
    if (yours.length > HOME_MAX_YOURS)
      blocks.push(
        note(`…and ${yours.length - HOME_MAX_YOURS} more of yours: `, code('/summit mine'), ' lists them by incident.'),
      );
  }
  for (const d of all.slice(0, HOME_MAX_INCIDENTS)) {
    const z = d.incident.zone;
    const next = d.outstanding[0];
    blocks.push(
      divider,
      paragraph(bold(d.incident.title), ' · ', code(d.incident.id), d.incident.state === 'closed' ? ' · closed' : ''),
      note(summaryText(d.incident, d.event)),
      paragraph(
        d.open.length === 0
          ? 'Every question is answered.'
          : `${d.open.length} question${d.open.length === 1 ? '' : 's'} not fully answered`,
        ...(next ? [' · next expected: ', ...outstandingLine(next, z)] : []),
        // Its first questions under its heading, in the same block (the tab holds 100 blocks); the rest by command.
        ...d.open
          .slice(0, HOME_QUESTIONS_PER_INCIDENT)
          .flatMap((q) => ['\n• ', bold(q.question.id), ` ${truncate(q.question.text, 160)}`]),
        ...(d.open.length > HOME_QUESTIONS_PER_INCIDENT
          ? [
              '\n…and ',
              `${d.open.length - HOME_QUESTIONS_PER_INCIDENT} more: `,
              code(`/summit ${d.incident.id} questions`),
            ]
          : []),
      ),
    );
  }
  if (all.length > HOME_MAX_INCIDENTS)
    blocks.push(
      divider,
      note(`…and ${all.length - HOME_MAX_INCIDENTS} more incidents: `, code('/summit incidents'), ' lists every one.'),
    );
  blocks.push(
    note(
      'As of ',
      date(now, zone, true),
      '. Name an incident first, as in ',
      code(`/summit ${all[0]?.incident.id ?? 'id'} status`),
      ', for all of it.',
    ),
  );
  return {
    summary: `${all.length} incidents, ${yours.length} open question${yours.length === 1 ? '' : 's'} yours`,
    blocks,
  };
}

/** The Home tab view, within the 100-block limit: one incident in full, or several side by side. */
export function homeView(all: HomeData | readonly HomeData[]): HomeView {
  const list = Array.isArray(all) ? (all as readonly HomeData[]) : [all as HomeData];
  const reply =
    list.length === 1
      ? scopeReply(homeReply(list[0] as HomeData), (list[0] as HomeData).incident.id)
      : homeManyReply(list, list[0]?.now ?? new Date());
  return { type: 'home', blocks: toSlackBlocks(reply, { maxBlocks: LIMITS.blocksPerView }) };
}
