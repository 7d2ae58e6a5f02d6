import type { Kysely, Selectable } from 'kysely';
import type {
  FollowUpState,
  RecordedAssignment,
  RecordedChange,
  RecordedCuration,
  RecordedQuestion,
  RecordedUpdate,
} from '../core/records';
import type { Database } from './schema';

/**
 * One incident's recorded state, read whole once and then only what is newer. The follow-up tables are append-only
 * (nothing in them is ever updated or deleted), so after a change only the rows past the last read are fetched and
 * put after the ones kept. Whether that missed nothing is checked, not assumed: each table's row count is read after
 * its new rows, and only when every count equals the rows kept plus the rows fetched is the result used; otherwise
 * (on PostgreSQL, a row whose id was taken earlier but committed later; a row recorded with an earlier time) the
 * state is read whole again. Counting after reading makes the check sound: rows only ever appear, so a count that
 * matches the rows in hand means no other row was visible when it was taken.
 */

/** What one read saw of a table: how many rows, and the key the next read starts after. */
interface Mark<K> {
  rows: number;
  last: K;
}

export interface StateRead {
  state: FollowUpState;
  marks: {
    changes: Mark<number>;
    /**
     * Added questions have no serial id: the next read asks for those recorded at or after the latest time seen,
     * and leaves out the ones already read that were recorded at that time.
     */
    questions: Mark<string> & { atLast: ReadonlySet<string> };
    updates: Mark<number>;
    assignments: Mark<number>;
    curations: Mark<number>;
  };
}

type Rows<T extends keyof Database> = Selectable<Database[T]>[];

/** Before any read: no rows, every key before the first. */
const FROM_START: StateRead = {
  state: { changes: [], questions: [], updates: [], assignments: [], curations: [] },
  marks: {
    changes: { rows: 0, last: 0 },
    questions: { rows: 0, last: '', atLast: new Set() },
    updates: { rows: 0, last: 0 },
    assignments: { rows: 0, last: 0 },
    curations: { rows: 0, last: 0 },
  },
};

/** This incident's state: everything when `previous` is undefined, else `previous` and what was recorded since. */
export async function readState(db: Kysely<Database>, incident: string, previous?: StateRead): Promise<StateRead> {
  const newer = previous && (await readOn(db, incident, previous));
  return newer ?? (await readOn(db, incident, FROM_START)) ?? FROM_START;
}

/**
 * `from` with the rows recorded after it, each list in the order a whole read gives; undefined when the counts say
 * a row was missed (never when reading from the start, which is the whole read and is not checked).
 */
async function readOn(db: Kysely<Database>, incident: string, from: StateRead): Promise<StateRead | undefined> {
  const { marks } = from;
  const whole = from === FROM_START;
  const [changes, questionRows, updates, assignments, curations] = await Promise.all([
    db
      .selectFrom('question_change')
      .selectAll()
      .where('incident_id', '=', incident)
      .where('id', '>', marks.changes.last)
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('added_question')
      .selectAll()
      .where('incident_id', '=', incident)
      .where('at', '>=', marks.questions.last)
      .orderBy('at')
      .execute(),
    db
      .selectFrom('follow_up_update')
      .selectAll()
      .where('incident_id', '=', incident)
      .where('id', '>', marks.updates.last)
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('assignment')
      .selectAll()
      .where('incident_id', '=', incident)
      .where('id', '>', marks.assignments.last)
      .orderBy('at')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('curation')
      .selectAll()
      .where('incident_id', '=', incident)
      .where('id', '>', marks.curations.last)
      .orderBy('id')
      .execute(),
  ]);
  const questions = questionRows.filter(
    (r) => !(r.at === marks.questions.last && marks.questions.atLast.has(r.question_id)),
  );
  if (!whole) {
    // Counted after the rows were read (see above).
    const counts = await db
      .selectNoFrom((eb) =>
        COUNTED.map((table) =>
          eb.selectFrom(table).select(eb.fn.countAll().as('n')).where('incident_id', '=', incident).as(table),
        ),
      )
      .executeTakeFirstOrThrow();
    const complete =
      Number(counts.question_change) === marks.changes.rows + changes.length &&
      Number(counts.added_question) === marks.questions.rows + questions.length &&
      Number(counts.follow_up_update) === marks.updates.rows + updates.length &&
      Number(counts.assignment) === marks.assignments.rows + assignments.length &&
      Number(counts.curation) === marks.curations.rows + curations.length;
    if (!complete) return undefined;
    if (changes.length + questions.length + updates.length + assignments.length + curations.length === 0) return from;
  }
  return extended(from, { changes, questions, updates, assignments, curations });
}

/** Rows of one incident's recorded state, as the database returns them. */
export interface StateRows {
  changes: Rows<'question_change'>;
  questions: Rows<'added_question'>;
  updates: Rows<'follow_up_update'>;
  assignments: Rows<'assignment'>;
  curations: Rows<'curation'>;
}

/**
 * `from` with rows recorded after it (each list in time order, none of them in `from`): what a read on from `from`
 * gives once it has fetched them, and what this process's own write gives when nothing else was recorded between.
 */
export function extended(from: StateRead, rows: Partial<StateRows>): StateRead {
  const { state, marks } = from;
  const { changes = [], questions = [], updates = [], assignments = [], curations = [] } = rows;
  return {
    state: {
      changes: after(state.changes, changes.map(toChange), byTimeThenId),
      questions: after(state.questions, questions.map(toQuestion), byTime),
      updates: after(state.updates, updates.map(toUpdate), byTimeThenId),
      assignments: after(state.assignments, assignments.map(toAssignment), byTimeThenId),
      curations: after(state.curations, curations.map(toCuration), byId),
    },
    marks: {
      changes: idMark(changes, marks.changes),
      questions: questionMark(questions, marks.questions),
      updates: idMark(updates, marks.updates),
      assignments: idMark(assignments, marks.assignments),
      curations: idMark(curations, marks.curations),
    },
  };
}

/** The tables of one incident's recorded state, each counted to check a read that went on from an earlier one. */
const COUNTED = ['question_change', 'added_question', 'follow_up_update', 'assignment', 'curation'] as const;

/**
 * The mark after `rows` (new questions in time order) were read after `before`: it only moves forward, so a question
 * recorded with an earlier time (another replica's clock) is counted but not asked for again.
 */
function questionMark(
  rows: Rows<'added_question'>,
  before: StateRead['marks']['questions'],
): StateRead['marks']['questions'] {
  if (rows.length === 0) return before;
  let { last } = before;
  let atLast = new Set(before.atLast);
  for (const r of rows)
    if (r.at > last) {
      last = r.at;
      atLast = new Set([r.question_id]);
    } else if (r.at === last) atLast.add(r.question_id);
  return { rows: before.rows + rows.length, last, atLast };
}

function idMark(rows: { id: number | string }[], before: Mark<number>): Mark<number> {
  let last = before.last;
  for (const r of rows) last = Math.max(last, Number(r.id));
  return { rows: before.rows + rows.length, last };
}

/**
 * The kept list followed by the new rows, in the order a whole read gives (the new rows are in it already); new rows
 * that belong earlier (recorded with an earlier time) are sorted in, stably, so ties keep recording order.
 */
function after<T>(kept: T[], fresh: T[], order: (a: T, b: T) => number): T[] {
  if (fresh.length === 0) return kept;
  const out = [...kept, ...fresh];
  const last = kept.at(-1);
  if (last !== undefined && order(last, fresh[0] as T) > 0) out.sort(order);
  return out;
}

const byTime = (a: { at: Date }, b: { at: Date }) => a.at.getTime() - b.at.getTime();
const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;
const byTimeThenId = (a: { at: Date; id: number }, b: { at: Date; id: number }) => byTime(a, b) || byId(a, b);

const toChange = (r: Rows<'question_change'>[number]): RecordedChange => ({
  id: Number(r.id),
  questionId: r.question_id,
  status: r.status,
  answer: r.answer ?? undefined,
  sourceUrl: r.source_url ?? undefined,
  note: r.note ?? undefined,
  supersededBy: r.superseded_by ?? undefined,
  actor: { id: r.actor_id, name: r.actor_name },
  at: new Date(r.at),
});

const toQuestion = (r: Rows<'added_question'>[number]): RecordedQuestion => ({
  questionId: r.question_id,
  text: r.text,
  actor: { id: r.actor_id, name: r.actor_name },
  at: new Date(r.at),
  ...(r.source_channel !== null && r.source_ts !== null
    ? {
        message: {
          channel: r.source_channel,
          ts: r.source_ts,
          permalink: r.source_url ?? '',
          author: r.source_author ?? undefined,
        },
      }
    : {}),
});

const toAssignment = (r: Rows<'assignment'>[number]): RecordedAssignment => ({
  id: Number(r.id),
  questionId: r.question_id,
  field: r.field,
  value: r.value ?? undefined,
  actor: { id: r.actor_id, name: r.actor_name },
  at: new Date(r.at),
});

const toCuration = (r: Rows<'curation'>[number]): RecordedCuration => ({
  id: Number(r.id),
  kind: r.kind,
  itemId: r.item_id,
  action: r.action,
  ...(r.entry !== null && { entry: JSON.parse(r.entry) as Record<string, unknown> }),
  ...(r.base !== null && { base: r.base }),
  ...(r.reason !== null && { reason: r.reason }),
  actor: { id: r.actor_id, name: r.actor_name },
  at: new Date(r.at),
});

const toUpdate = (r: Rows<'follow_up_update'>[number]): RecordedUpdate => ({
  id: Number(r.id),
  expectedId: r.expected_id ?? undefined,
  text: r.text,
  url: r.url ?? undefined,
  actor: { id: r.actor_id, name: r.actor_name },
  at: new Date(r.at),
});
