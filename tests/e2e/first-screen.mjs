// The first screen's bytes, for `./x size` (issue 18's target: at most 450 kB gzip): every file
// dist/index.html makes the browser download before the app can draw, each as gzip -9 would
// send it, then what the page fetches only after it has drawn (the second part of the wasm that
// tools/wasm-defer splits off, named by `data-deferred`, and the lessons' texts). A figure, never
// a pass or a fail.
//
//   node tests/e2e/first-screen.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const distDir = process.argv[2] ?? 'dist';
const TARGET = 450_000;
const page = readFileSync(join(distDir, 'index.html'), 'utf8');
const first = new Set(['index.html']);
for (const m of page.matchAll(/<(?:link|script|meta)\b[^>]*>/g)) {
  const tag = m[0];
  if (/rel="icon"/.test(tag)) continue;
  for (const a of tag.matchAll(/\b(?:href|src|data-bindings|data-wasm)="\.?\/?([^"]+)"/g)) {
    if (!a[1].startsWith('data:')) first.add(a[1]);
  }
}
const gz = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
let firstTotal = 0;
console.log('size: the first screen (what dist/index.html downloads before the app draws), gzip -9:');
for (const f of [...first].sort()) {
  const g = gz(join(distDir, f));
  firstTotal += g;
  console.log(`size:   ${f.padEnd(52)} ${String(g).padStart(9)}`);
}
console.log(`size:   first screen total ${firstTotal} B gzip; target 450000 B: ${firstTotal <= TARGET ? 'within it' : `${firstTotal - TARGET} B over it`}`);
const deferred = /<meta name="mirrorscope-app"[^>]*\bdata-deferred="\.?\/?([^"]+)"/.exec(page)?.[1];
if (deferred) {
  const g = gz(join(distDir, deferred));
  // Its ledger figures are `./x bench`'s wasm_deferred_raw and _gzip (gzip -9, as the first part's).
  console.log(`size:   fetched after the first screen: ${deferred} (the wasm's second part), ${g} B gzip`);
}
let laterDir;
try { laterDir = readdirSync(join(distDir, 'lessons')).filter((f) => f.endsWith('.scn')); } catch { laterDir = []; }
if (laterDir.length) {
  const later = laterDir.reduce((a, f) => a + gz(join(distDir, 'lessons', f)), 0);
  console.log(`size:   fetched after the first screen: lessons/*.scn, ${laterDir.length} files, ${later} B gzip`);
}
console.log(`figure first_screen_gzip ${firstTotal} B lower`);
