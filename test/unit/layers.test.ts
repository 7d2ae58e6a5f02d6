import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/incident';

/**
 * The house's folders form layers that only point down: a module may import from its own folder or a lower one,
 * never from a higher one (nor sideways between the front ends). Lowest first.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['lib'],
  ['settings.ts'],
  ['incident'],
  ['core'],
  ['store'],
  ['views'],
  ['commands'],
  ['watch'],
  ['tracker'],
  ['scheduler'],
  ['console', 'slack', 'web'],
  ['main.ts', 'preview.ts', 'check-data.ts', 'watch-once.ts', 'docs.ts', 'export.ts'],
];

const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith('.ts') ? [full] : [];
  });
}

/** The top folder (or top file) of a path under src/. */
const topOf = (file: string): string => path.relative(SRC, file).split(path.sep)[0] ?? '';
const layerOf = (top: string): number => LAYERS.findIndex((l) => l.includes(top));

describe('layers', () => {
  test('every top folder and file of src/ has a layer', () => {
    for (const name of readdirSync(SRC)) expect([name, layerOf(name)]).not.toEqual([name, -1]);
  });

  test('no module imports from a higher layer or from another folder of its own layer', () => {
    const wrong: string[] = [];
    for (const file of files(SRC)) {
      const from = topOf(file);
      for (const m of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), m[1] as string);
        const to = topOf(target.endsWith('.ts') ? target : `${target}.ts`);
        const toTop = layerOf(to) === -1 ? topOf(target) : to;
        if (toTop === from) continue;
        if (layerOf(toTop) >= layerOf(from))
          wrong.push(`${path.relative(ROOT, file)} imports ${m[1]} (${toTop} is not below ${from})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
