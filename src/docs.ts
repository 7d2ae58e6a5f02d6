import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandTable, usageHint } from './commands/registry';

/**
 * `npm run docs`: writes what the registry describes into the two documents that repeat it, the command table of
 * docs/commands.md and the manifest's usage hint, so adding a command never means editing them by hand. A test fails when
 * they differ from the registry; this makes them agree.
 */
const ROOT = path.join(__dirname, '..');

function rewrite(file: string, pattern: RegExp, replacement: string): boolean {
  const full = path.join(ROOT, file);
  const before = readFileSync(full, 'utf8');
  if (!pattern.test(before)) throw new Error(`${file}: the place to write was not found (${pattern.source})`);
  const after = before.replace(pattern, replacement);
  if (after !== before) writeFileSync(full, after);
  return after !== before;
}

const readme = rewrite(
  'docs/commands.md',
  /(<!-- commands:[^\n]*-->\n)[\s\S]*?(\n<!-- \/commands -->)/,
  `$1${commandTable().replace(/\$/g, '$$$$')}$2`,
);
const manifest = rewrite('manifest.yml', /( {6}usage_hint: )".*"/, `$1"${usageHint()}"`);
process.stdout.write(
  `docs/commands.md command table: ${readme ? 'updated' : 'already up to date'}\nmanifest.yml usage_hint: ${manifest ? 'updated' : 'already up to date'}\n`,
);
