import { parseIncident } from '../../../src/incident/load';
import { runCommand } from '../../../src/commands/run';
import { formatInZone } from '../../../src/views/format';
import { toPlainText } from '../../../src/views/render-text';
import { minimalDataset } from '../../helpers/incident';
import { contextWith, testStore } from '../../helpers/store';

describe('dates as a reader expects them', () => {
  test.each([
    ['Europe/Paris', '2024-01-10T08:00:00Z', 'Wednesday, January 10, 2024, 9:00 AM CET'],
    ['Europe/Paris', '2024-09-10T07:00:00Z', 'Tuesday, September 10, 2024, 9:00 AM CEST'],
    ['Europe/London', '2024-09-10T08:00:00Z', 'Tuesday, September 10, 2024, 9:00 AM BST'],
    ['America/Los_Angeles', '2024-09-10T16:00:00Z', 'Tuesday, September 10, 2024, 9:00 AM PDT'],
    ['Asia/Tokyo', '2024-09-10T00:00:00Z', 'Tuesday, September 10, 2024, 9:00 AM GMT+9'],
  ])('%s: %s', (zone, at, expected) => {
    expect(formatInZone(new Date(at), zone, true)).toBe(expected);
  });

  test('a timed event with an end shows both in `when`', async () => {
    const incident = parseIncident(
      minimalDataset({ start: '2030-03-05T09:00', end: '2030-03-05T17:30', timezone: 'Europe/Berlin' }),
      't',
    );
    const store = await testStore();
    try {
      const { reply } = await runCommand({ name: 'when' }, contextWith(incident, store, '2030-03-01T12:00:00Z'));
      expect(toPlainText(reply)).toContain(
        'Date: Tuesday, March 5, 2030, 9:00 AM CET to Tuesday, March 5, 2030, 5:30 PM CET',
      );
    } finally {
      await store.close();
    }
  });
});
