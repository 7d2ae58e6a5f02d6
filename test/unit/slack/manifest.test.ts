import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SLASH_COMMANDS } from '../../../src/views/ids';
import { ROOT } from '../../helpers/incident';

interface Manifest {
  features: {
    slash_commands: { command: string; usage_hint?: string }[];
    app_home?: {
      home_tab_enabled?: boolean;
      messages_tab_enabled?: boolean;
      messages_tab_read_only_enabled?: boolean;
    };
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity?: { is_enabled?: boolean };
    socket_mode_enabled?: boolean;
    event_subscriptions?: { bot_events?: string[] };
  };
}

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;

  test('declares exactly the slash commands the app serves', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...SLASH_COMMANDS].sort());
  });

  test('has the scopes the code uses, the Home tab and its event, interactivity and Socket Mode', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'channels:history',
      'channels:join',
      'chat:write',
      'chat:write.public',
      'commands',
      'groups:history',
      'im:history',
      'im:write',
      'users:read',
    ]);
    expect(manifest.settings.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  test('for HTTP mode it says where menus longer than 100 ask for their options (the same Request URL)', () => {
    // Slack's block_suggestion goes to settings.interactivity.message_menu_options_url
    // (https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element#external_select).
    expect(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')).toMatch(
      /settings\.interactivity\.message_menu_options_url: https:\/\/bot\.example\.com\/slack\/events/,
    );
  });

  test('the Messages tab is on, read-only: the bot DMs people (reminders, chases, feed items) and reads no DMs', () => {
    // shared/reference/slack-platform.md, "DMs": with the tab off, people see "Sending messages to this app has been
    // turned off" and the bot's DMs have no home.
    expect(manifest.features.app_home?.messages_tab_enabled).toBe(true);
    expect(manifest.features.app_home?.messages_tab_read_only_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions?.bot_events).not.toContain('message.im');
  });
});
