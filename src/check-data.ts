import { readFileSync } from 'node:fs';
import { checkDataset } from './incident/load';
import { DEFAULT_CONFIG_PATH } from './settings';

/**
 * `npm run check-data -- [file] [--forbid phrases.txt]`: checks a data set as the bot does at start (YAML, schema,
 * the as-of rules), plus phrases a team has ruled out (one a line, # for comments), and prints every finding with
 * its field and line. Exit 0 when there is none, 1 when there are findings, 2 when a file cannot be read.
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
      return readFileSync(path, 'utf8');
    } catch (e) {
      process.stderr.write(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
      return undefined;
    }
  };
  const text = read(file);
  const phrasesText = forbidFile === undefined ? '' : read(forbidFile);
  if (text === undefined || phrasesText === undefined) return 2;
  const phrases = phrasesText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const { yaml, findings } = checkDataset(text, phrases);
  const lines = [...yaml, ...findings];
  if (lines.length === 0) {
    process.stdout.write(
      `${file}: no findings${phrases.length > 0 ? ` (and none of ${phrases.length} ruled-out phrases)` : ''}\n`,
    );
    return 0;
  }
  process.stdout.write(`${file}: ${lines.length} finding${lines.length === 1 ? '' : 's'}\n${lines.join('\n')}\n`);
  return 1;
}

function usage(problem: string): number {
  process.stderr.write(`${problem}\nUsage: npm run check-data -- [data set file] [--forbid phrases.txt]\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
