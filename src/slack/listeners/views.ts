import type { ListenerRouter } from '../router';
import { runCommand } from '../../commands/run';
import { CALLBACKS, ANSWER_MODAL, UPDATE_MODAL } from '../../views/ids';
import { parseAnswerMetadata, parseAnswerSubmission, parseUpdateMetadata, parseUpdateSubmission } from '../../views/modals';
import { toSlackMessage } from '../../views/render-slack';
import { contextFor, type ListenerDeps } from '../deps';
import { refreshHome } from '../home';

/** The record-answer modal: invalid input shows inline and stores nothing; valid input takes the command path. */
export function registerViews(router: ListenerRouter, deps: ListenerDeps): void {
  router.view(CALLBACKS.recordAnswerModal, async ({ ack, body, view, client }) => {
    const meta = parseAnswerMetadata(view.private_metadata);
    const parsed = parseAnswerSubmission(view.state.values as Parameters<typeof parseAnswerSubmission>[0]);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [ANSWER_MODAL.answer.block]: 'This form has expired. Close it and press Record answer again.' } });
      return;
    }
    const actor = { id: body.user.id, name: body.user.name || body.user.id };
    const ctx = contextFor(deps, actor);
    const { value } = parsed;
    const result = await runCommand(
      { name: value.status === 'answered' ? 'answer' : 'partial', questionId: meta.questionId, answer: value.answer, sourceUrl: value.sourceUrl },
      ctx,
    );
    if (!result.changed) {
      // A refusal or a question that no longer exists: say so in the form, nothing stored.
      await ack({ response_action: 'errors', errors: { [ANSWER_MODAL.answer.block]: result.reply.summary.slice(0, 150) } });
      return;
    }
    await ack();
    if (meta.channelId) {
      deps.background.track(
        client.chat
          .postEphemeral({ channel: meta.channelId, user: actor.id, ...toSlackMessage(result.reply) })
          .catch((error: unknown) => deps.log.warn({ err: error }, 'could not confirm the answer in the channel')),
      );
    }
    refreshHome(client, actor.id, deps);
  });

  router.view(CALLBACKS.recordUpdateModal, async ({ ack, body, view, client }) => {
    const meta = parseUpdateMetadata(view.private_metadata);
    const parsed = parseUpdateSubmission(view.state.values as Parameters<typeof parseUpdateSubmission>[0]);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    if (!meta) {
      await ack({ response_action: 'errors', errors: { [UPDATE_MODAL.text.block]: 'This form has expired. Close it and press Record update again.' } });
      return;
    }
    const actor = { id: body.user.id, name: body.user.name || body.user.id };
    const result = await runCommand({ name: 'update', words: `${meta.expectedId} ${parsed.value.text}`, url: parsed.value.url }, contextFor(deps, actor));
    if (!result.changed) {
      await ack({ response_action: 'errors', errors: { [UPDATE_MODAL.text.block]: result.reply.summary.slice(0, 150) } });
      return;
    }
    await ack();
    if (meta.channelId) {
      deps.background.track(
        client.chat
          .postEphemeral({ channel: meta.channelId, user: actor.id, ...toSlackMessage(result.reply) })
          .catch((error: unknown) => deps.log.warn({ err: error }, 'could not confirm the update in the channel')),
      );
    }
    refreshHome(client, actor.id, deps);
  });
}
