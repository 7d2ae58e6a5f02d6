import type { CommandResult } from '../../commands/run';
import type { ListenerRouter, ViewArgs } from '../router';
import { runCommand } from '../../commands/run';
import { CALLBACKS, ANSWER_MODAL, UPDATE_MODAL } from '../../views/ids';
import {
  formExpired,
  parseAnswerMetadata,
  parseAnswerSubmission,
  parseUpdateMetadata,
  parseUpdateSubmission,
} from '../../views/modals';
import { toSlackMessage } from '../../views/render-slack';
import { actorOf, contextFor, requestKeyOf, type ListenerDeps } from '../deps';
import { refreshHome } from '../home';

/** The record-answer modal: invalid input shows inline and stores nothing; valid input takes the command path. */
export function registerViews(router: ListenerRouter, deps: ListenerDeps): void {
  router.view(CALLBACKS.recordAnswerModal, async ({ ack, body, view, client, context }) => {
    const meta = parseAnswerMetadata(view.private_metadata);
    const parsed = parseAnswerSubmission(view.state.values as Parameters<typeof parseAnswerSubmission>[0]);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    if (!meta) {
      await ack({
        response_action: 'errors',
        errors: { [ANSWER_MODAL.answer.block]: formExpired('Record answer') },
      });
      return;
    }
    const actor = actorOf(body.user);
    const ctx = contextFor(deps, actor, undefined, requestKeyOf(context));
    const { value } = parsed;
    const result = await runCommand(
      {
        name: value.status === 'answered' ? 'answer' : 'partial',
        questionId: meta.questionId,
        answer: value.answer,
        sourceUrl: value.sourceUrl,
      },
      ctx,
    );
    await finishSubmission({
      ack,
      client,
      deps,
      actor,
      channelId: meta.channelId,
      result,
      errorBlock: ANSWER_MODAL.answer.block,
    });
  });

  router.view(CALLBACKS.recordUpdateModal, async ({ ack, body, view, client, context }) => {
    const meta = parseUpdateMetadata(view.private_metadata);
    const parsed = parseUpdateSubmission(view.state.values as Parameters<typeof parseUpdateSubmission>[0]);
    if (!parsed.ok) {
      await ack({ response_action: 'errors', errors: parsed.errors });
      return;
    }
    if (!meta) {
      await ack({
        response_action: 'errors',
        errors: { [UPDATE_MODAL.text.block]: formExpired('Record update') },
      });
      return;
    }
    const actor = actorOf(body.user);
    const result = await runCommand(
      { name: 'update', expectedId: meta.expectedId, words: parsed.value.text, url: parsed.value.url },
      contextFor(deps, actor, undefined, requestKeyOf(context)),
    );
    await finishSubmission({
      ack,
      client,
      deps,
      actor,
      channelId: meta.channelId,
      result,
      errorBlock: UPDATE_MODAL.text.block,
    });
  });
}

/**
 * After a modal's command ran: a refusal or a vanished question shows in the form and nothing was stored;
 * otherwise the modal closes, the change is confirmed where the button was pressed, and Home is refreshed.
 */
async function finishSubmission(o: {
  ack: ViewArgs['ack'];
  client: ViewArgs['client'];
  deps: ListenerDeps;
  actor: { id: string; name: string };
  channelId?: string;
  result: CommandResult;
  errorBlock: string;
}): Promise<void> {
  const { ack, client, deps, actor, channelId, result } = o;
  if (!result.changed) {
    await ack({ response_action: 'errors', errors: { [o.errorBlock]: result.reply.summary.slice(0, 150) } });
    return;
  }
  await ack();
  if (channelId) {
    deps.background.track(
      client.chat
        .postEphemeral({ channel: channelId, user: actor.id, ...toSlackMessage(result.reply) })
        .catch((error: unknown) => deps.log.warn({ err: error }, 'could not confirm the change in the channel')),
    );
  }
  refreshHome(client, actor.id, deps);
}
