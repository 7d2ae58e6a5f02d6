import { Memo } from '../lib/memo';
import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { boltLogger } from '../lib/logger';
import type { Target } from '../store/reminders';
import type { Reply } from '../views/doc';
import { toSlackMessage } from '../views/render-slack';
import { PostError, type PostedMessage, type ReminderMetadata, type ReminderPoster } from './poster';

/** The least time between two conversations.history calls of one process: Slack's Tier 3, about 50 a minute. */
export const HISTORY_GAP_MS = 1200;

/**
 * Posts reminders through the Web API. Its client rejects rate-limited calls instead of pausing its whole queue,
 * so a 429 for one channel waits its Retry-After without holding up the others, and it does not retry on its
 * own: delivery decides, and looks in the channel's history before trying again.
 */
export class SlackPoster implements ReminderPoster {
  private readonly client: webApi.WebClient;
  /** One entry per person who asked for DMs; bounded all the same (conversations.open is cheap to ask again). */
  private readonly dmChannels = new Memo<string, string>(10_000);

  constructor(
    token: string,
    slackApiUrl: string,
    private readonly log: Logger,
    private readonly historyGapMs = HISTORY_GAP_MS,
  ) {
    // Its own log lines go through the bot's logger, so they are structured and scrubbed like every other line.
    this.client = new webApi.WebClient(token, {
      slackApiUrl,
      logger: boltLogger(log),
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 10_000,
    });
  }

  private async conversation(target: Target): Promise<string> {
    if (target.kind !== 'user') return target.id;
    const cached = this.dmChannels.get(target.id);
    if (cached) return cached;
    const res = await this.call(() => this.client.conversations.open({ users: target.id }));
    const id = res.channel?.id;
    if (!id) throw new PostError('channel_not_found', `no DM channel with ${target.id}`);
    this.dmChannels.set(target.id, id);
    return id;
  }

  async post(target: Target, reply: Reply, metadata: ReminderMetadata): Promise<PostedMessage> {
    const channel = await this.conversation(target);
    const message = toSlackMessage(reply);
    const res = await this.call(() =>
      this.client.chat.postMessage({ channel, ...message, metadata, unfurl_links: false, unfurl_media: false }),
    );
    return { channel: res.channel ?? channel, ts: res.ts ?? '' };
  }

  async findPosted(target: Target, metadata: ReminderMetadata, since: Date): Promise<PostedMessage | undefined> {
    const channel = await this.conversation(target);
    await this.historyTurn();
    let res;
    try {
      res = await this.call(() =>
        this.client.conversations.history({
          channel,
          oldest: String(Math.floor(since.getTime() / 1000)),
          include_all_metadata: true,
          limit: 200,
        }),
      );
    } catch (error) {
      // Slack's Retry-After holds every history call of this process, not only this one.
      if (error instanceof PostError && error.code === 'ratelimited')
        this.historyNextAt = Math.max(this.historyNextAt, Date.now() + (error.retryAfterSeconds ?? 1) * 1000);
      throw error;
    }
    const found = (res.messages ?? []).find((m) => {
      const meta = m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
      return (
        meta?.event_type === metadata.event_type &&
        Object.entries(metadata.event_payload).every(
          // A post from before incidents has no incident in its metadata: its key alone says what it was.
          ([k, v]) => meta.event_payload?.[k] === v || (k === 'incident' && meta.event_payload?.[k] === undefined),
        )
      );
    });
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }

  /**
   * Waits for this process's next turn at conversations.history: at most one call every HISTORY_GAP_MS (Slack's
   * Tier 3 is about 50 a minute; apps outside the Marketplace get 1 a minute since 2025), and none before a 429's
   * Retry-After has passed. Calls are spread over time, never a burst.
   */
  private async historyTurn(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.historyNextAt);
    this.historyNextAt = at + this.historyGapMs;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  private historyNextAt = 0;

  async join(channelId: string): Promise<boolean> {
    try {
      await this.call(() => this.client.conversations.join({ channel: channelId }));
      return true;
    } catch (error) {
      this.log.info({ channel: channelId, code: (error as PostError).code }, 'could not join the channel');
      return false;
    }
  }

  async notify(userId: string, text: string): Promise<void> {
    await this.call(() => this.client.chat.postMessage({ channel: userId, text }));
  }

  /** Runs a Web API call, turning its failure into a PostError. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const err = e as webApi.WebAPICallError & { retryAfter?: number; data?: { error?: string } };
      if (err.code === webApi.ErrorCode.RateLimitedError)
        throw new PostError('ratelimited', 'rate limited', err.retryAfter ?? 1);
      if (err.code === webApi.ErrorCode.PlatformError)
        throw new PostError(err.data?.error ?? 'unknown_error', err.message);
      throw new PostError('network', err.message);
    }
  }
}
