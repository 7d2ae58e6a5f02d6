import type { ModalView } from '@slack/types';
import type { Button, DocBlock, Reply } from './doc';

/**
 * Every button and form the bot makes says which incident it belongs to, so a press or a submission is about that
 * incident wherever it happens (a DM, a channel that follows another one, a Home tab listing several). A button's
 * value and a form's private metadata are prefixed with "<incident id>|" ("|" is never part of an id); values made
 * before incidents existed have no prefix and belong to the incident the store's earlier records were given.
 */
const SEPARATOR = '|';
const SCOPED = /^([a-z0-9][a-z0-9-]{0,38}[a-z0-9])\|/;

export function scopedValue(incidentId: string, value: string): string {
  return `${incidentId}${SEPARATOR}${value}`;
}

/** A button's value or a form's metadata, apart: the incident it names (if any) and the rest. */
export function splitScoped(value: string | undefined): { incidentId?: string; value: string } {
  const v = value ?? '';
  const m = SCOPED.exec(v);
  return m ? { incidentId: m[1], value: v.slice(m[0].length) } : { value: v };
}

const scopeButton = (id: string, b: Button): Button =>
  splitScoped(b.value).incidentId === undefined ? { ...b, value: scopedValue(id, b.value) } : b;

function scopeBlock(id: string, b: DocBlock): DocBlock {
  if (b.type === 'item' && b.button) return { ...b, button: scopeButton(id, b.button) };
  if (b.type === 'actions') return { ...b, buttons: b.buttons.map((x) => scopeButton(id, x)) };
  return b;
}

/** The reply with every button scoped to the incident, and its Share command naming it first. */
export function scopeReply(reply: Reply, incidentId: string): Reply {
  return {
    ...reply,
    blocks: reply.blocks.map((b) => scopeBlock(incidentId, b)),
    ...(reply.share !== undefined && { share: `${incidentId} ${reply.share}` }),
  };
}

/** The form with its metadata scoped to the incident. */
export function scopeForm(form: ModalView, incidentId: string): ModalView {
  return { ...form, private_metadata: scopedValue(incidentId, form.private_metadata ?? '') };
}
