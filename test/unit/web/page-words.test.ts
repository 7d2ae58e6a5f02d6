import { Catalog } from '../../../src/incident/catalog';
import { ManualClock } from '../../../src/lib/clock';
import { signLink } from '../../../src/lib/links';
import { WebPages } from '../../../src/web/pages';
import { startPageServer } from '../../../src/web/serve';
import { defaultIncident } from '../../helpers/incident';
import { silent, testStore } from '../../helpers/store';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('the page speaks to its reader', () => {
  test.each(['2024-08-01', '2024-09-03', '2025-07-01', ''])(
    'no Slack command in its words (as of %s): its own controls instead',
    async (asOf) => {
      const store = await testStore();
      const now = Date.parse('2026-12-01T17:00:00Z');
      const server = await startPageServer(
        new WebPages({
          catalog: new Catalog([defaultIncident()]),
          store,
          clock: new ManualClock(new Date(now)),
          log: silent,
          secret: SECRET,
          publicUrl: 'https://summit.example.com',
        }),
        0,
        '127.0.0.1',
      );
      try {
        const token = signLink(SECRET, {
          incident: 'crowdstrike-2024',
          issuedAt: now - 1000,
          expiresAt: now + 86_400_000,
        });
        const res = await fetch(
          `http://127.0.0.1:${server.port}/incidents/crowdstrike-2024?token=${token}${asOf ? `&as_of=${asOf}` : ''}`,
        );
        const html = await res.text();
        expect(html.match(/\/summit[^<]{0,40}/g) ?? []).toEqual([]);
      } finally {
        await server.close();
        await store.close();
      }
    },
  );
});
