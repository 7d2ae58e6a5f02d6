import type { webApi } from '@slack/bolt';
import type { ChannelAccess, UserInfo } from '../commands/types';
import { slackFailureCode } from './failures';

/**
 * Whether the bot can post in a channel and read its history (the history check that keeps a retried reminder
 * from being posted twice needs both). Asked when a channel is subscribed, so the person subscribing learns of a
 * problem at once rather than when the first reminder is lost. What Slack answers conversations.join
 * (https://docs.slack.dev/reference/methods/conversations.join):
 * - ok (possibly with the warning already_in_channel): a public channel, now joined;
 * - method_not_supported_for_channel_type: a private channel the bot can see, so it is a member: confirmed by
 *   reading one message of its history (groups:history);
 * - channel_not_found: a private channel the bot is not in (it cannot see it), or no such channel;
 * - is_archived: archived.
 * A group DM also answers method_not_supported_for_channel_type; its history then answers missing_scope, since the
 * app asks for channels:, groups: and im:history but not mpim:history: reminders cannot go there, for good.
 */
export async function channelAccess(client: webApi.WebClient, channel: string): Promise<ChannelAccess> {
  try {
    await client.conversations.join({ channel });
    return 'member';
  } catch (error) {
    const code = slackFailureCode(error);
    if (code === 'is_archived') return 'archived';
    if (code === 'channel_not_found') return 'private';
    if (code !== 'method_not_supported_for_channel_type') return 'unknown';
  }
  try {
    await client.conversations.history({ channel, limit: 1 });
    return 'member';
  } catch (error) {
    const code = slackFailureCode(error);
    if (code === 'missing_scope') return 'group-dm';
    return code === 'channel_not_found' || code === 'not_in_channel' ? 'private' : 'unknown';
  }
}

/**
 * What Slack says of a user, for making them a question's owner: undefined when there is no such user
 * (users.info answers `user_not_found`, https://api.slack.com/methods/users.info); other failures are thrown.
 */
export async function lookupUser(client: webApi.WebClient, userId: string): Promise<UserInfo | undefined> {
  try {
    const res = await client.users.info({ user: userId });
    return {
      bot: Boolean(res.user?.is_bot),
      deleted: Boolean(res.user?.deleted),
      ...(typeof res.user?.tz === 'string' && { tz: res.user.tz }),
    };
  } catch (error) {
    if (slackFailureCode(error) === 'user_not_found') return undefined;
    throw error;
  }
}
