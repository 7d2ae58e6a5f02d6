import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkDataset } from '../../src/incident/load';
import { cleanEnv, runBot } from '../helpers/process';
import { DEFAULT_DATASET, ROOT } from '../helpers/incident';

/** The README is a door and docs/ the rooms behind it: every link leads somewhere, every setting is explained. */

const pages = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => readFileSync(path.join(ROOT, page), 'utf8');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

describe('README and docs/', () => {
  test('the README is a door: at most about 200 lines, and it links to every page of docs/', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    for (const page of pages.filter((p) => p.startsWith('docs/'))) expect(readme).toContain(`](${page})`);
  });

  test.each(pages)('every relative link in %s resolves, anchors included', (page) => {
    const text = read(page);
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1] as string;
      if (/^[a-z]+:/i.test(target)) continue;
      const [file, anchor] = target.split('#') as [string, string | undefined];
      const full = file === '' ? path.join(ROOT, page) : path.join(ROOT, path.dirname(page), file);
      if (!existsSync(full)) {
        broken.push(target);
        continue;
      }
      if (anchor !== undefined) {
        const headings = [...readFileSync(full, 'utf8').matchAll(/^#+ (.+)$/gm)].map((h) => anchorOf(h[1] as string));
        if (!headings.includes(anchor)) broken.push(target);
      }
    }
    expect(broken).toEqual([]);
  });

  test('every setting in .env.example is documented in docs/operations.md', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThan(10);
    const operations = read('docs/operations.md');
    expect(names.filter((n) => !operations.includes(`| \`${n}\` |`))).toEqual([]);
  });

  test('"Follow your own incident" works as written: the file passes the checks and the console answers with it', async () => {
    const readme = read('README.md');
    const block = /<!-- own-incident -->\s*```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const yaml = (block as string).replace(/^ {3}/gm, '');
    expect(checkDataset(yaml)).toMatchObject({ yaml: [], findings: [] });
    const dir = mkdtempSync(path.join(tmpdir(), 'summit-readme-'));
    writeFileSync(path.join(dir, 'my-outage.yaml'), yaml);
    copyFileSync(DEFAULT_DATASET, path.join(dir, 'crowdstrike-2024.yaml'));
    // The step as the README gives it: two commands piped into the console, the incident named first.
    const step = /printf '([^']+)' \| npm start --silent/.exec(readme.slice(readme.indexOf('own-incident')))?.[1];
    expect(step).toBe('my-outage-2026 facts\\nmy-outage-2026 questions\\n');
    const r = await runBot([], {
      env: cleanEnv({ SUMMIT_CONFIG: dir }),
      input: (step as string).replace(/\\n/g, '\n'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Card payments failed from 09:10 to 11:05 UK time on December 1.');
    expect(r.stdout).toContain('Incident report for card payments');
    expect(r.stdout).toContain('Will the provider alert customers before a certificate expires?');
  });
});
