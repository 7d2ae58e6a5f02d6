import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import {
  buttonCommand,
  COMMAND_NAMES,
  commandTable,
  isShareable,
  parseCommand,
  REGISTRY,
  reservedWords,
  typedCommands,
  usageHint,
} from '../../../src/commands/registry';
import { RESERVED_WORDS } from '../../../src/commands/grammar';
import { runCommand } from '../../../src/commands/run';
import { ACTIONS } from '../../../src/views/ids';
import { toPlainText } from '../../../src/views/render-text';
import type { FollowUpStore } from '../../../src/store/repository';
import { defaultIncident, ROOT } from '../../helpers/incident';
import { contextWith, testStore } from '../../helpers/store';

/** The registry is the one description of every command: what is made from it must agree with it. */
describe('the command registry', () => {
  test("docs/commands.md's command table is the registry's", () => {
    const readme = readFileSync(path.join(ROOT, 'docs', 'commands.md'), 'utf8');
    const table = /<!-- commands:[^\n]*-->\n([\s\S]*?)\n<!-- \/commands -->/.exec(readme)?.[1];
    expect(table).toBe(commandTable());
  });

  test("the grammar's reserved words are the registry's (a handler reads them there, below the registry)", () => {
    expect([...RESERVED_WORDS].sort()).toEqual(reservedWords().sort());
  });

  test("the manifest's usage hint names every typed command", () => {
    const manifest = parse(readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8')) as {
      features: { slash_commands: { usage_hint: string }[] };
    };
    expect(manifest.features.slash_commands[0]?.usage_hint).toBe(usageHint());
  });

  test('help lists every typed command, with its usage, and no button-only command', async () => {
    const store = await testStore();
    try {
      const { reply } = await runCommand(
        { name: 'help' },
        contextWith(defaultIncident(), store, '2024-09-03T16:00:00Z'),
      );
      const text = toPlainText(reply);
      for (const c of typedCommands()) expect(text).toContain(`/summit ${c.usage}`);
      for (const n of COMMAND_NAMES.filter((n) => !REGISTRY[n].typed)) expect(text).not.toContain(REGISTRY[n].usage);
      expect(text).toContain('(admins)');
    } finally {
      await store.close();
    }
  });

  test('every typed command parses from its own usage line, by name and by each alias', () => {
    for (const c of typedCommands()) {
      expect(parseCommand(c.name).name === c.name || parseCommand(c.name).name === 'usage').toBe(true);
      for (const alias of REGISTRY[c.name].aliases ?? []) expect([c.name, 'usage']).toContain(parseCommand(alias).name);
    }
    // Button-only commands cannot be typed.
    for (const n of COMMAND_NAMES.filter((n) => !REGISTRY[n].typed)) expect(parseCommand(n).name).toBe('unknown');
  });

  test('what the table says is coherent: a change is never reused or shared, a restricted command says what it refuses', () => {
    for (const n of COMMAND_NAMES) {
      const e = REGISTRY[n];
      if (e.access !== 'anyone') expect(e.refusal).toBeTruthy();
      if (e.share) expect(e.access).toBe('anyone');
      if (e.reuse !== 'never') expect(e.share).toBe(true);
    }
  });

  test('every button the bot draws is either Share or a registry button', () => {
    const registered = COMMAND_NAMES.flatMap((n) => (REGISTRY[n].button ? [REGISTRY[n].button.action] : []));
    // Besides them: Share, and the select on the "which incident?" reply, which runs a typed command again.
    expect([...registered, ACTIONS.shareReply, ACTIONS.chooseIncident].sort()).toEqual(Object.values(ACTIONS).sort());
    expect(buttonCommand(ACTIONS.recordAnswer, 'Q2')).toEqual({ name: 'answer-form', questionId: 'Q2' });
    expect(buttonCommand(ACTIONS.snooze, 'x'.repeat(500))).toEqual({ name: 'snooze', series: '' });
    expect(buttonCommand('summit_no_such_button', 'Q2')).toBeUndefined();
  });

  describe('every reply that offers "Share in channel" names a command the share button may run', () => {
    let store: FollowUpStore;
    beforeAll(async () => {
      store = await testStore();
    });
    afterAll(() => store.close());
    test.each([
      'status',
      'facts',
      'facts summit',
      'when',
      'questions',
      'questions all',
      'timeline',
      'updates',
      'history Q2',
      'help',
      'schedule',
      'subscribe',
      'remind me',
    ])('%s', async (text) => {
      const { reply } = await runCommand(parseCommand(text), {
        ...contextWith(defaultIncident(), store, '2024-09-03T16:00:00Z'),
        channelId: 'C0GENERAL',
      });
      expect(reply.share).toBeDefined();
      expect(isShareable(parseCommand(reply.share ?? ''))).toBe(true);
    });
  });
});
