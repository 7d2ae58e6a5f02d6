import { applyFollowUps } from '../core/follow-up';
import { topics } from '../core/incident';
import { questionsAsOf } from '../core/questions';
import { EMPTY_STATE, type FollowUpState } from '../core/records';
import { StoreUnavailableError } from '../lib/errors';
import { sourceChoices, topicChoices } from '../views/curate-forms';
import { expectedChoices, questionChoices } from '../views/lifecycle-forms';
import { matching, type Choice } from '../views/select';
import { citable } from './handlers/curate';
import { interactionContext } from './resolve';
import type { RequestContext } from './types';

/** The lists a form's select may offer past Slack's 100 options, filled as a person types. */
export type SuggestedList = 'source' | 'topic' | 'question' | 'expected';

/**
 * The choices of a form's select that match what a person typed (at most 100): the same list, made by the same
 * function, as the form that was opened, read for the incident the form names at this moment. While the store is
 * down, what the data set alone gives.
 */
export async function suggestions(
  list: SuggestedList,
  query: string,
  req: RequestContext,
  incidentId: string | undefined,
): Promise<Choice[]> {
  const ctx = await interactionContext(req, { kind: 'made', incidentId });
  if (!ctx) return [];
  let state: FollowUpState;
  try {
    state = await ctx.store.state();
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    state = EMPTY_STATE;
  }
  const incident = applyFollowUps(ctx.incident, state);
  const all =
    list === 'source'
      ? sourceChoices(citable(incident, ctx.now))
      : list === 'topic'
        ? topicChoices(topics(incident, ctx.now))
        : list === 'question'
          ? questionChoices(questionsAsOf(incident.questions, ctx.now, 'open'))
          : expectedChoices(incident.expectedUpdates);
  return matching(all, query.slice(0, 200));
}
