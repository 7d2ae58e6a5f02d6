import type { webApi } from '@slack/bolt';
import { homeAll } from '../commands/home';
import { homeView } from '../views/home';
import { contextFor, type ListenerDeps } from './deps';

/** Refreshes a user's Home tab in the background, after the listener has answered Slack. */
export function refreshHome(client: webApi.WebClient, userId: string, deps: ListenerDeps): void {
  deps.background.track(publishHome(client, userId, deps));
}

/** Publishes (or refreshes) one user's Home tab. Failures are logged, never thrown at the caller. */
export async function publishHome(client: webApi.WebClient, userId: string, deps: ListenerDeps): Promise<void> {
  try {
    const data = await homeAll(contextFor(deps, { id: userId, name: userId }));
    await client.views.publish({ user_id: userId, view: homeView(data) });
  } catch (error) {
    deps.log.warn({ err: error, user: userId }, 'could not publish the Home tab');
  }
}
