import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  MessageShortcut,
  SlackActionMiddlewareArgs,
  SlackOptionsMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  StaticSelectAction,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { AdminCheckError, StoreFailedError, StoreUnavailableError } from '../lib/errors';
import type { Metrics } from '../lib/metrics';
import { adminUnconfirmedReply } from '../views/follow-up';
import { actionBase } from '../views/ids';
import { slackFailureCode } from './failures';
import { failureReply, storeDownReply } from '../views/replies';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type SelectArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction>> & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;
export type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;
export type OptionsArgs = SlackOptionsMiddlewareArgs<'block_suggestion'> & AllMiddlewareArgs;

/** Every action and callback id summit-bot uses starts with this (views/ids.ts). */
const OUR_IDS = /^summit_/;

/**
 * Routes button presses and modal submissions to their handlers by id, behind one Bolt listener per kind. Bolt
 * runs every registered listener's middleware for every request, so one listener per kind instead of one per id
 * keeps the slash command's path short (measured: see BENCHMARKS.md).
 */
export class ListenerRouter {
  private readonly actions = new Map<string, (args: ButtonArgs) => Promise<void>>();
  private readonly views = new Map<string, (args: ViewArgs) => Promise<void>>();
  private readonly shortcuts = new Map<string, (args: ShortcutArgs) => Promise<void>>();
  private readonly suggestions = new Map<string, (args: OptionsArgs) => Promise<void>>();

  action(actionId: string, handler: (args: ButtonArgs) => Promise<void>): void {
    this.actions.set(actionId, handler);
  }

  /** A select menu, routed with the buttons by its action id. */
  select(actionId: string, handler: (args: SelectArgs) => Promise<void>): void {
    this.actions.set(actionId, handler as unknown as (args: ButtonArgs) => Promise<void>);
  }

  /**
   * The options of an external select, asked for as a person types (Slack's block_suggestion), by its action id.
   * Slack waits 3 seconds for them: an answer that fails is an empty list, logged.
   */
  options(actionId: string, handler: (args: OptionsArgs) => Promise<void>): void {
    this.suggestions.set(actionId, handler);
  }

  view(callbackId: string, handler: (args: ViewArgs) => Promise<void>): void {
    this.views.set(callbackId, handler);
  }

  shortcut(callbackId: string, handler: (args: ShortcutArgs) => Promise<void>): void {
    this.shortcuts.set(callbackId, handler);
  }

  mount(app: App, log: Logger, metrics: Metrics): void {
    app.action<BlockAction<ButtonAction>>(OUR_IDS, async (args) => {
      const handler = this.actions.get(actionBase(args.action.action_id));
      if (!handler) return args.ack();
      await answering(args.action.action_id, args.body.response_url, args.respond, () => handler(args), log, metrics);
    });
    app.shortcut<MessageShortcut>(OUR_IDS, async (args) => {
      const handler = this.shortcuts.get(args.shortcut.callback_id);
      if (!handler) return args.ack();
      await answering(
        args.shortcut.callback_id,
        args.body.response_url,
        args.respond,
        () => handler(args),
        log,
        metrics,
      );
    });
    // Form fields have short action ids of their own (source, topic, question): every block_suggestion comes here.
    app.options<'block_suggestion'>(/.*/, async (args) => {
      const handler = this.suggestions.get(args.body.action_id);
      if (!handler) return args.ack({ options: [] });
      try {
        await handler(args);
      } catch (error) {
        log.warn({ err: error, action: args.body.action_id }, 'options for a select could not be made');
        metrics.internalError('options');
        await args.ack({ options: [] }).catch(() => undefined);
      }
    });
    app.view(OUR_IDS, async (args) => {
      const handler = this.views.get(args.view.callback_id);
      if (handler) await handler(args);
      else await args.ack();
    });
  }
}

/**
 * Runs a button's or a shortcut's handler, which acks first: what went wrong is told to the person who pressed it
 * (nothing changed), logged and counted.
 */
async function answering(
  id: string,
  responseUrl: string | undefined,
  respond: (message: { response_type: 'ephemeral'; replace_original: false; text: string }) => Promise<unknown>,
  run: () => Promise<void>,
  log: Logger,
  metrics: Metrics,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const reply =
      error instanceof StoreUnavailableError
        ? storeDownReply()
        : error instanceof AdminCheckError
          ? adminUnconfirmedReply()
          : failureReply();
    const slackCode = slackFailureCode(error);
    if (error instanceof StoreUnavailableError) metrics.storeError();
    else if (slackCode !== undefined) {
      log.warn({ err: error, action: id, code: slackCode }, 'a Slack call failed while answering a button or shortcut');
      metrics.slackError(slackCode);
    } else if (!(error instanceof AdminCheckError)) {
      const code = error instanceof StoreFailedError ? error.detail : 'listener';
      log.error({ err: error, action: id, code }, 'button or shortcut failed');
      metrics.internalError(code);
    }
    if (responseUrl)
      await respond({ response_type: 'ephemeral', replace_original: false, text: reply.summary }).catch(
        () => undefined,
      );
  }
}
