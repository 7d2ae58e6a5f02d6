import type { ItemKind } from '../incident/items';
import type { Actor } from '../incident/model';
import { bold, code, date, header, list, note, paragraph, sentenceReply, type Line, type Reply } from './doc';
import { KIND_NAME } from './curate-forms';

/** The replies of adding, correcting and retracting an incident's sources, facts, timeline and expected updates. */

const SHOWN_BY: Record<ItemKind, string> = {
  source: '/summit facts',
  fact: '/summit facts',
  timeline: '/summit timeline',
  expected: '/summit updates',
  event: '/summit when',
};

export function curatedReply(kind: ItemKind, action: 'add' | 'correct' | 'retract', id: string, what: string): Reply {
  const name = KIND_NAME[kind];
  const done = action === 'add' ? 'Added' : action === 'correct' ? 'Corrected' : 'Retracted';
  const after =
    action === 'retract'
      ? 'It is no longer shown from now on; "as of" an earlier moment still shows it.'
      : action === 'correct'
        ? 'The earlier version stays in its history, and "as of" an earlier moment shows it.'
        : kind === 'source'
          ? 'Facts, timeline entries and expected updates can now cite it.'
          : `It shows in ${SHOWN_BY[kind]}.`;
  return {
    summary: `${done} ${name} ${id}: ${what}`,
    blocks: [
      paragraph(bold(`${done} ${name} `), code(id), ': ', what),
      note(after, ' ', code(`/summit history ${id}`), ' lists its versions.'),
    ],
  };
}

export function noSuchItemReply(id: string): Reply {
  return sentenceReply(
    `There is no source, fact, timeline entry or expected update "${id}" shown now. Admins see the ids beside each one in /summit facts, /summit timeline and /summit updates; nothing was changed.`,
  );
}

export function staleFormText(kind: ItemKind, id: string): string {
  return `This ${KIND_NAME[kind]} (${id}) was changed since the form was opened; nothing was recorded. Close the form and open it again to correct what it says now.`;
}

export function unchangedText(): string {
  return 'Nothing was changed in the form; nothing was recorded.';
}

export function sourceInUseReply(id: string, citing: string[]): Reply {
  return sentenceReply(
    `Source ${id} is still cited by ${citing.slice(0, 5).join(', ')}${citing.length > 5 ? ` and ${citing.length - 5} more` : ''}: retract or correct those first. Nothing was changed.`,
  );
}

export function formOpenedFor(kind: ItemKind, action: 'add' | 'correct', id?: string): Reply {
  return sentenceReply(
    action === 'add' ? `Opened the form to add a ${KIND_NAME[kind]}.` : `Opened the form to correct ${id ?? ''}.`,
  );
}

/** One version of an entry: what it said, when it was shown from and until, who recorded it. */
export interface VersionLine {
  text: string;
  since: Date;
  until?: Date;
  reason?: string;
  by?: Actor;
  at?: Date;
}

export function itemHistoryReply(kind: ItemKind, id: string, versions: VersionLine[], zone: string): Reply {
  const lines: Line[] = versions.map((v, i) => [
    bold(`Version ${i + 1}`),
    ' shown from ',
    date(v.since, zone, true),
    ...(v.until ? [' until ', date(v.until, zone, true), v.reason ? ` (${v.reason})` : ''] : []),
    ': ',
    v.text,
    ...(v.by
      ? [' — recorded by ', { user: v.by.id }, ...(v.at ? [' on ', date(v.at, zone, true)] : [])]
      : [' — from the data set file']),
  ]);
  return {
    share: `history ${id}`,
    summary: `${versions.length} version${versions.length === 1 ? '' : 's'} of ${KIND_NAME[kind]} ${id}.`,
    blocks: [header(kind === 'event' ? 'History of the event' : `History of ${KIND_NAME[kind]} ${id}`), list(lines)],
  };
}

export function curationsFullReply(max: number): Reply {
  return sentenceReply(
    `This incident holds ${max.toLocaleString('en-US')} additions, corrections and retractions made in Slack, the most it keeps. Nothing was recorded; export it (npm run export) and start from the exported file.`,
  );
}

export function startedFullReply(max: number): Reply {
  return sentenceReply(
    `${max.toLocaleString('en-US')} incidents have been started in Slack, the most the bot keeps. Nothing was started; put a data set file in the data set folder instead.`,
  );
}
