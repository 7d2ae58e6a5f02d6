import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../lib/errors';
import { editDistance } from '../lib/text';
import { parseIncident } from './load';
import { readDataSetFile } from './read-file';
import type { Incident } from './model';

/**
 * Every incident the bot follows, from one data set file or a folder of them (each `*.yaml` one incident). Ids are
 * unique and never a command's word, so `/summit <id> facts` can never be read two ways.
 */
export class Catalog {
  private byId!: Map<string, Incident>;
  /** Active ones first, then closed ones, each in the order they were given (file name order in a folder). */
  incidents!: readonly Incident[];
  active!: readonly Incident[];
  /**
   * How many times the incidents were replaced (a data set file edited while the bot runs): what a cache of
   * replies or pages keys on, so nothing made from an earlier version of a file is served after it changed.
   */
  generation = 0;
  /** Data set files that changed and fail the checks (their last good version is used), with their findings. */
  broken: readonly BrokenFile[] = [];
  /**
   * The incident that records, buttons and forms from before incidents belong to (an upgraded store), when there
   * is one: a button without an incident in its value is about it.
   */
  earlier?: string;

  constructor(incidents: readonly Incident[]) {
    this.set(incidents);
  }

  /** The incidents from now on (a data set file changed, appeared or disappeared), and the files that fail. */
  replace(incidents: readonly Incident[], broken: readonly BrokenFile[] = []): void {
    this.set(incidents);
    this.broken = broken;
    this.generation += 1;
  }

  private set(incidents: readonly Incident[]): void {
    if (incidents.length === 0) throw new Error('a catalog holds at least one incident');
    this.byId = new Map(incidents.map((i) => [i.id, i]));
    this.active = incidents.filter((i) => i.state === 'active');
    this.incidents = [...this.active, ...incidents.filter((i) => i.state === 'closed')];
  }

  get(id: string): Incident | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get size(): number {
    return this.incidents.length;
  }

  /**
   * The incident a request is about when nothing names one: the only one, or the only active one. Undefined when
   * there are several to choose from (nothing is guessed).
   */
  sole(): Incident | undefined {
    if (this.incidents.length === 1) return this.incidents[0];
    return this.active.length === 1 ? this.active[0] : undefined;
  }

  /** The ids closest to a mistyped one (a prefix, or a few edits away), closest first; at most three. */
  closest(word: string): string[] {
    const w = word.toLowerCase().slice(0, 60);
    if (w.length < 2) return [];
    return [...this.byId.keys()]
      .map((id) => ({ id, d: id.startsWith(w) || w.startsWith(id) ? 0 : editDistance(w, id) }))
      .filter((c) => c.d <= Math.max(2, Math.floor(c.id.length / 4)))
      .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
      .slice(0, 3)
      .map((c) => c.id);
  }
}

/** A data set file that fails the checks: its findings (field and line), and the incident it held when it was good. */
export interface BrokenFile {
  file: string;
  findings: string[];
  /** The incident of its last good version, still in use; absent for a file that never passed. */
  incidentId?: string;
}

/** The folder of the data sets at `where` (itself, or the folder of the one file). */
export function folderOf(where: string): string {
  try {
    return statSync(where).isDirectory() ? where : path.dirname(where);
  } catch {
    return path.dirname(where);
  }
}

/** Where the data sets are: a folder of `*.yaml` files, or one file. */
export function dataSetFiles(where: string): string[] {
  let folder: boolean;
  try {
    folder = statSync(where).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(
      'dataset_missing',
      `Data set ${where}: ${code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? String(e)})`}. Set SUMMIT_CONFIG to a folder of YAML data sets (default config/incidents) or to one data set file.`,
      { cause: e },
    );
  }
  if (!folder) return [where];
  const files = readdirSync(where)
    .filter((name) => /\.ya?ml$/i.test(name) && !name.startsWith('.'))
    .sort()
    .map((name) => path.join(where, name));
  if (files.length === 0)
    throw new ConfigError(
      'dataset_missing',
      `Data set folder ${where} holds no *.yaml file. Put one data set per incident there (see config/incidents/), or set SUMMIT_CONFIG to another folder or file.`,
    );
  return files;
}

/** The rules across data sets: ids unique, and no id the same word as a command. Findings, each naming its file. */
export function crossFindings(
  loaded: readonly { file: string; id: string; text: string }[],
  reserved: readonly string[],
): string[] {
  const findings: string[] = [];
  const seen = new Map<string, string>();
  for (const { file, id, text } of loaded) {
    const line = idLine(text);
    const at = `${file}: id${line ? ` (line ${line})` : ''}`;
    if (reserved.includes(id))
      findings.push(`${at}: "${id}" is the word of a /summit command; choose another id, such as ${id}-incident`);
    const first = seen.get(id);
    if (first !== undefined)
      findings.push(`${at}: "${id}" is already the id of ${first}; every data set needs its own id`);
    else seen.set(id, file);
  }
  return findings;
}

function idLine(text: string): number | undefined {
  const index = text.split('\n').findIndex((l) => /^id\s*:/.test(l));
  return index === -1 ? undefined : index + 1;
}

/**
 * Reads and checks every data set at `where` (a folder or a file): each as at start today (a finding names the file,
 * field and line), then the rules across them. Throws a ConfigError (exit 2) on the first file that fails, or on
 * any finding across files.
 */
export function loadCatalog(where: string, reserved: readonly string[] = []): Catalog {
  const loaded = dataSetFiles(where).map((file) => {
    let text: string;
    try {
      text = readDataSetFile(file, folderOf(where)).text;
    } catch (e) {
      if (e instanceof ConfigError) throw e;
      throw new ConfigError(
        'dataset_missing',
        `Data set ${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`,
        { cause: e },
      );
    }
    const incident = parseIncident(text, file);
    return { file, id: incident.id, text, incident };
  });
  const findings = crossFindings(loaded, reserved);
  if (findings.length > 0)
    throw new ConfigError(
      'dataset_invalid',
      `Data sets at ${where} conflict:\n${findings.map((f) => `  - ${f}`).join('\n')}`,
    );
  return new Catalog(loaded.map((l) => l.incident));
}

/**
 * The incident that a store's records from before incidents belong to: the one named by SUMMIT_UPGRADE_INCIDENT,
 * else the only data set. Undefined with several and none named (the store's migration then says what to set, if it
 * holds such records).
 */
export function upgradeIncident(catalog: Catalog, named: string | undefined): string | undefined {
  if (named !== undefined) {
    if (!catalog.has(named))
      throw new ConfigError(
        'settings_invalid',
        `SUMMIT_UPGRADE_INCIDENT: "${named}" is none of the data sets' ids (${catalog.incidents.map((i) => i.id).join(', ')}).`,
      );
    return named;
  }
  return catalog.size === 1 ? catalog.incidents[0]?.id : undefined;
}

/** What a store's migrations are told of the incidents (store/migrations.ts, MigrationOptions), made in one place. */
export function upgradeOptions(catalog: Catalog, named: string | undefined) {
  return { legacyIncident: upgradeIncident(catalog, named), incidentIds: catalog.incidents.map((i) => i.id) };
}
