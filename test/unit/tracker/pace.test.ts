import { WritePace } from '../../../src/tracker/pace';

/** The pace of writes to GitHub, on a clock the test moves: at least an interval apart, at most N in a window. */
test('writes are an interval apart, and at most perWindow in any window', async () => {
  let now = 0;
  const slept: number[] = [];
  const pace = new WritePace(
    { intervalMs: 1_000, perWindow: 5, windowMs: 60_000 },
    () => now,
    async (ms) => {
      slept.push(ms);
      now += ms;
    },
  );
  const times: number[] = [];
  for (let i = 0; i < 12; i++) {
    await pace.turn();
    times.push(now);
  }
  // A second apart...
  expect(times.slice(0, 5)).toEqual([0, 1_000, 2_000, 3_000, 4_000]);
  // ...and the sixth waits until the first is a window old: never more than 5 in any 60 s.
  expect(times[5]).toBe(60_000);
  for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(60_000);
  expect(slept.every((ms) => ms > 0)).toBe(true);
});

test('no wait when the last write is long past', async () => {
  let now = 0;
  const pace = new WritePace({ intervalMs: 1_000, perWindow: 500, windowMs: 3_600_000 }, () => now);
  await pace.turn();
  now = 5_000;
  expect(pace.waitMs()).toBe(0);
  now = 5_000;
  await pace.turn();
  expect(pace.waitMs()).toBe(1_000);
});
