// Which of the wasm's functions the first screens run, for the build's split (tools/wasm-defer):
// instruments DIST's whole wasm (`wasm-defer --instrument`, every function records that it ran)
// in a scratch copy of DIST, opens each way a visitor arrives (the welcome in English and in
// Chinese, on a desktop and on a phone; an embedded player; a lesson's link; shared links),
// waits until the page has painted and then for the time the second part takes to arrive on a
// slow link, and writes the functions none of them ran to OUT: the split moves those to the
// second part (with the parts tools/wasm-defer/src/parts.rs names), so the first screen
// downloads only what it runs. Regenerate it when `deferred.test.mjs` reports that the first
// screen needed the second part (`./x profile` does both steps).
//
//   node tests/e2e/first-screen-profile.mjs <dist built with WASM_DEFER=off> <out file>
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { functionNames, plain } from './wasm-names.mjs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [, , source, outFile] = process.argv;
if (!source || !outFile) {
  console.error('usage: node tests/e2e/first-screen-profile.mjs <dist built with WASM_DEFER=off> <out file>');
  process.exit(2);
}
// After the first paint, what the page does while the second part is on its way: at 8 Mbit/s
// its ~0.5 MB take about a second, then it compiles.
const AFTER_PAINT_MS = Number(process.env.AFTER_PAINT_MS ?? 2500);
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = mkdtempSync(join(tmpdir(), 'first-screen-profile-'));
cpSync(source, dist, { recursive: true });
const wasm = readdirSync(dist).find((f) => f.endsWith('_bg.wasm'));
let html = readFileSync(join(dist, 'index.html'), 'utf8');
if (html.includes('data-deferred=')) {
  console.error(`${source} is split; build it with WASM_DEFER=off (the profile needs the whole wasm with its names)`);
  process.exit(2);
}
execFileSync('cargo', ['run', '--quiet', '--release', '--locked', '--manifest-path', join(root, 'tools/wasm-defer/Cargo.toml'), '--',
  '--instrument', join(dist, wasm), join(dist, `${wasm}.instrumented`)], { stdio: 'inherit' });
cpSync(join(dist, `${wasm}.instrumented`), join(dist, wasm));
writeFileSync(join(dist, 'index.html'), html.replace(/ integrity="[^"]*"/g, ''));

const names = new Map([...functionNames(readFileSync(join(dist, wasm)))].map(([i, n]) => [i, plain(n)]));
const functionCount = Math.max(...names.keys()) + 1;

// The ways in, each visited twice (what a page runs before its paint depends a little on
// timing): the welcome (in both languages, at three widths, light and dark, with and without
// motion), an embed (from the examples), a lesson; then, once each and watched for
// less long, a shared link of every lesson's and example's scenario in both link formats, and a
// damaged link, since what runs before a link's paint depends on its text (a fork's or a
// script's lines, the format, a moment to open at).
const example = readFileSync(join(root, 'examples/seed-walkthrough.html'), 'utf8');
const embedded = /data-mirrorscope="([^"]+)"/.exec(example)[1].replace(/&amp;/g, '&');
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const visits = [
  ['the welcome, English', '', {}],
  ['the welcome, Chinese', '', { locale: 'zh-CN' }],
  ['the welcome on a phone', '', { ...phone }],
  ['the welcome on a phone, Chinese', '', { ...phone, locale: 'zh-CN' }],
  ['the welcome on a tablet, dark, without motion', '', { viewport: { width: 820, height: 1180 }, colorScheme: 'dark', reducedMotion: 'reduce' }],
  ['an embedded player', `?embed&autoplay#${embedded}`, {}],
  ['an embedded player, Chinese', `?embed&lang=zh#${embedded}`, {}],
  ['a lesson', '#lesson=seed000-mirrored-queue', {}],
];
const scenarios = [
  ...readdirSync(join(root, 'lessons')).filter((f) => f.endsWith('.scn')).map((f) => join(root, 'lessons', f)),
  ...readdirSync(join(root, 'examples/scenarios')).filter((f) => f.endsWith('.scn')).map((f) => join(root, 'examples/scenarios', f)),
].sort();
const links = scenarios.map((file, i) => {
  const text = readFileSync(file);
  const hash = i % 2
    ? `#v=1&z=${deflateRawSync(text).toString('base64url')}&t=${1_000_000 * i}`
    : `#s=${text.toString('base64url')}`;
  return [`a shared link of ${file.slice(root.length + 1)}`, hash, i % 3 ? {} : { locale: 'zh-CN' }, 500];
});
links.push(['a damaged link', '#v=1&z=AAAA', {}, 500], ['a damaged link, Chinese', '#s=%%%', { locale: 'zh-CN' }, 500]);

process.env.MIRRORSCOPE_DIST = dist;
const { start, newPage } = await import('./harness.mjs');
const s = await start();
const ran = new Set();
try {
  const only = (list) => list.filter(([w]) => new RegExp(process.env.VISITS ?? '').test(w));
  for (const [what, suffix, options, afterPaint = AFTER_PAINT_MS] of [...only(visits), ...only(visits), ...only(links)]) {
    const { page, problems, context } = await newPage(s.browser, options);
    // As on the split page before the second part is in: the page is told it is pending, and
    // what waits for it (src/ui/deferred.rs) waits until the record has been read.
    await page.addInitScript(() => {
      addEventListener('TrunkApplicationStarted', (e) => { window.__wasm = e.detail.wasm; });
      let hook;
      Object.defineProperty(window, 'mirrorscopeDeferred', {
        configurable: true,
        get: () => hook,
        set: (d) => {
          d.pending = () => true;
          d.whenLoaded = () => {};
          hook = d;
        },
      });
    });
    await page.goto(s.baseUrl + suffix);
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0 && window.__wasm, null, { timeout: 60_000 });
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0].startTime);
    // Until a time after the paint, by the page's clock: the page is what waits here, not the test.
    await page.waitForFunction((t) => performance.now() > t, fcp + afterPaint, { timeout: 60_000, polling: 100 });
    const record = await page.evaluate((n) => {
      const w = window.__wasm;
      return Array.from(new Uint8Array(w.memory.buffer, w.mirrorscope_coverage.value, n));
    }, functionCount);
    let n = 0;
    record.forEach((b, i) => { if (b) { n++; ran.add(i); } });
    console.log(`${what}: painted at ${fcp.toFixed(0)} ms; ${n} functions ran`);
    if (problems.length) console.log(`  problems: ${problems.join('; ')}`);
    await context.close();
  }
} finally {
  await s.close();
  rmSync(dist, { recursive: true, force: true });
}

// Listed by name without the crates' disambiguators (what tools/wasm-defer matches on), once
// each: a name any run function carries is never listed.
const runNames = new Set([...ran].map((i) => names.get(i)).filter(Boolean));
const cold = [...new Set([...names].filter(([i]) => !ran.has(i)).map(([, n]) => n))].filter((n) => !runNames.has(n)).sort();
writeFileSync(outFile, [
  '# Functions of the app\'s wasm that no first screen runs (tests/e2e/first-screen-profile.mjs wrote',
  '# this; tools/wasm-defer moves them to the second part). Regenerate with `./x profile`.',
  ...cold,
  '',
].join('\n'));
console.log(`${ran.size} of ${names.size} functions ran; ${cold.length} names written to ${outFile}`);
