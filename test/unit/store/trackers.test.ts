import { DELIVERY_KEEP_MS } from '../../../src/store/trackers';
import { testStore } from '../../helpers/store';

/** Webhook delivery ids: each applied once, and kept only as long as GitHub lets a delivery be sent again. */
test('a delivery is claimed once; ids past their time are deleted, so the table holds about a week', async () => {
  const store = await testStore();
  const t0 = new Date('2026-12-01T00:00:00Z');
  expect(await store.trackers.claimDelivery('a', t0)).toBe(true);
  await store.trackers.deliveryDone('a');
  expect(await store.trackers.claimDelivery('a', new Date(t0.getTime() + 86_400_000))).toBe(false);
  const later = new Date(t0.getTime() + DELIVERY_KEEP_MS + 60_000);
  expect(await store.trackers.claimDelivery('b', later)).toBe(true);
  const rows = await store.db.selectFrom('tracker_delivery').select('delivery_id').execute();
  expect(rows.map((r) => r.delivery_id)).toEqual(['b']);
  await store.close();
});
