// `./x bench`'s ledger: reads the figures a run measured (lines `figure KEY VALUE UNIT BETTER`,
// BETTER being `lower` or `higher`), prints each next to the last recorded run's with the change,
// and records this run as the new last one. Figures are read, never judged: nothing here fails
// because a figure moved.
//
//   node tests/e2e/figures.mjs FIGURES_FILE LAST_JSON
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';

const [figuresFile, lastFile] = process.argv.slice(2);
const now = {};
for (const line of (await readFile(figuresFile, 'utf8')).split('\n')) {
  const m = line.match(/^figure (\S+) (-?[\d.]+(?:e[+-]?\d+)?) (\S+) (lower|higher)$/);
  if (m) now[m[1]] = { value: Number(m[2]), unit: m[3], better: m[4] };
}
let last = null;
try {
  last = JSON.parse(await readFile(lastFile, 'utf8'));
} catch {
  // No earlier run on this machine: nothing to compare with.
}

const fmt = (v) => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(4))));
const keys = Object.keys(now);
const width = Math.max(...keys.map((k) => k.length), 10);
console.log(last ? `compared with the run of ${last.at}` : 'no earlier run recorded: this one becomes the reference');
for (const k of keys) {
  const f = now[k];
  let change = '';
  const before = last?.figures?.[k];
  if (before && before.value !== 0) {
    const pct = ((f.value - before.value) / before.value) * 100;
    const better = f.better === 'lower' ? pct < 0 : pct > 0;
    const word = Math.abs(pct) < 2 ? 'same' : better ? 'better' : 'worse';
    change = `  was ${fmt(before.value)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%, ${word})`;
  } else if (last) {
    change = '  (new figure)';
  }
  console.log(`  ${k.padEnd(width)}  ${fmt(f.value).padStart(12)} ${f.unit}${change}`);
}
const missing = Object.keys(last?.figures ?? {}).filter((k) => !(k in now));
if (missing.length) console.log(`not measured this time: ${missing.join(', ')}`);
await mkdir(path.dirname(lastFile), { recursive: true });
await writeFile(lastFile, `${JSON.stringify({ at: new Date().toISOString(), figures: now }, null, 2)}\n`);
console.log(`recorded in ${lastFile}`);
