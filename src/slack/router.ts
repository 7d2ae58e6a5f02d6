import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  ButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
} from '@slack/bolt';
import type { Logger } from 'pino';
import { AdminCheckError, StoreFailedError, StoreUnavailableError } from '../lib/errors';
import type { Metrics } from '../lib/metrics';
import { adminUnconfirmedReply } from '../views/follow-up';
import { slackFailureCode } from './failures';
import { failureReply, storeDownReply } from '../views/replies';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;
export type ViewArgs = SlackViewMiddlewareArgs & AllMiddlewareArgs;

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

  action(actionId: string, handler: (args: ButtonArgs) => Promise<void>): void {
    this.actions.set(actionId, handler);
  }

  view(callbackId: string, handler: (args: ViewArgs) => Promise<void>): void {
    this.views.set(callbackId, handler);
  }

  mount(app: App, log: Logger, metrics: Metrics): void {
    app.action<BlockAction<ButtonAction>>(OUR_IDS, async (args) => {
      const handler = this.actions.get(args.action.action_id);
      if (!handler) return args.ack();
      try {
        await handler(args);
      } catch (error) {
        // Handlers ack first; what went wrong is told to the person who pressed the button, and nothing changed.
        const reply =
          error instanceof StoreUnavailableError
            ? storeDownReply()
            : error instanceof AdminCheckError
              ? adminUnconfirmedReply()
              : failureReply();
        const slackCode = slackFailureCode(error);
        if (error instanceof StoreUnavailableError) metrics.storeError();
        else if (slackCode !== undefined) {
          log.warn(
            { err: error, action: args.action.action_id, code: slackCode },
            'a Slack call failed while answering a button',
          );
          metrics.slackError(slackCode);
        } else if (!(error instanceof AdminCheckError)) {
          const code = error instanceof StoreFailedError ? error.detail : 'listener';
          log.error({ err: error, action: args.action.action_id, code }, 'button failed');
          metrics.internalError(code);
        }
        if (args.body.response_url)
          await args
            .respond({ response_type: 'ephemeral', replace_original: false, text: reply.summary })
            .catch(() => undefined);
      }
    });
    app.view(OUR_IDS, async (args) => {
      const handler = this.views.get(args.view.callback_id);
      if (handler) await handler(args);
      else await args.ack();
    });
  }
}
