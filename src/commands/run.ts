import { countdown } from '../core/countdown';
import { factsAsOf, outstandingUpdates, timelineAsOf, topics } from '../core/incident';
import { countQuestions, questionsAsOf } from '../core/questions';
import type { Incident } from '../incident/model';
import type { Reply } from '../views/doc';
import * as views from '../views/replies';
import { COMMANDS, specOf, type Command } from './grammar';

/** What a command runs against: the data set and the bot's clock reading. */
export interface CommandContext {
  incident: Incident;
  now: Date;
}

/** Runs a parsed command. Pure: the same command, data and moment always give the same reply. */
export function runCommand(cmd: Command, { incident, now }: CommandContext): Reply {
  const zone = incident.event.timezone;
  switch (cmd.name) {
    case 'status':
      return views.statusReply({
        incident,
        countdown: countdown(incident.event, now),
        counts: countQuestions(questionsAsOf(incident.questions, now)),
        outstanding: outstandingUpdates(incident, now),
      });
    case 'when':
      return views.whenReply(incident, countdown(incident.event, now));
    case 'facts':
      return views.factsReply(incident, factsAsOf(incident, now, cmd.topic), cmd.topic, topics(incident));
    case 'questions':
      return views.questionsReply(questionsAsOf(incident.questions, now, cmd.filter), cmd.filter, now, zone);
    case 'timeline':
      return views.timelineReply(incident, timelineAsOf(incident, now));
    case 'help':
      return views.helpReply(COMMANDS);
    case 'usage':
      return views.usageReply(specOf(cmd.command), cmd.problem);
    case 'unknown':
      return views.unknownReply(cmd.word, cmd.suggestion);
  }
}
