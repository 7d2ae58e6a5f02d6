import type { Catalog } from '../incident/catalog';
import type { ItemKind } from '../incident/items';
import type { CurateMeta, NewSource } from '../views/curate-forms';
import type { Actor, Incident, MessageSource } from '../incident/model';
import type { FollowUpState } from '../core/records';
import type { FollowUpStore } from '../store/repository';
import type { Reply } from '../views/doc';
import type { ModalView } from '@slack/types';

/** The types every part of the command path shares: what a command is, what it runs against, what it returns. */

export type QuestionFilterArg = 'open' | 'answered' | 'all';

/** One typed command, from a /summit text, a button or a form. */
export type Command =
  | { name: 'status' }
  | { name: 'facts'; topic?: string }
  | { name: 'when' }
  | { name: 'questions'; filter: QuestionFilterArg }
  | { name: 'timeline' }
  | { name: 'help' }
  | { name: 'answer'; questionId: string; answer: string; sourceUrl?: string; sourceItem?: string }
  | { name: 'partial'; questionId: string; answer: string; sourceUrl?: string; sourceItem?: string }
  | { name: 'reopen'; questionId: string; reason?: string }
  | { name: 'ask'; text: string }
  /**
   * From the slash command `words` may start with an expected-update id (only the data set can tell, so the
   * handler decides); from the Record update form the id comes apart, as `expectedId`, and `words` is the text alone.
   */
  | { name: 'update'; words: string; url?: string; expectedId?: string; sourceItem?: string }
  /** The watched feeds, when each was last checked, and their latest items. */
  | { name: 'sources' }
  /** Buttons on a watched feed's item (value: the item's reference). */
  | { name: 'source-update-form'; itemRef: string }
  | { name: 'source-answer-form'; itemRef: string }
  | { name: 'source-dismiss'; itemRef: string }
  /** Add as source, on a watched feed's item: the Add source form, prefilled from it. */
  | { name: 'source-add-form'; itemRef: string }
  | { name: 'updates' }
  /** A question's id (Q2), or a source's, fact's, timeline entry's or expected update's. */
  | { name: 'history'; id: string }
  | { name: 'subscribe' }
  | { name: 'unsubscribe' }
  | { name: 'remind'; on: boolean }
  | { name: 'schedule' }
  /** Set (or with no user, clear) a question's owner. */
  | { name: 'assign'; questionId: string; userId?: string }
  /** Set (or with no date, clear) a question's due date, YYYY-MM-DD. */
  | { name: 'due'; questionId: string; date?: string }
  /** The question's issue in the incident's tracker: made once, linked ever after. */
  | { name: 'issue'; questionId: string }
  /** Not pursued, with the reason. */
  | { name: 'drop'; questionId: string; reason: string }
  /** `questionId` is superseded by `into`. */
  | { name: 'merge'; questionId: string; into: string }
  /** The questions the caller owns, across incidents. */
  /** `one`: the incident named first only (`/summit <incident> mine`), else across incidents. */
  | { name: 'mine'; one?: boolean }
  /** Every incident: id, title, state, who follows it, open questions, next expected update, latest source. */
  | { name: 'incidents' }
  /** This channel's commands are about this incident from now on. */
  | { name: 'follow'; incidentId: string }
  /** This channel follows no incident any more. */
  | { name: 'unfollow' }
  /** A link to the incident's page (valid `days`), or revoke every link given so far. */
  | { name: 'link'; days?: number; revoke?: boolean }
  /** A link to the incident's calendar. */
  | { name: 'calendar' }
  /** From the Track as question form: a question from a Slack message, with an optional owner and due date. */
  | { name: 'track'; text: string; message: MessageSource; owner?: string; due?: string }
  /** Track as question, on a message: opens the form (or says why not). */
  | { name: 'track-form'; message: ShortcutMessage }
  /** Use as answer, on a message: opens the form (or says why not). */
  | { name: 'answer-from-message-form'; message: ShortcutMessage }
  /** Not pursued, pressed on a chasing nudge: opens the form asking why. */
  | { name: 'drop-form'; questionId: string }
  /** Record answer, pressed on a question: opens the form. */
  | { name: 'answer-form'; questionId: string }
  /** Record update, pressed on an update nudge: opens the form. */
  | { name: 'update-form'; expectedId: string }
  /** The form that starts an incident (workspace admins and owners, SUMMIT_ADMINS). */
  | { name: 'new' }
  /** A submitted Start an incident form. */
  | {
      name: 'start';
      title: string;
      id?: string;
      timezone: string;
      summary: string;
      /** owner/name of the GitHub repository its questions become issues in. */
      github?: string;
      channelId?: string;
    }
  /** The form that adds a source, fact, timeline entry or expected update (prefilled from a feed item). */
  | { name: 'add'; kind: ItemKind; prefill?: Record<string, string>; sourceItem?: string }
  /** The form that corrects an entry, prefilled with what it says now. */
  | { name: 'correct'; itemId: string }
  /** Withdraws an entry from now on, with the reason. */
  | { name: 'retract'; itemId: string; reason: string }
  /** A submitted add or correct form. */
  | {
      name: 'curate';
      meta: CurateMeta;
      entry: Record<string, unknown>;
      proposedId?: string;
      /** A source given in the same form (an incident with none yet), recorded first and cited by the entry. */
      newSource?: NewSource;
    }
  /** Snooze 1 day, pressed on a reminder: postpone one series of reminders here by a day. */
  | { name: 'snooze'; series: string }
  /** Known command, bad arguments. */
  | { name: 'usage'; command: CommandName; problem: string }
  /** `suggestion`: a command name, or the text to type instead ("/summit when" for "/sumit when"). */
  | { name: 'unknown'; word: string; suggestion?: string };

/** A Slack message a shortcut was used on: where it is, what it says, who wrote it, and its permalink. */
export interface ShortcutMessage extends MessageSource {
  text: string;
}

/** Every command the registry describes (usage and unknown are the grammar's answers, not commands). */
export type CommandName = Exclude<Command['name'], 'usage' | 'unknown'>;
export type CommandOf<N extends Command['name']> = Extract<Command, { name: N }>;

/** member: the bot can post and read history there; private: a private channel it is not in; unknown: Slack did not say. */
export type ChannelAccess = 'member' | 'private' | 'archived' | 'group-dm' | 'unknown';

/**
 * What a front end knows of a request before the incident it is about is found: every incident, the clock, who is
 * asking, where, and the store as a whole. The command path resolves the incident once, at the front
 * (commands/resolve.ts), and hands the handlers a CommandContext.
 */
export interface RequestContext {
  /** Every incident (for incidents, mine, follow). */
  catalog: Catalog;
  now: Date;
  actor: Actor;
  /** Whether the actor is an admin of this incident; may ask Slack (cached), so only called when needed. */
  isAdminOf: (incident: { admins: readonly string[] }) => Promise<boolean>;
  /** The store as a whole; `store.scoped(id)` reads and writes one incident's records. */
  store: FollowUpStore;
  /** The Slack conversation the command came from; absent in the console. */
  channelId?: string;
  /**
   * What identifies this request (its Slack signature): a change is applied once per key, so a signed request
   * sent again within Slack's five-minute window is answered but not applied twice. Absent in the console.
   */
  requestKey?: string;
  /** The command came from a group DM (Slack names those mpdm-...): no reminders can go there. */
  groupDm?: boolean;
  /** Whether the bot can post and read in a channel (Slack only; asked when a channel is subscribed). */
  channelAccess?: (channelId: string) => Promise<ChannelAccess>;
  /** What Slack says of a user (Slack only; asked when a question is assigned): undefined when no such user. */
  lookupUser?: (userId: string) => Promise<UserInfo | undefined>;
  /** The console's chosen incident (`use <id>`): what a request is about when nothing else names one. */
  chosen?: string;
  /** Where pages live and what signs their links (PUBLIC_URL, WEB_LINK_SECRET); absent: pages are off. */
  links?: { publicUrl: string; secret: string };
  /** Questions as tracker issues (GITHUB_TOKEN set); absent: there is no tracker. */
  issues?: IssueRequests;
}

/** What a request for a question's issue came to, within the time a reply may wait. */
export type IssueOutcome =
  | { kind: 'linked'; repo: string; url: string; number: number; already: boolean }
  /** Asked for, not made yet: `why` when GitHub failed (it is retried), else it has not answered yet. */
  | { kind: 'pending'; repo: string; why?: string }
  /** GitHub refused it as it stands (no such repository, an unknown label): nothing was made. */
  | { kind: 'refused'; repo: string; why: string }
  | { kind: 'gone'; repo: string; url?: string }
  /** Issues are not made here (a run at another moment): why, in a sentence. */
  | { kind: 'off'; why: string };

/** The seam the command path asks for issues through (tracker/sync.ts is what answers). */
export interface IssueRequests {
  request(incident: Incident, questionId: string, actor: Actor, now: Date): Promise<IssueOutcome>;
  /** Why the token cannot reach a repository (as tried at start), or undefined when it can or was not tried yet. */
  unreachable(repo: string): string | undefined;
}

/**
 * What a command runs against: the request, the incident it is about, and the store as that incident's records
 * (`store`, scoped to it).
 */
export interface CommandContext extends RequestContext {
  /** The incident the request is about, resolved once at the front. */
  incident: Incident;
  /** Whether the actor is an admin of this incident; may ask Slack (cached), so only called when needed. */
  isAdmin: () => Promise<boolean>;
}

export interface UserInfo {
  bot: boolean;
  deleted: boolean;
  /** Their time zone in Slack (an IANA name), when Slack says. */
  tz?: string;
}

export interface CommandResult {
  reply: Reply;
  /** Something was recorded: views that show state (the Home tab) should be refreshed. */
  changed: boolean;
  /** Answered without the store (it was unavailable). */
  degraded?: boolean;
  /** A form to open instead of replying (buttons that start a change); `reply` says the same in words. */
  form?: ModalView;
  /** What the message the button was on should now say (a dismissed feed item). */
  replaceMessage?: Reply;
  /** A refusal of a form's submission that belongs beside one field (its block id), not the form's first. */
  errorField?: string;
  /** Every refusal of a form's submission, each beside its own field (block id): said at once. */
  formErrors?: Record<string, string>;
}

/** What a handler gets: the command's context, the data set with the recorded follow-ups applied, and the state. */
export interface RunEnv {
  ctx: CommandContext;
  incident: Incident;
  state: FollowUpState;
  /** The usage reply for this command with a problem (what the grammar says for bad arguments). */
  usage: (problem: string) => CommandResult;
}

export type Handler<N extends CommandName> = (cmd: CommandOf<N>, env: RunEnv) => Promise<CommandResult>;
