import { readDataSetFile } from './incident/read-file';
import { reservedWords } from './commands/registry';
import { crossFindings, dataSetFiles } from './incident/catalog';
import { checkDataset } from './incident/load';
import { isAppError } from './lib/errors';
import { DEFAULT_CONFIG_PATH } from './settings';

/**
 * `npm run check-data -- [file-or-folder] [--forbid phrases.txt]`: checks every data set as the bot does at start
 * (YAML, schema, the as-of rules; and across the files of a folder, ids unique and never a command's word), plus
 * phrases a team has ruled out (one a line, # for comments), and prints every finding with its file, field and
 * line. Exit 0 when there is none, 1 when there are findings, 2 when a file cannot be read.
 */
function main(args: string[]): number {
  let file = process.env.SUMMIT_CONFIG ?? DEFAULT_CONFIG_PATH;
  let forbidFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--forbid') forbidFile = args[++i];
    else if (arg.startsWith('--')) return usage(`unknown option ${arg}`);
    else file = arg;
  }
  if (args.includes('--forbid') && forbidFile === undefined) return usage('--forbid needs a file of phrases');
  const read = (path: string): string | undefined => {
    try {
      return readDataSetFile(path).text;
    } catch (e) {
      process.stderr.write(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
      return undefined;
    }
  };
  let files: string[];
  try {
    files = dataSetFiles(file);
  } catch (e) {
    process.stderr.write(`${isAppError(e) ? e.message : String(e)}\n`);
    return 2;
  }
  const phrasesText = forbidFile === undefined ? '' : read(forbidFile);
  if (phrasesText === undefined) return 2;
  const phrases = phrasesText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  let found = 0;
  const ids: { file: string; id: string; text: string }[] = [];
  for (const f of files) {
    const text = read(f);
    if (text === undefined) return 2;
    const { yaml, findings, data } = checkDataset(text, phrases);
    if (data) ids.push({ file: f, id: data.id, text });
    const lines = [...yaml, ...findings];
    found += lines.length;
    process.stdout.write(
      lines.length === 0
        ? `${f}: no findings${phrases.length > 0 ? ` (and none of ${phrases.length} ruled-out phrases)` : ''}\n`
        : `${f}: ${lines.length} finding${lines.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`,
    );
  }
  const across = crossFindings(ids, reservedWords());
  if (across.length > 0)
    process.stdout.write(
      `Across the data sets: ${across.length} finding${across.length === 1 ? '' : 's'}\n${across.map((l) => `  - ${l}`).join('\n')}\n`,
    );
  return found + across.length === 0 ? 0 : 1;
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\nUsage: npm run check-data -- [data set folder or file] [--forbid phrases.txt]\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
