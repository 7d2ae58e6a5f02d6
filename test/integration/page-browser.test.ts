import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Catalog } from '../../src/incident/catalog';
import { ManualClock } from '../../src/lib/clock';
import { signLink } from '../../src/lib/links';
import type { FollowUpStore } from '../../src/store/repository';
import { WebPages } from '../../src/web/pages';
import { startPageServer } from '../../src/web/serve';
import { defaultIncident, ROOT } from '../helpers/incident';
import { silent, testStore } from '../helpers/store';

/** Debian's chromium (`apt-get install -y chromium`; .ci/run installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  process.stdout.write(
    `\nBrowser tests skipped: no ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).\n`,
  );

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const NOW = '2026-12-01T17:00:00Z';

/**
 * The page in a real browser (headless Chromium, driven by playwright-core, which downloads no browser of its own):
 * it renders with no console errors and nothing refused by its Content-Security-Policy, the timeline picture is
 * there with the event on it, the date picker changes what is shown, and a request without a valid token is refused.
 * UPDATE_SCREENSHOT=1 writes docs/page.png (the README's picture).
 */
describeBrowser('the incident page in Chromium', () => {
  let browser: Browser;
  let store: FollowUpStore;
  let server: { port: number; close: () => Promise<void> };
  let base: string;
  const token = signLink(SECRET, {
    incident: 'crowdstrike-2024',
    issuedAt: Date.parse(NOW) - 1000,
    expiresAt: Date.parse(NOW) + 30 * 86_400_000,
  });

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    store = await testStore();
    const pages = new WebPages({
      catalog: new Catalog([defaultIncident()]),
      store,
      clock: new ManualClock(NOW),
      log: silent,
      secret: SECRET,
      publicUrl: 'https://summit.example.com',
    });
    server = await startPageServer(pages, 0, '127.0.0.1');
    base = `http://127.0.0.1:${server.port}`;
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await store?.close();
  });

  test('renders with no console error, the timeline with the event on it, dates in the reader’s zone; the picker changes it', async () => {
    const context = await browser.newContext({ timezoneId: 'Europe/Berlin', viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    const res = await page.goto(`${base}/incidents/crowdstrike-2024?token=${token}`);
    expect(res?.status()).toBe(200);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    expect(await page.locator('h1').textContent()).toBe('CrowdStrike outage of July 2024');
    expect(await page.locator('#timeline').count()).toBe(1);
    expect(await page.locator('#timeline circle[data-kind="event"]').count()).toBe(1);
    expect(await page.locator('#timeline .event-label').textContent()).toBe(
      'Sep 10 · Windows Endpoint Security Ecosystem Summit',
    );
    // One zone for every moment on the page, the reader's, named: the release (04:09 UTC on July 19) is Jul 19 in
    // Berlin, in the picture as in the lists; the header's moment and the picture's legend say the same zone.
    expect(await page.locator('#timeline text.label[data-kind="timeline"]').first().textContent()).toMatch(
      /^Jul 19 · /,
    );
    expect(await page.locator('#timeline text.zone').textContent()).toBe('Days in Europe/Berlin');
    expect(await page.locator('#zone-name').textContent()).toBe('Europe/Berlin');
    expect(await page.locator('.state time').textContent()).toMatch(/GMT\+1|CET/);
    // The page's script ran (its CSP allows it): the reader's zone is known to the page.
    expect(await page.locator('html').getAttribute('data-zone')).toBe('Europe/Berlin');
    if (process.env.UPDATE_SCREENSHOT === '1')
      writeFileSync(path.join(ROOT, 'docs', 'page.png'), await page.screenshot({ fullPage: false }));
    // As of August 1, 2024 (before the summit was announced): the picker changes what is shown.
    await page.fill('#as_of', '2024-08-01');
    await Promise.all([page.waitForURL(/as_of=2024-08-01/), page.click('form.asof button')]);
    expect(await page.locator('#timeline circle[data-kind="event"]').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('Windows Endpoint Security Ecosystem Summit');
    expect(await page.locator('.state').textContent()).toContain('As of Thursday, August 1, 2024');
    expect(problems).toEqual([]);
    await context.close();
  }, 30_000);

  test.each(['2024-08-24', '2024-09-11', ''])(
    'as of %s every dated thing has a label, and no label overlaps another or leaves the picture',
    async (asOf) => {
      const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/incidents/crowdstrike-2024?token=${token}${asOf ? `&as_of=${asOf}` : ''}`);
      await page.waitForLoadState('networkidle');
      const svg = await page.locator('#timeline').boundingBox();
      expect(svg).not.toBeNull();
      const marks = await page.locator('#timeline circle[data-kind]').count();
      const labels = await page.locator('#timeline text.label').evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { text: e.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }),
      );
      // One label per mark, none empty.
      expect(labels.length).toBe(marks);
      expect(labels.length).toBeGreaterThan(3);
      expect(labels.filter((l) => l.text.trim() === '')).toEqual([]);
      const box = svg as { x: number; y: number; width: number; height: number };
      for (const l of labels) {
        expect(l.left).toBeGreaterThanOrEqual(box.x - 0.5);
        expect(l.right).toBeLessThanOrEqual(box.x + box.width + 0.5);
        expect(l.top).toBeGreaterThanOrEqual(box.y - 0.5);
        expect(l.bottom).toBeLessThanOrEqual(box.y + box.height + 0.5);
      }
      const overlapping = labels.flatMap((a, i) =>
        labels
          .slice(i + 1)
          .filter((b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          .map((b) => `${a.text} / ${b.text}`),
      );
      expect(overlapping).toEqual([]);
      await context.close();
    },
    30_000,
  );

  test('without a valid token the browser gets the refusal, and nothing of the incident', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${base}/incidents/crowdstrike-2024?token=not-a-token`);
    expect(res?.status()).toBe(403);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('This link is not valid');
    expect(text).not.toContain('CrowdStrike');
    await page.close();
  }, 30_000);
});
