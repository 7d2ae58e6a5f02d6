import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { parseDocument } from 'yaml';
import { Catalog } from '../src/incident/catalog';
import { parseIncident } from '../src/incident/load';
import { ManualClock } from '../src/lib/clock';
import { ReminderDelivery, WatermarkWrites } from '../src/scheduler/delivery';
import { Scheduler } from '../src/scheduler/scheduler';
import { SlackPoster } from '../src/scheduler/slack-poster';
import { openStore } from '../src/store/open';
import { FakeSlack } from '../test/helpers/fake-slack';

/**
 * Many incidents: what the bench needs to follow 200 of them at once. The data sets are made here (the CrowdStrike
 * one, and made-up ones beside it, each with its own event, expected updates, questions and reminders), and 2,000
 * channels follow them, ten each.
 */

export const SCALE_INCIDENTS = 200;
export const SCALE_CHANNELS = 2000;
const silent = pino({ level: 'silent' });

export const scaleChannel = (i: number) => `C0SCALE${String(i).padStart(5, '0')}`;
export const madeUpId = (i: number) => `bench-incident-${String(i).padStart(3, '0')}`;

/** A made-up incident's data set, as YAML text: an event in 2031, 20 expected updates, 10 questions, reminders. */
function madeUp(i: number): string {
  const day = (n: number) => new Date(Date.UTC(2031, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  return JSON.stringify({
    id: madeUpId(i),
    incident: {
      title: `Made-up incident ${i}`,
      summary: `A made-up incident for the bench (${i}).`,
      sources: [{ id: 's', title: 'Status', publisher: 'Vendor', date: '2030-12-01', url: `https://example.com/${i}` }],
      facts: [{ topic: 'outage', text: `What happened in incident ${i}.`, source: 's' }],
    },
    event: {
      name: `Review ${i}`,
      date: day(60 + (i % 60)),
      timezone: 'America/Los_Angeles',
      location: 'Online',
      hosts: ['Vendor'],
      source: 's',
    },
    expectedUpdates: Array.from({ length: 20 }, (_, u) => ({
      id: `u${u}`,
      text: `Update ${u}`,
      expected: day(10 + u * 5 + (i % 5)),
      source: 's',
    })),
    questions: Array.from({ length: 10 }, (_, q) => ({ id: `Q${q + 1}`, text: `Question ${q + 1} of ${i}?` })),
    reminders: {
      countdown: { offsets: ['14d', '1d'] },
      updates: { every: '1d', max: 3, time: '09:00' },
      questions: { every: '7d', max: 3, time: '10:00' },
      catchUp: '6h',
    },
  });
}

/**
 * A folder of `count` data sets: the CrowdStrike one (with the bench's admins, no watched feeds) first, then
 * made-up ones. Returns the folder.
 */
export function scaleFolder(root: string, dir: string, count: number, admins: string[]): string {
  const folder = path.join(dir, `incidents-${count}`);
  mkdirSync(folder, { recursive: true });
  const doc = parseDocument(readFileSync(path.join(root, 'config', 'incidents', 'crowdstrike-2024.yaml'), 'utf8'));
  doc.setIn(['admins'], admins);
  doc.setIn(['watch'], []);
  writeFileSync(path.join(folder, 'crowdstrike-2024.yaml'), doc.toString());
  for (let i = 1; i < count; i++) writeFileSync(path.join(folder, `${madeUpId(i)}.yaml`), madeUp(i));
  return folder;
}

/** The ids in the order scaleFolder writes them. */
export const scaleIds = (count: number): string[] => [
  'crowdstrike-2024',
  ...Array.from({ length: count - 1 }, (_, i) => madeUpId(i + 1)),
];

/**
 * 2,000 channels, channel i following incident i mod `count` (so channels 0, count, 2 count... follow the
 * CrowdStrike incident), written to the store the bot will open.
 */
export async function seedFollows(databasePath: string, count: number): Promise<void> {
  const store = await openStore({ kind: 'sqlite', path: databasePath }, silent, {
    migration: { legacyIncident: 'crowdstrike-2024' },
  });
  const ids = scaleIds(count);
  const at = new Date('2026-11-01T00:00:00Z');
  for (let c = 0; c < SCALE_CHANNELS; c++)
    await store.setFollow(scaleChannel(c), ids[c % count] as string, { id: 'U0SEED', name: 'seed' }, at);
  await store.close();
}

/** The channels that follow the CrowdStrike incident: where the read requests of the comparison come from. */
export const crowdstrikeChannels = (count: number): string[] =>
  Array.from({ length: Math.floor(SCALE_CHANNELS / count) }, (_, k) => scaleChannel(k * count));

/**
 * The scheduler's tick with `count` active incidents and ten subscribed channels each (2,000 in all), in this
 * process: each tick checks every incident for what is due. Returns every tick's time in milliseconds.
 */
export async function scaleTicks(root: string, dir: string, count: number, ticks: number): Promise<number[]> {
  const folder = scaleFolder(root, dir, count, []);
  const incidents = scaleIds(count).map((id) =>
    parseIncident(readFileSync(path.join(folder, `${id}.yaml`), 'utf8'), `${id}.yaml`),
  );
  const catalog = new Catalog(incidents);
  const store = await openStore({ kind: 'sqlite', path: path.join(dir, `tick-${count}.db`) }, silent);
  const at = new Date('2030-12-01T00:00:00Z');
  for (let c = 0; c < SCALE_CHANNELS; c++) {
    const id = catalog.incidents[c % count]?.id as string;
    await store.scoped(id).reminders.subscribe({ kind: 'channel', id: scaleChannel(c) }, { id: 'U', name: 'u' }, at);
  }
  const fake = new FakeSlack();
  const apiUrl = await fake.start();
  // Between reminders: the ticks measure what every tick costs, looking through 200 incidents' plans.
  const clock = new ManualClock('2031-01-03T12:00:00Z');
  const poster = new SlackPoster('xoxb-bench', apiUrl, silent);
  // As main.ts builds it: one delivery per active incident, their watermarks written together after each tick.
  const watermarks = new WatermarkWrites();
  const work = catalog.active.map((incident) => ({
    incidentId: incident.id,
    delivery: new ReminderDelivery({
      incident,
      store: store.scoped(incident.id),
      clock,
      poster,
      log: silent,
      watermarks,
    }),
  }));
  const scheduler = new Scheduler(work, silent, undefined, undefined, undefined, watermarks);
  await scheduler.runTick();
  const times: number[] = [];
  for (let i = 0; i < ticks; i++) {
    clock.advance(15_000);
    const t0 = performance.now();
    await scheduler.runTick();
    times.push(performance.now() - t0);
  }
  await store.close();
  await fake.stop();
  return times;
}
