import type { KnownBlock, ModalView } from '@slack/types';
import prompts from 'prompts';
import type { FormOutcome } from '../commands/forms';
import type { StateValues } from '../views/modals';

/**
 * The console's way of filling a form: the same form Slack would open (the same fields, in its order, with the same
 * checks), asked one field after another. A mistake is said beside its field and that field is asked again; the
 * other answers stay. An empty answer keeps what the field already holds (a correction's current text), or leaves
 * an optional field empty. Answers are read line by line, so a form can be filled from a pipe, in field order.
 */

/** One answer, or undefined when the input ended (or the person left the form). */
export type Ask = (question: string) => Promise<string | undefined>;

/**
 * Asks at a terminal with the `prompts` library: the field's question, line editing, and Ctrl-C or Esc to leave the
 * form (nothing is recorded then).
 */
export function askAtTerminal(stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream): Ask {
  return async (question) => {
    let left = false;
    const answer = (await prompts(
      {
        type: 'text',
        name: 'value',
        message: question.replace(/:\s*$/, ''),
        stdin: stdin as NodeJS.ReadStream,
        stdout: stdout as NodeJS.WriteStream,
      },
      { onCancel: () => (left = true) },
    )) as { value?: string };
    return left ? undefined : (answer.value ?? '');
  };
}

interface Field {
  block: string;
  action: string;
  label: string;
  optional: boolean;
  hint?: string;
  element: Record<string, unknown>;
}

type Value = StateValues[string][string];

const plainOf = (t: unknown) =>
  typeof t === 'object' && t !== null && typeof (t as { text?: unknown }).text === 'string'
    ? (t as { text: string }).text
    : '';

/** The form's input fields, in order, and the text shown between them. */
function fieldsOf(form: ModalView): { fields: Field[]; notes: Map<number, string> } {
  const fields: Field[] = [];
  const notes = new Map<number, string>();
  for (const b of form.blocks as KnownBlock[]) {
    if (b.type === 'section' && b.text) notes.set(fields.length, plainOf(b.text).replace(/\*/g, ''));
    if (b.type !== 'input') continue;
    const element = b.element as unknown as Record<string, unknown>;
    fields.push({
      block: b.block_id ?? '',
      action: String(element.action_id ?? ''),
      label: plainOf(b.label),
      optional: b.optional === true,
      ...(b.hint && { hint: plainOf(b.hint) }),
      element,
    });
  }
  return { fields, notes };
}

interface Option {
  text: string;
  value: string;
}

const optionsOf = (e: Record<string, unknown>): Option[] =>
  ((e.options as { text: unknown; value: string }[] | undefined) ?? []).map((o) => ({
    text: plainOf(o.text),
    value: o.value,
  }));

/** How the question for a field reads: its label, what it holds now, and how to answer. */
function questionOf(f: Field): string {
  const e = f.element;
  const parts: string[] = [f.label];
  const options = optionsOf(e);
  const initialOption = (e.initial_option as { value?: string } | undefined)?.value;
  switch (e.type) {
    case 'static_select':
    case 'radio_buttons':
      parts.push(`(${options.map((o, i) => `${i + 1}. ${o.text}`).join('; ')})`);
      if (initialOption !== undefined) parts.push(`[now: ${initialOption}]`);
      break;
    case 'external_select':
      parts.push('(its id)');
      if (initialOption !== undefined) parts.push(`[now: ${initialOption}]`);
      break;
    case 'checkboxes':
      parts.push(`(${options[0]?.text ?? ''}: yes or no)`);
      break;
    case 'datepicker':
      parts.push('(YYYY-MM-DD)');
      if (typeof e.initial_date === 'string') parts.push(`[now: ${e.initial_date}]`);
      break;
    case 'timepicker':
      parts.push('(HH:MM)');
      break;
    case 'datetimepicker':
      parts.push('(such as 2026-12-10T15:00:00Z)');
      if (typeof e.initial_date_time === 'number')
        parts.push(`[now: ${new Date(e.initial_date_time * 1000).toISOString().replace('.000Z', 'Z')}]`);
      break;
    default:
      if (typeof e.initial_value === 'string' && e.initial_value !== '') parts.push(`[now: ${e.initial_value}]`);
  }
  if (f.hint) parts.push(`— ${f.hint}`);
  if (f.optional) parts.push('(optional)');
  return `${parts.join(' ')}: `;
}

/** A typed answer as Slack's state value for the field, or a sentence saying what to type instead. */
function valueOf(f: Field, answer: string): Value | { problem: string } {
  const e = f.element;
  const a = answer.trim();
  const options = optionsOf(e);
  const initialOption = e.initial_option as { value: string } | undefined;
  switch (e.type) {
    case 'static_select':
    case 'radio_buttons': {
      if (a === '') return { selected_option: initialOption ?? null };
      const n = Number(a);
      const chosen =
        Number.isInteger(n) && n >= 1 && n <= options.length ? options[n - 1] : options.find((o) => o.value === a);
      return chosen
        ? { selected_option: { value: chosen.value } }
        : { problem: `Type a number from 1 to ${options.length}.` };
    }
    case 'external_select':
      return { selected_option: a === '' ? (initialOption ?? null) : { value: a } };
    case 'checkboxes':
      if (/^(y|yes)$/i.test(a)) return { selected_options: options.slice(0, 1).map((o) => ({ value: o.value })) };
      if (a === '' || /^(n|no)$/i.test(a)) return { selected_options: [] };
      return { problem: 'Type yes or no.' };
    case 'datepicker':
      return { selected_date: a === '' ? ((e.initial_date as string | undefined) ?? null) : a };
    case 'timepicker':
      return { selected_time: a === '' ? ((e.initial_time as string | undefined) ?? null) : a };
    case 'datetimepicker': {
      if (a === '') return { selected_date_time: (e.initial_date_time as number | undefined) ?? null };
      const t = Date.parse(a);
      return Number.isNaN(t)
        ? { problem: 'Type an instant such as 2026-12-10T15:00:00Z.' }
        : { selected_date_time: t / 1000 };
    }
    default:
      return { value: a === '' ? ((e.initial_value as string | undefined) ?? null) : a };
  }
}

/**
 * Fills `form` by asking each field, submits it with `submit` (the one form path), and asks again the fields a
 * refusal names until it is recorded. Resolves the outcome, or undefined when the input ended first (nothing is
 * recorded then).
 */
export async function fillForm(
  form: ModalView,
  ask: Ask,
  say: (text: string) => void,
  submit: (values: StateValues) => Promise<FormOutcome>,
): Promise<FormOutcome | undefined> {
  const { fields, notes } = fieldsOf(form);
  say(
    `${plainOf(form.title)}: ${fields.length} field${fields.length === 1 ? '' : 's'}, one after another; an empty answer keeps what a field holds.`,
  );
  const values: StateValues = {};
  const askField = async (f: Field): Promise<boolean> => {
    for (;;) {
      const answer = await ask(questionOf(f));
      if (answer === undefined) return false;
      const v = valueOf(f, answer);
      if ('problem' in v) {
        say(`  ${f.label}: ${v.problem}`);
        continue;
      }
      values[f.block] = { [f.action]: v };
      return true;
    }
  };
  for (const [i, f] of fields.entries()) {
    const note = notes.get(i);
    if (note) say(note);
    if (!(await askField(f))) return undefined;
  }
  for (;;) {
    const outcome = await submit(values);
    if (outcome.ok || outcome.expired) return outcome;
    // Every mistake at once, each beside its field; then those fields are asked again.
    const wrong = fields.filter((f) => outcome.errors[f.block] !== undefined);
    for (const [block, message] of Object.entries(outcome.errors)) {
      const f = fields.find((x) => x.block === block);
      say(`  ${f?.label ?? 'The form'}: ${message}`);
    }
    if (wrong.length === 0) return outcome;
    for (const f of wrong) if (!(await askField(f))) return undefined;
  }
}
