import { createHash } from 'node:crypto';
import { isAppError } from '../lib/errors';
import { crossFindings, dataSetFiles, folderOf, type BrokenFile, type Catalog } from './catalog';
import { markOf, readChecked, readDataSetFile, sameMark, type FileMark } from './read-file';
import { parseIncident } from './load';
import type { Incident } from './model';
import { startedIncident, type StartedIncident } from './started';

/**
 * Data set files edited while the bot runs. Each check reads the files of the data set folder (or the one file)
 * and compares what they hold with what was read before: a changed file that passes the checks replaces its
 * incident, a new one adds one, a removed one removes its incident (what was recorded about it stays in the store,
 * and is there again if the file comes back). A changed file that fails is not used: its last good version stays,
 * and its findings are kept on the catalog (shown by /summit incidents) and returned once, for the log and the
 * admins' DMs. Every replica checks on its own, so each picks an edit up within one interval.
 */
export class DataSetReloader {
  /** Per file: what it held (a hash) and the incident of its last good version. */
  private readonly known = new Map<string, Known>();

  constructor(
    private readonly where: string,
    private readonly catalog: Catalog,
    private readonly reserved: readonly string[],
  ) {
    // The files as loadCatalog read them just before (it refuses a start with any bad file).
    for (const file of dataSetFiles(where)) {
      const { text, mark } = readDataSetFile(file, folderOf(where));
      const incident = parseIncident(text, file);
      this.known.set(file, { hash: hashOf(text), mark, incident: catalog.get(incident.id) ?? incident });
    }
  }

  /**
   * Reads the files again, with the incidents started in Slack (the store's, given by the caller); replaces the
   * catalog's incidents when anything changed. The files newly found broken.
   */
  check(started: readonly StartedIncident[] = []): { changed: boolean; newlyBroken: BrokenFile[] } {
    let files: string[];
    try {
      files = dataSetFiles(this.where);
    } catch (error) {
      // The folder is gone or empty: nothing is replaced (a catalog holds at least one incident).
      const findings = [isAppError(error) ? error.message : String(error)];
      return this.noteFolder(findings);
    }
    const next = new Map<string, Known>();
    const newly = new Set<string>();
    // Incidents started in Slack first: a file that takes one of their ids is the one not used.
    for (const s of started) {
      const key = `${STARTED} (${s.id})`;
      const hash = hashOf(JSON.stringify(s));
      const before = this.known.get(key);
      if (before?.hash === hash) next.set(key, before);
      else {
        const incident = startedIncident(s);
        next.set(
          key,
          incident ? { hash, incident } : { hash, findings: ['its stored title, zone or summary fails the checks'] },
        );
      }
    }
    const folder = folderOf(this.where);
    for (const file of files) {
      const before = this.known.get(file);
      // A file is read again only when it changed (size, time or inode); a refused one is refused from its mark.
      let text: string;
      let mark: FileMark;
      try {
        mark = markOf(file, folder);
        // Unchanged, unless written within the last two seconds (an edit of the same size in the same tick of the
        // file system's clock would keep its mark): then read to be sure.
        if (before && sameMark(before.mark, mark) && Date.now() - mark.mtimeMs > RACY_MS) {
          next.set(file, before);
          continue;
        }
        ({ text, mark } = readChecked(file));
      } catch (error) {
        // Removed between the listing and the look: taken up at the next check.
        if (isGone(error)) {
          if (before) next.set(file, before);
        } else this.refuse(next, newly, file, before, error);
        continue;
      }
      const hash = hashOf(text);
      if (before?.hash === hash) {
        // The same text (touched, or copied over): nothing changed but its mark.
        before.mark = mark;
        next.set(file, before);
        continue;
      }
      try {
        next.set(file, { hash, mark, incident: parseIncident(text, file) });
      } catch (error) {
        // Whatever a file makes the reading throw is a finding about that file: every other file's edits apply.
        next.set(file, { hash, mark, incident: before?.incident, findings: findingsOf(error) });
        newly.add(file);
      }
    }
    const changed =
      next.size !== this.known.size ||
      [...next].some(([key, k]) => this.known.get(key) !== k) ||
      // The folder was found empty or gone before, and now holds data sets again.
      this.catalog.broken.some((b) => b.file === this.where);
    if (!changed) return { changed: false, newlyBroken: [] };
    // The rules across files (ids unique, never a command's word): a file that breaks them is not used either.
    const loaded = [...next.entries()].flatMap(([file, k]) =>
      k.incident && k.findings === undefined ? [{ file, id: k.incident.id, text: '' }] : [],
    );
    for (const finding of crossFindings(loaded, this.reserved)) {
      const file = loaded.find((l) => finding.startsWith(`${l.file}:`))?.file;
      const entry = file === undefined ? undefined : next.get(file);
      if (file === undefined || !entry) continue;
      next.set(file, { ...entry, incident: this.known.get(file)?.incident, findings: [finding] });
      newly.add(file);
    }
    const incidents = [...next.values()].flatMap((k) => (k.incident ? [k.incident] : []));
    const unique = [...new Map(incidents.map((i) => [i.id, i])).values()];
    if (unique.length === 0) return this.noteFolder(['no data set file passes the checks']);
    this.known.clear();
    for (const [file, k] of next) this.known.set(file, k);
    const broken = [...next.entries()].flatMap(([file, k]) =>
      k.findings ? [{ file, findings: k.findings, ...(k.incident && { incidentId: k.incident.id }) }] : [],
    );
    // Files first, in their order, then the incidents started in Slack, oldest first.
    const order = (i: Incident) => (started.some((s) => s.id === i.id) ? 1 : 0);
    this.catalog.replace(
      [...unique].sort((a, b) => order(a) - order(b)),
      broken,
    );
    return { changed: true, newlyBroken: broken.filter((b) => newly.has(b.file)) };
  }

  /** A file refused before it was parsed (not a regular file, too large, a link outside): a finding, said once. */
  private refuse(
    next: Map<string, Known>,
    newly: Set<string>,
    file: string,
    before: Known | undefined,
    error: unknown,
  ) {
    const findings = findingsOf(error);
    // The same refusal again is not news: kept as it was, so it is logged and sent to the admins once.
    if (before?.findings !== undefined && before.findings.join() === findings.join()) {
      next.set(file, before);
      return;
    }
    next.set(file, { hash: `refused:${findings.join()}`, incident: before?.incident, findings });
    newly.add(file);
  }

  private noteFolder(findings: string[]): { changed: boolean; newlyBroken: BrokenFile[] } {
    const already = this.catalog.broken.some((b) => b.file === this.where && b.findings.join() === findings.join());
    if (already) return { changed: false, newlyBroken: [] };
    const broken = { file: this.where, findings };
    this.catalog.replace(this.catalog.incidents, [...this.catalog.broken.filter((b) => b.file !== this.where), broken]);
    return { changed: false, newlyBroken: [broken] };
  }
}

/** What a file (or an incident started in Slack) held when last read, and the incident of its last good version. */
interface Known {
  hash: string;
  /** The file's size, time and inode when it was read (absent for an incident started in Slack). */
  mark?: FileMark;
  incident?: Incident;
  findings?: string[];
}

/** A file written this recently is read again even when its size, time and inode look unchanged. */
const RACY_MS = 2000;

/** How an incident started in Slack is named where a file would be. */
const STARTED = 'the incident started in Slack';

const hashOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** What a file made the reading throw, as finding lines (a ConfigError's, or any other error's message). */
function findingsOf(error: unknown): string[] {
  if (isAppError(error)) return findingLines(error.message);
  return [
    `cannot be read: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? ''}`,
  ];
}

const isGone = (error: unknown) => (error as NodeJS.ErrnoException)?.code === 'ENOENT';

/** A ConfigError's message as finding lines: "  - incident.facts[2].source (line 40): ..." without the heading. */
function findingLines(message: string): string[] {
  const lines = message
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^- /, ''));
  return lines.length > 0 ? lines : [message];
}
