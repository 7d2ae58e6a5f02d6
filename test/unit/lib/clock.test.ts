import { clockStartingAt, ManualClock } from '../../../src/lib/clock';

describe('clocks', () => {
  test('a clock started at SUMMIT_NOW runs on in real time from there', () => {
    let real = 1_000_000;
    const clock = clockStartingAt(new Date('2024-09-03T00:00:00Z'), () => real);
    expect(clock.now().toISOString()).toBe('2024-09-03T00:00:00.000Z');
    real += 90_000;
    expect(clock.now().toISOString()).toBe('2024-09-03T00:01:30.000Z');
  });

  test('a manual clock moves only when told', () => {
    const clock = new ManualClock('2024-01-01T00:00:00Z');
    clock.advance(1000);
    expect(clock.now().toISOString()).toBe('2024-01-01T00:00:01.000Z');
    clock.set('2025-01-01T00:00:00Z');
    expect(clock.now().getUTCFullYear()).toBe(2025);
  });
});
