import type { Reply } from '../views/doc';
import type { Target } from '../store/reminders';

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** Message metadata on everything the scheduler posts, so a retry can find out whether the post already went out. */
export interface ReminderMetadata {
  event_type: string;
  event_payload: Record<string, string>;
}

/**
 * Why a post failed, in the terms delivery acts on. `code` is Slack's error code (not_in_channel, is_archived...)
 * or "ratelimited" with `retryAfterSeconds`, or "network" for anything that may or may not have reached Slack.
 */
export class PostError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'PostError';
  }
}

/** Where the scheduler delivers: Slack (channels and DMs) or the console. */
export interface ReminderPoster {
  post(target: Target, reply: Reply, metadata: ReminderMetadata): Promise<PostedMessage>;
  /** A message with this metadata (type and payload) already in the target's conversation since `since`, if any. */
  findPosted(target: Target, metadata: ReminderMetadata, since: Date): Promise<PostedMessage | undefined>;
  /** Joins a public channel; false when it cannot (private channel, no permission). */
  join(channelId: string): Promise<boolean>;
  /** Tells a person something by DM (a broken subscription they made). */
  notify(userId: string, text: string): Promise<void>;
}
