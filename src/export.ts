import { readFileSync, writeFileSync } from 'node:fs';
import { config as loadDotenv } from 'dotenv';
import { reservedWords } from './commands/registry';
import { curate } from './core/curate';
import { dataSetFiles, loadCatalog, upgradeOptions } from './incident/catalog';
import { exportDataset } from './incident/export';
import { checkDataset } from './incident/load';
import { ConfigError, isAppError } from './lib/errors';
import { createLogger, scrubSecrets } from './lib/logger';
import { readSettings } from './settings';
import { startedIncident } from './incident/started';
import { openStore } from './store/open';

/**
 * `npm run export -- <incident id> [file]`: one complete data set of an incident, its file with every source,
 * fact, timeline entry and expected update added, corrected or retracted in Slack written in (every version kept),
 * to `file` or to standard output. It passes `npm run check-data`. The store is read from a copy: nothing is
 * written to it.
 */
async function main(args: string[]): Promise<void> {
  loadDotenv({ quiet: true });
  const [id, out, ...more] = args;
  if (id === undefined || id.startsWith('-') || more.length > 0)
    throw new ConfigError('settings_invalid', 'Usage: npm run export -- <incident id> [file]');
  const settings = readSettings(process.env);
  const catalog = loadCatalog(settings.configPath, reservedWords());
  const incident = catalog.get(id);
  if (!incident && !/^[a-z0-9-]{2,40}$/.test(id))
    throw new ConfigError(
      'settings_invalid',
      `There is no incident "${id}"; the incidents are ${catalog.incidents.map((i) => i.id).join(', ')}.`,
    );
  const file = dataSetFiles(settings.configPath).find((f) => checkDataset(readFileSync(f, 'utf8')).data?.id === id);
  const store = await openStore(settings.database, createLogger('warn', 2), {
    copy: true,
    connectMs: settings.databaseConnectMs,
    migration: upgradeOptions(catalog, settings.upgradeIncident),
  });
  let text: string;
  try {
    // An incident started in Slack has no file: its data set is made from the store.
    const started = file === undefined ? (await store.startedIncidents()).find((s) => s.id === id) : undefined;
    const base = started ? startedIncident(started) : incident;
    if (!base) throw new ConfigError('settings_invalid', `There is no incident "${id}".`);
    const layered = curate(base, (await store.scoped(id).state()).curations);
    for (const note of layered.setAside ?? []) process.stderr.write(`set aside (not exported): ${note}\n`);
    text = exportDataset(file === undefined ? undefined : readFileSync(file, 'utf8'), layered.origin);
  } finally {
    await store.close();
  }
  const checked = checkDataset(text);
  if (checked.yaml.length + checked.findings.length > 0)
    throw new Error(
      `the export of ${id} does not pass the data set checks:\n${[...checked.yaml, ...checked.findings].join('\n')}`,
    );
  if (out === undefined) process.stdout.write(text);
  else {
    writeFileSync(out, text);
    process.stderr.write(`Wrote ${out}: the data set of ${id} with what was recorded in Slack.\n`);
  }
}

if (require.main === module)
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`summit-bot export: ${scrubSecrets(isAppError(error) ? error.message : String(error))}\n`);
    process.exit(isAppError(error) ? error.exitCode : 1);
  });
