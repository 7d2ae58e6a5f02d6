import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../lib/errors';

/**
 * Data set files read within limits, before any parsing: only regular files (a named pipe would block the reading,
 * a device never end), inside the data set folder (a link that leads outside it is refused), at most
 * MAX_DATASET_BYTES (checked before reading, and again while reading). Each refusal is a ConfigError that names the
 * file and the fix, as every finding about a data set is.
 */

/** The largest data set file read: the default data set is about 30 KB; a hundred incidents' worth fits. */
export const MAX_DATASET_BYTES = 1024 * 1024;

/** What a file looked like when last read: a file whose mark is unchanged is not read again. */
export interface FileMark {
  size: number;
  mtimeMs: number;
  ino: number;
}

export const sameMark = (a: FileMark | undefined, b: FileMark | undefined): boolean =>
  a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

const refused = (file: string, why: string) => new ConfigError('dataset_invalid', `Data set ${file}: ${why}`);

function kindOf(s: {
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
  isDirectory(): boolean;
}): string {
  if (s.isFIFO()) return 'a named pipe';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/**
 * The file's mark, checked: a regular file (through a link only when the link stays inside `folder`), within the
 * size limit. Reads nothing.
 */
export function markOf(file: string, folder?: string): FileMark {
  const own = lstatSync(file);
  if (own.isSymbolicLink() && folder !== undefined) {
    const target = realpathSync(file);
    const inside = realpathSync(folder);
    if (target !== inside && !target.startsWith(`${inside}${path.sep}`))
      throw refused(file, 'is a link that leads outside the data set folder; put the file itself in the folder.');
  }
  const s = own.isSymbolicLink() ? statSync(file) : own;
  if (!s.isFile()) throw refused(file, `is ${kindOf(s)}, not a data set file; remove it from the folder.`);
  if (s.size > MAX_DATASET_BYTES) throw tooLarge(file, s.size);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

const tooLarge = (file: string, size: number) =>
  refused(
    file,
    `is ${size.toLocaleString('en-US')} bytes; a data set file may be at most ${MAX_DATASET_BYTES.toLocaleString('en-US')} bytes (1 MB). Split it into one file per incident.`,
  );

/** Reads a data set file within the limits above: its text and its mark. */
export function readDataSetFile(file: string, folder?: string): { text: string; mark: FileMark } {
  markOf(file, folder);
  return readChecked(file);
}

/**
 * Reads a file whose mark was just checked (markOf): opened, checked again on what was opened, and read within the
 * size limit.
 */
export function readChecked(file: string): { text: string; mark: FileMark } {
  // Opened without blocking (a file swapped for a pipe since the check cannot hold the process), and checked again
  // on what was opened.
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw refused(file, `is ${kindOf(s)}, not a data set file; remove it from the folder.`);
    if (s.size > MAX_DATASET_BYTES) throw tooLarge(file, s.size);
    const buffer = Buffer.alloc(Math.min(s.size, MAX_DATASET_BYTES) + 1);
    let read = 0;
    for (;;) {
      const n = readSync(fd, buffer, read, buffer.length - read, null);
      if (n === 0) break;
      read += n;
      if (read > MAX_DATASET_BYTES) throw tooLarge(file, read);
      if (read === buffer.length) break;
    }
    return { text: buffer.subarray(0, read).toString('utf8'), mark: { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino } };
  } finally {
    closeSync(fd);
  }
}

/** Deepest nesting of YAML flow collections ([ and {) a data set may have; the schema's deepest is 5. */
export const MAX_NESTING = 64;

/**
 * How deeply a YAML text nests its flow collections, outside quotes and comments: a linear scan, so a file of
 * 200,000 "[" is refused before the parser recurses into it. Block nesting is bounded by the size limit (each
 * level needs its own indentation).
 */
export function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let quote: string | undefined;
  let comment = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (comment) {
      if (c === '\n') comment = false;
      continue;
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i += 1;
      continue;
    }
    if (c === '"' || (c === "'" && /[\s[{,:]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? '\n')) comment = true;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > max) max = depth;
    } else if ((c === ']' || c === '}') && depth > 0) depth -= 1;
  }
  return max;
}
