import type { StateValues } from '../views/modals';
import { splitScoped } from '../views/scope';
import { forms } from './registry';
import { runInteraction } from './resolve';
import type { CommandResult, RequestContext } from './types';

/**
 * A submitted form, as every front end submits one (Slack's view_submission, the console's questions): read into
 * its command by the registry (a mistake is said beside its field and nothing is recorded), then run by the one
 * command path in the incident the form names. A refusal from the command itself comes back beside its field(s).
 */
export type FormOutcome =
  | { ok: true; result: CommandResult; channelId?: string }
  | { ok: false; errors: Record<string, string>; expired?: boolean };

export async function submitForm(
  callbackId: string,
  values: StateValues,
  privateMetadata: string | undefined,
  req: RequestContext,
): Promise<FormOutcome> {
  const form = forms().find((f) => f.callback === callbackId);
  if (!form) return { ok: false, errors: {}, expired: true };
  const { incidentId, value: metadata } = splitScoped(privateMetadata);
  const submitted = form.submit(values, metadata);
  if (!submitted.ok) return { ok: false, errors: submitted.errors };
  const result = await runInteraction(submitted.command, req, { kind: 'made', incidentId });
  if (!result.changed)
    return {
      ok: false,
      errors: result.formErrors ?? {
        [result.errorField ?? submitted.errorBlock]: result.reply.summary.slice(0, 150),
      },
    };
  return { ok: true, result, ...(submitted.channelId !== undefined && { channelId: submitted.channelId }) };
}
