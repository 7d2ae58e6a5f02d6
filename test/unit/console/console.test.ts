import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import { CONSOLE_TARGET } from '../../../src/commands/run';
import { ConsoleScreen, runConsole } from '../../../src/console/console';
import { Catalog } from '../../../src/incident/catalog';
import { parseIncident } from '../../../src/incident/load';
import { ManualClock } from '../../../src/lib/clock';
import { ConsolePoster } from '../../../src/scheduler/console-poster';
import { ReminderDelivery } from '../../../src/scheduler/delivery';
import { cloudOutage, defaultIncident, minimalDataset } from '../../helpers/incident';
import { ADMIN, contextWith, runText, silent, testStore } from '../../helpers/store';

/** A terminal stand-in: what was written to it, as one string. */
function terminal() {
  const out = new PassThrough() as PassThrough & { isTTY: boolean; columns: number };
  out.isTTY = true;
  out.columns = 80;
  let written = '';
  out.on('data', (d: Buffer) => (written += d.toString()));
  return { out, written: () => written };
}

describe('the console at an interactive terminal', () => {
  test('a reminder that fires while someone types is printed above the prompt, and the partial input is redrawn', async () => {
    const { out, written } = terminal();
    const input = new PassThrough() as PassThrough & { isTTY: boolean };
    input.isTTY = true;
    const rl = createInterface({ input, output: out, terminal: true });
    rl.setPrompt('summit> ');
    const screen = new ConsoleScreen(out, true);
    screen.attach(rl);
    rl.prompt();
    input.write('quest');
    await new Promise((r) => setImmediate(r));
    const before = written().length;
    screen.print('\n[reminder] Test event: tomorrow\n\n');
    await new Promise((r) => setImmediate(r));
    const after = written().slice(before);
    // Clear the line, print the reminder, then the prompt with what was typed.
    expect(after.indexOf('\x1b[2K')).toBeLessThan(after.indexOf('[reminder] Test event: tomorrow'));
    expect(after.lastIndexOf('summit> quest')).toBeGreaterThan(after.indexOf('[reminder]'));
    expect(rl.line).toBe('quest');
    rl.close();
  });
});

describe('the console honours its own footer', () => {
  const incident = parseIncident(
    minimalDataset(
      { date: '2030-01-10' },
      { reminders: { countdown: { offsets: ['3d', '1d'], time: '09:00' }, catchUp: '6h' } },
    ),
    't',
  );

  test('unsubscribe (or remind off) stops its reminders and is remembered in the store; subscribe brings them back', async () => {
    const store = await testStore();
    const printed: string[] = [];
    const clock = new ManualClock('2030-01-07T16:59:00Z');
    const delivery = () =>
      new ReminderDelivery({
        incident,
        store,
        clock,
        poster: new ConsolePoster({ print: (t) => printed.push(t) }),
        log: silent,
        fixedTargets: [CONSOLE_TARGET],
      });
    try {
      await delivery().tick();
      expect((await runText('remind off', contextWith(incident, store, clock.now(), ADMIN))).plain).toContain(
        'The console will no longer print reminders.',
      );
      // A new process on the same store still knows.
      expect((await runText('schedule', contextWith(incident, store, clock.now(), ADMIN))).plain).toMatch(
        /^The console is not subscribed/,
      );
      clock.set('2030-01-07T17:00:30Z');
      await delivery().tick();
      expect(printed).toEqual([]);
      expect((await runText('subscribe', contextWith(incident, store, clock.now(), ADMIN))).plain).toContain(
        'Reminders print here in the console as they fire.',
      );
      clock.set('2030-01-09T17:00:30Z');
      await delivery().tick();
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain('[reminder] Test event: tomorrow');
    } finally {
      await store.close();
    }
  });
});

describe('the console with several incidents', () => {
  test('use <id> chooses the incident its commands are about; unknown ids get the closest; incidents lists them', async () => {
    const store = await testStore();
    const input = new PassThrough();
    let out = '';
    const output = new PassThrough();
    output.on('data', (d: Buffer) => (out += d.toString()));
    const running = runConsole({
      catalog: new Catalog([defaultIncident(), cloudOutage()]),
      clock: new ManualClock('2026-12-01T17:00:00Z'),
      store,
      input,
      screen: new ConsoleScreen(output, false),
      interactive: false,
    });
    input.end(
      [
        'when',
        'use cloud-outag-2026',
        'use cloud-outage-2026',
        'when',
        'crowdstrike-2024 when',
        'incidents',
        'use',
      ].join('\n'),
    );
    await running;
    await store.close();
    const replies = out.trim().split('\n\n');
    expect(replies[0]).toContain('summit-bot follows 2 incidents here; say which one this is about.');
    expect(replies[0]).toContain('choose one with use crowdstrike-2024');
    expect(out).toContain('There is no incident "cloud-outag-2026". Did you mean "cloud-outage-2026"?');
    expect(out).toContain(
      'Now about cloud-outage-2026 (Cloud outage of November 2026): every command here is about it.',
    );
    expect(out).toMatch(/Now about cloud-outage-2026[\s\S]*Cloud provider briefing[\s\S]*Redmond/);
    expect(out).toContain('Incidents (2)');
    expect(out).toContain('Say which incident: use <id>. The incidents: crowdstrike-2024, cloud-outage-2026.');
  });
});
