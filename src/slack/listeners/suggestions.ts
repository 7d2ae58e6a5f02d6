import { suggestions, type SuggestedList } from '../../commands/suggest';
import { CURATE_MODAL, FROM_MESSAGE_MODAL, SOURCE_UPDATE_MODAL } from '../../views/ids';
import { splitScoped } from '../../views/scope';
import { optionsResponse } from '../../views/select';
import { actorOf, contextFor, type ListenerDeps } from '../deps';
import type { ListenerRouter } from '../router';

/** Each form select that may hold more than 100 options, by its action id, and the list it offers. */
const LISTS: Record<string, SuggestedList> = {
  [CURATE_MODAL.source.action]: 'source',
  [CURATE_MODAL.topic.action]: 'topic',
  [FROM_MESSAGE_MODAL.question.action]: 'question',
  [SOURCE_UPDATE_MODAL.expected.action]: 'expected',
};

/**
 * The options of the forms' long selects, served as people type (Slack's block_suggestion, Bolt's app.options):
 * the form's metadata names its incident, and the one path (commands/suggest.ts) makes the list.
 */
export function registerSuggestions(router: ListenerRouter, deps: ListenerDeps): void {
  for (const [actionId, list] of Object.entries(LISTS))
    router.options(actionId, async ({ ack, body }) => {
      const { incidentId } = splitScoped(body.view?.private_metadata);
      const req = contextFor(deps, actorOf(body.user), undefined);
      await ack(optionsResponse(await suggestions(list, body.value ?? '', req, incidentId)));
    });
}
