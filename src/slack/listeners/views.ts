import { createHash } from 'node:crypto';
import { forms } from '../../commands/registry';
import { submitForm } from '../../commands/forms';
import { noticeModal, type StateValues } from '../../views/modals';
import { toSlackMessage } from '../../views/render-slack';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import { refreshHome } from '../home';
import type { ListenerRouter } from '../router';

/**
 * The forms of the registry: a submission is read into its command (invalid input shows beside the fields and
 * stores nothing), the command takes the one path, and a refusal or a vanished question shows in the form.
 * Otherwise the form closes, the change is confirmed where the button was pressed, and Home is refreshed.
 */
export function registerViews(router: ListenerRouter, deps: ListenerDeps): void {
  for (const form of forms()) {
    router.view(form.callback, async ({ ack, body, view, client, context }) => {
      const actor = actorOf(body.user);
      const req = contextFor(deps, actor, undefined, submissionKey(view) ?? requestKeyOf(context));
      const outcome = await submitForm(form.callback, view.state.values as StateValues, view.private_metadata, req);
      if (!outcome.ok) {
        await ack({ response_action: 'errors', errors: outcome.errors });
        return;
      }
      const result = outcome.result;
      const channel = outcome.channelId;
      // Where there is no channel to confirm in (a form from a message shortcut or the Home tab), the form itself
      // turns into the confirmation.
      if (channel) await ack();
      else await ack({ response_action: 'update', view: noticeModal(result.reply) });
      if (channel) {
        deps.background.track(
          client.chat
            .postEphemeral({ channel, user: actor.id, ...toSlackMessage(result.reply) })
            .catch((error: unknown) => deps.log.warn({ err: error }, 'could not confirm the change in the channel')),
        );
      }
      refreshHome(client, actor.id, deps);
    });
  }
}

/**
 * What a form's submission is, as the key that records it once: the view and the values submitted. A retry, a
 * second press or the same submission sent twice (each signed anew) has the same key; a corrected resubmission
 * after a refusal has other values, so it is not taken for a replay.
 */
export function submissionKey(view: { id?: string; state?: { values?: unknown } }): string | undefined {
  if (typeof view.id !== 'string' || view.id === '') return undefined;
  const values = createHash('sha256')
    .update(JSON.stringify(view.state?.values ?? {}))
    .digest('base64url');
  return `form:${view.id.slice(0, 40)}:${values}`;
}
