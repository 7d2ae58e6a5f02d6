import * as curation from '../../../src/commands/handlers/curate';
import { MAX_CURATIONS } from '../../../src/commands/handlers/curate';
import * as start from '../../../src/commands/handlers/start';
import { MAX_STARTED } from '../../../src/commands/handlers/start';
import type { RunEnv } from '../../../src/commands/types';
import { EMPTY_STATE, type RecordedCuration } from '../../../src/core/records';
import { toPlainText } from '../../../src/views/render-text';
import { defaultIncident } from '../../helpers/incident';
import { ADMIN, contextWith, testStore } from '../../helpers/store';

/** What admins can make the bot store from Slack is bounded, like the questions asked there. */
describe('bounds on what is added in Slack', () => {
  const incident = defaultIncident();

  test(`an incident keeps at most ${MAX_CURATIONS} additions, corrections and retractions; past that nothing is recorded`, async () => {
    const store = await testStore();
    try {
      const one: RecordedCuration = {
        id: 1,
        kind: 'fact',
        itemId: 'fxxxxx',
        action: 'retract',
        actor: ADMIN,
        at: new Date('2025-01-01T00:00:00Z'),
      };
      const ctx = { ...contextWith(incident, store, '2025-01-15T17:00:00Z'), channelId: 'C0GENERAL' };
      const env = (n: number): RunEnv => ({
        ctx,
        incident,
        state: { ...EMPTY_STATE, curations: Array.from({ length: n }, () => one) },
        usage: () => ({ reply: { summary: '', blocks: [] }, changed: false }),
      });
      const cmd = {
        name: 'curate' as const,
        meta: { kind: 'fact' as const, action: 'add' as const },
        entry: { topic: 'outage', text: 'One more.', source: 'cs-pir' },
      };
      const full = await curation.curate(cmd, env(MAX_CURATIONS));
      expect(full.changed).toBe(false);
      expect(toPlainText(full.reply)).toContain('the most it keeps');
      const retract = await curation.retract({ name: 'retract', itemId: 'cs-pir', reason: 'x' }, env(MAX_CURATIONS));
      expect(toPlainText(retract.reply)).toContain('the most it keeps');
      expect((await store.state()).curations).toEqual([]);
      expect((await curation.curate(cmd, env(MAX_CURATIONS - 1))).changed).toBe(true);
    } finally {
      await store.close();
    }
  });

  test(`at most ${MAX_STARTED} incidents are started in Slack`, async () => {
    const store = await testStore();
    try {
      for (let i = 0; i < MAX_STARTED; i++)
        await store.startIncident({
          id: `started-${i}`,
          title: `Started ${i}`,
          summary: 'S.',
          timezone: 'UTC',
          actor: ADMIN,
          at: new Date('2026-12-01T00:00:00Z'),
        });
      const ctx = contextWith(incident, store, '2026-12-02T15:00:00Z');
      const env: RunEnv = {
        ctx,
        incident,
        state: EMPTY_STATE,
        usage: () => ({ reply: { summary: '', blocks: [] }, changed: false }),
      };
      const result = await start.start({ name: 'start', title: 'One more', timezone: 'UTC', summary: 'S.' }, env);
      expect(result.changed).toBe(false);
      expect(toPlainText(result.reply)).toContain('the most the bot keeps');
      expect(await store.startedIncidents()).toHaveLength(MAX_STARTED);
    } finally {
      await store.close();
    }
  });
});
