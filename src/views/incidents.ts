import { truncate } from './format';
import type { BrokenFile } from '../incident/catalog';
import type { QuestionState } from '../core/questions';
import type { OutstandingUpdate } from '../core/incident';
import {
  bold,
  channel,
  code,
  date,
  header,
  item,
  list,
  note,
  paragraph,
  type DocBlock,
  type Line,
  type Reply,
} from './doc';
import { outstandingLine } from './follow-up';
import { ACTIONS, heldCommandBlock } from './ids';
import type { Choice } from './select';
import { questionLine } from './replies';

/** Replies about incidents as a whole: which one a request is about, following one, listing them. */

/** What these replies show of an incident. */
export interface IncidentName {
  id: string;
  title: string;
  state: 'active' | 'closed';
}

const stateWord = (i: IncidentName) => (i.state === 'closed' ? ' (closed)' : '');

/**
 * Several incidents, and nothing said which one a request is about: the incidents, how to name one, how to make
 * the channel follow one, and a select that runs the same command again for the one chosen. Nothing is guessed.
 */
export function whichIncidentReply(
  incidents: readonly IncidentName[],
  commandText: string,
  where: 'channel' | 'dm' | 'console',
  heldRef?: string,
): Reply {
  const first = incidents[0]?.id ?? 'crowdstrike-2024';
  const typed = commandText.trim() === '' ? '' : ` ${commandText.trim()}`;
  const blocks: DocBlock[] = [
    paragraph(`summit-bot follows ${incidents.length} incidents here; say which one this is about.`),
    list(incidents.map((i) => [code(i.id), ` — ${i.title}${stateWord(i)}`])),
    where === 'console'
      ? paragraph(
          'Name one first, as in ',
          code(`${first}${typed}`),
          ', or choose one with ',
          code(`use ${first}`),
          '.',
        )
      : paragraph('Name one first, as in ', code(`/summit ${first}${typed}`), '.'),
  ];
  if (where === 'channel')
    blocks.push(
      note(
        'Or make this channel follow one, so every command here is about it: ',
        code(`/summit follow ${first}`),
        '.',
      ),
    );
  // The menu runs the command as typed for the incident chosen: the command is held by the store and the menu
  // carries its reference (a select's value holds 150 characters, a command thousands). Not held: no menu.
  if (where !== 'console' && (typed === '' || heldRef !== undefined))
    blocks.push({
      type: 'choose',
      actionId: ACTIONS.chooseIncident,
      ...(heldRef !== undefined && { blockId: heldCommandBlock(heldRef) }),
      placeholder: 'Run it for…',
      options: incidentChoices(incidents),
    });
  return { summary: `Which incident? ${incidents.map((i) => i.id).join(', ')}`, blocks };
}

/** The incidents as the "which incident?" menu offers them (and its suggestions, past 100). */
export function incidentChoices(incidents: readonly IncidentName[]): Choice[] {
  return incidents.map((i) => ({ text: `${i.id} — ${i.title}${stateWord(i)}`, value: i.id }));
}

/** A channel that follows an incident the bot no longer has: which, and how to follow another. */
export function goneIncidentReply(incidentId: string, incidents: readonly IncidentName[]): Reply {
  const first = incidents[0]?.id ?? 'crowdstrike-2024';
  const text = `This channel follows ${incidentId}, which this bot no longer has (its data set was removed), so nothing here is answered about another incident.`;
  return {
    summary: text,
    blocks: [
      paragraph(text),
      note(
        'Follow another with ',
        code(`/summit follow ${first}`),
        ', stop following with ',
        code('/summit unfollow'),
        ', or name one first, as in ',
        code(`/summit ${first} status`),
        '.',
      ),
    ],
  };
}

/** A word that looks like an incident's id, and is none. */
export function unknownIncidentReply(word: string, closest: readonly string[], all: readonly string[]): Reply {
  const w = word.slice(0, 60);
  const guess = closest.length > 0 ? ` Did you mean ${closest.map((c) => `"${c}"`).join(' or ')}?` : '';
  const text = `There is no incident "${w}".${guess}`;
  return {
    summary: text,
    blocks: [
      paragraph(text),
      note(
        'The incidents: ',
        ...all.flatMap((id, i) => [...(i > 0 ? [', '] : []), code(id)]),
        '. ',
        code('/summit incidents'),
        ' lists them.',
      ),
    ],
  };
}

export function followedReply(incident: IncidentName, changed: boolean, before?: string): Reply {
  const text = !changed
    ? `This channel already follows ${incident.id} (${incident.title}).`
    : `This channel now follows ${incident.id} (${incident.title})${before ? `, instead of ${before}` : ''}: every /summit command here is about it.`;
  return {
    summary: text,
    blocks: [
      paragraph(text),
      note(
        'Reminders are separate: ',
        code('/summit subscribe'),
        ' here sends them. ',
        code('/summit unfollow'),
        ' stops following.',
      ),
    ],
  };
}

export function unfollowedReply(id: string | undefined): Reply {
  const text =
    id === undefined
      ? 'This channel follows no incident.'
      : `This channel no longer follows ${id}. Name an incident first (/summit ${id} facts), or follow one again.`;
  return { summary: text, blocks: [paragraph(text)] };
}

export function followRefusedReply(why: 'closed' | 'not-a-channel' | 'missing-id', incident?: IncidentName): Reply {
  const text =
    why === 'closed'
      ? `${incident?.id ?? 'That incident'} is closed: a channel follows only an active incident. Its commands still answer when you name it: /summit ${incident?.id ?? ''} facts.`
      : why === 'not-a-channel'
        ? 'Only a channel can follow an incident. Here, name the incident first, as in /summit crowdstrike-2024 facts.'
        : 'Say which incident to follow: /summit follow <id>. /summit incidents lists them.';
  return { summary: text, blocks: [paragraph(text)] };
}

/** One row of `/summit incidents`. */
export interface IncidentRow extends IncidentName {
  /** Channels that follow it. */
  channels: string[];
  open: number;
  next?: OutstandingUpdate;
  /** The date of its latest source known now. */
  latestSource?: { date: Date; publisher: string };
  zone: string;
  /** The channel asking follows this one. */
  here: boolean;
  /** Its questions' repository, and why the token cannot reach it (if it cannot). */
  github?: { repo: string; problem?: string };
}

export function incidentsReply(
  rows: readonly IncidentRow[],
  now: Date,
  broken: readonly BrokenFile[] = [],
  setAside: readonly { id: string; notes: readonly string[] }[] = [],
): Reply {
  const blocks: DocBlock[] = [header(`Incidents (${rows.length})`)];
  for (const r of rows) {
    const line: Line = [bold(r.id), ` — ${r.title} · ${r.state === 'closed' ? 'closed' : 'active'}`];
    if (r.here) line.push(' · followed here');
    line.push(`\n    ${r.open === 0 ? 'No open question' : `${r.open} open question${r.open === 1 ? '' : 's'}`}`);
    if (r.next) line.push(' · next expected: ', ...outstandingLine(r.next, r.zone));
    if (r.latestSource)
      line.push(' · latest source ', date(r.latestSource.date, r.zone), ` (${r.latestSource.publisher})`);
    if (r.github)
      line.push(
        `\n    issues in ${r.github.repo}`,
        ...(r.github.problem ? [bold(' — cannot be reached: '), r.github.problem] : []),
      );
    if (r.channels.length > 0)
      line.push(
        '\n    followed in ',
        ...r.channels.slice(0, 20).flatMap((c, i) => [...(i > 0 ? [', '] : []), channel(c)]),
      );
    blocks.push(item(line));
  }
  for (const b of broken) blocks.push(item(brokenFileLine(b)));
  for (const a of setAside)
    blocks.push(
      item([
        bold(`${a.id}: set aside`),
        ` — ${a.notes.length} correction${a.notes.length === 1 ? '' : 's'} from Slack no longer apply (the data set file changed the entry since): `,
        a.notes.slice(0, 5).join('; '),
      ]),
    );
  blocks.push(
    note(
      'As of ',
      date(now, rows[0]?.zone ?? 'UTC', true),
      '. Name one first (',
      code('/summit <id> status'),
      ') or make a channel follow one (',
      code('/summit follow <id>'),
      ').',
    ),
  );
  return { summary: `${rows.length} incidents: ${rows.map((r) => r.id).join(', ')}`, blocks, share: 'incidents' };
}

/** Most incidents `/summit mine` shows, each in one block, within a message's 50 blocks. */
export const MINE_INCIDENTS = 45;
/** Most questions shown under each incident's heading; `/summit <incident> mine` lists them all. */
export const MINE_PER_INCIDENT = 5;
/** Longest question text shown in those lines (a heading and its lines stay within a block's 3,000 characters). */
const MINE_TEXT = 200;

/**
 * `/summit mine` across incidents: the caller's open questions under each incident's heading, one block per
 * incident so every heading shown has its questions under it, and what is not shown said with how to see it.
 */
export function mineAcrossReply(
  groups: readonly { incident: IncidentName; zone: string; states: QuestionState[] }[],
  asOf: Date,
): Reply {
  const owned = groups.filter((g) => g.states.length > 0);
  const total = owned.reduce((n, g) => n + g.states.length, 0);
  if (total === 0)
    return {
      summary: 'You own no open question.',
      blocks: [
        paragraph('You own no open question.'),
        note('An admin gives a question an owner with ', code('/summit assign Q3 @someone'), '.'),
      ],
    };
  const overdue = owned.reduce((n, g) => n + g.states.filter((s) => s.overdue).length, 0);
  const blocks: DocBlock[] = [header('Yours')];
  const shown = owned.slice(0, MINE_INCIDENTS);
  for (const g of shown) {
    const lines = g.states.slice(0, MINE_PER_INCIDENT).flatMap((s) => [
      '\n• ',
      // The question, its owner and due date; its partial answers are for `/summit <incident> mine`.
      ...questionLine(
        {
          ...s,
          answers: [],
          notes: [],
          question: { ...s.question, text: truncate(s.question.text, MINE_TEXT) },
        },
        g.zone,
      ),
    ]);
    const rest = g.states.length - MINE_PER_INCIDENT;
    blocks.push(
      item([
        bold(g.incident.id),
        ` — ${g.incident.title} (${g.states.length})`,
        ...lines,
        ...(rest > 0 ? ['\n…and ', `${rest} more: `, code(`/summit ${g.incident.id} mine`), ' lists them all.'] : []),
      ]),
    );
  }
  const hidden = owned.slice(MINE_INCIDENTS);
  if (hidden.length > 0) {
    const count = hidden.reduce((n, g) => n + g.states.length, 0);
    blocks.push(
      note(
        `…and ${count} more question${count === 1 ? '' : 's'} in ${hidden.length} more incident${hidden.length === 1 ? '' : 's'}: `,
        code('/summit <incident> mine'),
        ' lists one incident’s; ',
        code('/summit incidents'),
        ' lists the incidents.',
      ),
    );
  }
  blocks.push(note('As of ', date(asOf, owned[0]?.zone ?? 'UTC', true), '.'));
  return {
    summary: `You own ${total} open question${total === 1 ? '' : 's'}${overdue > 0 ? `, ${overdue} overdue` : ''}.`,
    blocks,
  };
}

/** A button or form whose incident the bot no longer follows (or cannot tell). */
export function noIncidentForInteractionReply(catalog: { incidents: readonly IncidentName[] }): Reply {
  const text = `That belongs to an incident this bot does not follow any more; nothing was changed. The incidents: ${catalog.incidents.map((i) => i.id).join(', ')}.`;
  return { summary: text, blocks: [paragraph(text)] };
}

/** A message shortcut in a channel that follows none of several incidents: nothing is recorded, and why. */
export function noIncidentHereReply(incidents: readonly IncidentName[]): Reply {
  const first = incidents[0]?.id ?? 'crowdstrike-2024';
  const text = `summit-bot follows ${incidents.length} incidents, and this channel follows none of them, so nothing was recorded. Make it follow one (/summit follow ${first}), then use the shortcut again.`;
  return { summary: text, blocks: [paragraph(text)] };
}

/** A data set file that fails the checks: which, what stays in use, and its findings (field and line). */
export function brokenFileLine(b: BrokenFile): Line {
  const shown = b.findings.slice(0, 10);
  return [
    bold(`${b.file} fails the checks`),
    b.incidentId
      ? ` — its last good version of ${b.incidentId} stays in use until it is fixed:`
      : ' — it is not used until it is fixed:',
    ...shown.map((f) => `\n    ${f}`),
    ...(b.findings.length > shown.length ? [`\n    …and ${b.findings.length - shown.length} more`] : []),
  ];
}

/** The DM an incident's admins get, once, when its data set file changed and fails the checks. */
export function brokenFileNotice(b: BrokenFile): Reply {
  return {
    summary: `${b.file} fails the checks`,
    blocks: [
      item(brokenFileLine(b)),
      note(
        'Fix the file (',
        code('npm run check-data'),
        ' prints the same findings); it is read again within seconds.',
      ),
    ],
  };
}
