import { Catalog } from '../../../src/incident/catalog';
import { PassThrough, Writable } from 'node:stream';
import { ConsoleScreen, runConsole } from '../../../src/console/console';
import { ManualClock } from '../../../src/lib/clock';
import { defaultIncident } from '../../helpers/incident';
import { testStore } from '../../helpers/store';

/**
 * The console's rendering of every command on four dates of the default data set: before the summit was
 * announced (2024-07-22), the week before it (2024-09-03), the day itself (2024-09-10) and long after
 * (2025-07-01). The snapshots are for reading: each was checked against shared/reference/facts.md.
 */
const COMMANDS = [
  'help',
  'status',
  'facts',
  'when',
  'questions',
  'questions answered',
  'questions all',
  'timeline',
  'updates',
  'history Q2',
  'schedule',
  'sources',
  'ask Will the vendors publish a joint report?',
  'answer Q3 No total beyond the estimate was ever published https://example.com/count',
  'partial Q4 Vendor choice was named a point of consensus',
  'reopen Q3 The count is disputed again',
  'update - A vendor published its own review https://example.com/review',
  'assign Q3 U0OWNER1',
  'due Q3 2024-10-01',
  'mine',
  'drop Q4 Out of scope for this team',
  'merge Q5 into Q3',
  'history Q3',
  'history Q5',
  'questions all',
  'due Q3 tomorrow',
  'assign Q3 bob',
  'unsubscribe',
  'subscribe',
  'remind off',
  'questions',
  'questions nonsense',
  'history Q99',
  'answer Q3',
  'frobnicate',
];

async function transcript(date: string): Promise<string> {
  const store = await testStore();
  const input = new PassThrough();
  let out = '';
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  const running = runConsole({
    catalog: new Catalog([defaultIncident()]),
    clock: new ManualClock(`${date}T19:00:00Z`),
    store,
    input,
    screen: new ConsoleScreen(output, false),
    interactive: false,
  });
  input.end(COMMANDS.map((c) => `${c}\n`).join(''));
  await running;
  await store.close();
  const replies = out.trim().split('\n\n');
  // One reply per command, headed by what was typed.
  return COMMANDS.map((c, i) => `> ${c}\n${replies[i] ?? '(no reply)'}`).join('\n\n');
}

test.each(['2024-07-22', '2024-09-03', '2024-09-10', '2025-07-01'])('the console on %s', async (date) => {
  expect(await transcript(date)).toMatchSnapshot();
});
