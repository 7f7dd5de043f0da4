// Which functions of the wasm's deferred part (tools/wasm-defer) a page calls, and when: for
// keeping the first screen free of them. Splits DIST's wasm again with `--trace --keep-names`
// into a scratch copy of DIST, where every stub reports each call, opens the page (the welcome,
// or the URL suffix given) and prints each stubbed function called, first call first, with the
// time of the first call against the first contentful paint.
//
//   node tests/e2e/deferred-calls.mjs <dist with names: a build of names.html> [url suffix] [seconds]
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { functionNames } from './wasm-names.mjs';

const [, , source, suffix = '', seconds = '3'] = process.argv;
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = mkdtempSync(join(tmpdir(), 'deferred-calls-'));
cpSync(source, dist, { recursive: true });
const wasm = readdirSync(dist).find((f) => f.endsWith('_bg.wasm'));
const stem = wasm.slice(0, -'_bg.wasm'.length);
execFileSync('cargo', ['run', '--quiet', '--release', '--locked', '--manifest-path', join(root, 'tools/wasm-defer/Cargo.toml'), '--',
  join(dist, wasm), join(dist, `${stem}.traced`), join(dist, `${stem}_deferred.wasm`), '--trace', '--keep-names',
  '--cold', join(root, 'tools/wasm-defer/not-on-first-screen.txt')], { stdio: 'inherit' });
cpSync(join(dist, `${stem}.traced`), join(dist, wasm));
// The scratch copy's files changed: integrity off, the second part named.
let html = readFileSync(join(dist, 'index.html'), 'utf8');
html = html.replace(/ integrity="[^"]*"/g, '').replace(/data-wasm="([^"]*)_bg\.wasm"/, '$& data-deferred="$1_deferred.wasm"');
writeFileSync(join(dist, 'index.html'), html);

const names = functionNames(readFileSync(join(dist, wasm)));

process.env.MIRRORSCOPE_DIST = dist;
const { start, newPage } = await import('./harness.mjs');
const s = await start();
const { page, problems } = await newPage(s.browser);
await page.addInitScript(() => {
  window.__calls = [];
  let hook;
  Object.defineProperty(window, 'mirrorscopeDeferred', {
    configurable: true,
    get: () => hook,
    set: (d) => {
      const load = d.load;
      d.load = (exports) => { window.__calls.push([exports.trace.value, performance.now()]); load(exports); };
      hook = d;
    },
  });
});
await page.goto(s.baseUrl + suffix);
await page.waitForTimeout(Number(seconds) * 1000);
const { calls, fcp } = await page.evaluate(() => ({
  calls: window.__calls,
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
}));
await s.close();
rmSync(dist, { recursive: true, force: true });
const first = new Map();
for (const [f, t] of calls) if (!first.has(f)) first.set(f, t);
console.log(`first contentful paint at ${fcp?.toFixed(0)} ms; ${first.size} stubbed functions called:`);
for (const [f, t] of first) console.log(`${t.toFixed(0).padStart(6)} ms  ${t <= fcp ? 'before' : 'after '}  ${names.get(f) ?? f}`);
if (problems.length) console.log('problems:', problems);
