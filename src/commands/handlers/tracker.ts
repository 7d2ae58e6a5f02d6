import { isPursued } from '../../core/questions';
import * as followUp from '../../views/follow-up';
import * as tracker from '../../views/tracker';
import { sentenceReply } from '../../views/doc';
import type { CommandResult, Handler } from '../types';
import { findQuestion, noSuchQuestion, ownerOrAdminRefusal, read } from './common';
import { questionAsOf } from '../../core/questions';

/**
 * `/summit issue Q3` (and the Open issue button): the question's issue in the incident's tracker. The request is
 * stored first (one per question, whatever replica or person asks) and made by the sender; the reply waits a
 * moment for it, and says whether it exists, will exist, or was refused.
 */
export const issue: Handler<'issue'> = async (cmd, { incident, ctx }): Promise<CommandResult> => {
  const q = findQuestion(incident, cmd.questionId, ctx.now);
  if (!q) return read(noSuchQuestion(incident, cmd.questionId, ctx.now, true));
  if (!incident.github) return read(tracker.noRepositoryReply(incident.id));
  if (!ctx.issues) return read(tracker.noTrackerReply());
  const s = questionAsOf(q, ctx.now);
  const refused = await ownerOrAdminRefusal(s.owner, ctx, 'open issues');
  if (refused) return refused;
  // A closed question takes no new issue (one it has is still linked).
  if (!s.issue && !isPursued(s.status)) return read(followUp.closedQuestionReply(s, 'become an issue'));
  const outcome = await ctx.issues.request(incident, q.id, ctx.actor, ctx.now);
  switch (outcome.kind) {
    case 'linked':
      return {
        reply: tracker.issueLinkedReply(q.id, outcome.repo, outcome.url, outcome.number, outcome.already),
        changed: !outcome.already,
      };
    case 'pending':
      return { reply: tracker.issuePendingReply(q.id, outcome.repo, outcome.why), changed: false };
    case 'refused':
      return read(tracker.issueRefusedReply(q.id, outcome.repo, outcome.why));
    case 'gone':
      return read(tracker.issueGoneReply(q.id, outcome.url));
    case 'off':
      return read(sentenceReply(outcome.why));
  }
};
