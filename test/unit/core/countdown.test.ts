import { countdown } from '../../../src/core/countdown';
import { describeCountdown } from '../../../src/views/countdown';
import { parseIncident } from '../../../src/incident/load';
import { defaultIncident, minimalDataset, eventOf } from '../../helpers/incident';

const summit = eventOf(defaultIncident());
const say = (now: string, event = summit) => describeCountdown(countdown(event, new Date(now)), event.allDay);

describe('countdown to an all-day event (September 10, 2024, America/Los_Angeles)', () => {
  test('counts calendar days in the event zone', () => {
    expect(say('2024-08-29T16:00:00Z')).toBe('in 12 days');
    expect(say('2024-09-03T07:00:00Z')).toBe('in 7 days');
    // 06:59 UTC on September 9 is still September 8 in Los Angeles.
    expect(say('2024-09-09T06:59:00Z')).toBe('in 2 days');
    expect(say('2024-09-09T07:00:00Z')).toBe('tomorrow');
  });

  test('is "today" for the whole day in the event zone, and not a minute longer', () => {
    expect(say('2024-09-10T07:00:00Z')).toBe('today');
    expect(say('2024-09-11T06:59:59Z')).toBe('today');
    expect(say('2024-09-11T07:00:00Z')).toBe('took place yesterday');
  });

  test('counts the days since it took place', () => {
    expect(say('2024-09-12T20:00:00Z')).toBe('took place 2 days ago');
    // 810 days: from September 10, 2024 to November 29, 2026 in Los Angeles.
    expect(say('2026-11-29T20:00:00Z')).toBe('took place 810 days ago');
  });

  test('is not thrown off by the daylight-saving change of November 3, 2024', () => {
    const event = eventOf(parseIncident(minimalDataset({ date: '2024-11-05' }), 't'));
    // November 1 at noon PDT and November 4 at noon PST: 4 and 1 calendar days, though 97 and 24 hours.
    expect(say('2024-11-01T19:00:00Z', event)).toBe('in 4 days');
    expect(say('2024-11-04T20:00:00Z', event)).toBe('tomorrow');
    expect(say('2024-11-02T23:30:00Z', event)).toBe('in 3 days');
  });
});

describe('countdown to a timed event', () => {
  const event = eventOf(parseIncident(minimalDataset({ start: '2024-11-03T09:00', end: '2024-11-03T11:30' }), 't'));

  test('days before, then hours and minutes on the day', () => {
    expect(say('2024-10-31T16:00:00Z', event)).toBe('in 3 days');
    expect(say('2024-11-03T08:00:00-08:00', event)).toBe('today, in 1 hour');
    expect(say('2024-11-03T06:30:00-08:00', event)).toBe('today, in 2 hours 30 min');
    expect(say('2024-11-03T08:45:00-08:00', event)).toBe('today, in 15 minutes');
    expect(say('2024-11-03T08:59:30-08:00', event)).toBe('today, starting now');
  });

  test('in progress, then past', () => {
    expect(say('2024-11-03T09:00:00-08:00', event)).toBe('taking place now');
    expect(say('2024-11-03T11:29:00-08:00', event)).toBe('taking place now');
    expect(say('2024-11-03T12:00:00-08:00', event)).toBe('took place earlier today');
    expect(say('2024-11-05T12:00:00-08:00', event)).toBe('took place 2 days ago');
  });

  test('the start time is read across the fall-back change (09:00 PST = 17:00 UTC)', () => {
    expect(event.start.toISOString()).toBe('2024-11-03T17:00:00.000Z');
  });

  test('an event with a start and no end is under way until the end of its day, never "took place" that day', () => {
    const e = eventOf(parseIncident(minimalDataset({ start: '2024-03-10T10:00' }), 't'));
    // March 10, 2024 is the spring-forward day: 10:00 PDT = 17:00 UTC.
    expect(e.start.toISOString()).toBe('2024-03-10T17:00:00.000Z');
    expect(say('2024-03-10T16:59:00Z', e)).toBe('today, in 1 minute');
    expect(say('2024-03-10T16:59:30Z', e)).toBe('today, starting now');
    expect(say('2024-03-10T17:00:00Z', e)).toBe('starting now');
    expect(say('2024-03-10T17:10:00Z', e)).toBe('started 10 minutes ago');
    expect(say('2024-03-10T20:30:00Z', e)).toBe('started 3 hours ago');
    // 23:59 PDT is still that day in Los Angeles; the next day it took place.
    expect(say('2024-03-11T06:59:00Z', e)).toMatch(/^started \d+ hours ago$/);
    expect(say('2024-03-11T07:00:00Z', e)).toBe('took place yesterday');
  });
});
