// Summarises a V8 .cpuprofile: the functions with the most self time, and the inclusive time of the frames
// whose name or file matches the given patterns. `node bench/profile-summary.mjs file.cpuprofile [pattern...]`
import { readFileSync } from 'node:fs';
import process from 'node:process';

const [file, ...patterns] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node bench/profile-summary.mjs <file.cpuprofile> [pattern...]\n');
  process.exit(2);
}
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + dt);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? f.url.replace(/^.*\/(node_modules\/|dist\/)/, '$1') : '';
  return `${f.functionName || '(anonymous)'} ${where}:${f.lineNumber + 1}`;
};
const selfByLabel = new Map();
for (const [id, t] of self) {
  const l = label(byId.get(id));
  selfByLabel.set(l, (selfByLabel.get(l) ?? 0) + t);
}
const pct = (t) => `${((100 * t) / total).toFixed(1)} %`;
process.stdout.write(`total ${(total / 1e6).toFixed(1)} s of samples\n\nself time:\n`);
for (const [l, t] of [...selfByLabel].sort((a, b) => b[1] - a[1]).slice(0, 30))
  process.stdout.write(`  ${pct(t).padStart(7)}  ${l}\n`);
if (patterns.length > 0) {
  // Inclusive: a sample counts once for a pattern when any frame on its stack matches.
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  process.stdout.write('\ninclusive:\n');
  for (const p of patterns) {
    const re = new RegExp(p);
    let t = 0;
    for (const [id, dt] of self) {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
        if (re.test(label(byId.get(cur)))) {
          t += dt;
          break;
        }
      }
    }
    process.stdout.write(`  ${pct(t).padStart(7)}  ${p}\n`);
  }
}
