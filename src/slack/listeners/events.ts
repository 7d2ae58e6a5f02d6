import type { App } from '@slack/bolt';
import type { ListenerDeps } from '../deps';
import { publishHome } from '../home';

export function registerEvents(app: App, deps: ListenerDeps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    await publishHome(client, event.user, deps);
  });
}
