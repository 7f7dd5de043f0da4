// How soon the first screen shows (issue 18): from navigation to the first contentful paint, to
// the stage's nodes being drawn, to the welcome's scripts running (their clients drawn: with a
// split wasm they start once its second part is in), and to the lessons' course list being
// ready, on a fresh page
// (no cache) of the release dist/. Served gzip-compressed, as a static host would, once at full
// speed and once over a throttled link (so the bytes the first screen downloads count). A figure
// for `./x bench` / by hand, never a test: it prints medians of RUNS loads. With SUFFIX (a URL
// hash such as a shared link's `#s=…` whose session has a client), the same marks for that page:
// "scripts running" is then its session's client drawn.
//
//   [SUFFIX=#…] node tests/e2e/first-paint.mjs [runs] [dist …]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const runs = Number(process.argv[2] ?? 5);
const dists = process.argv.slice(3).map((d) => path.resolve(d));
if (!dists.length) dists.push(path.resolve(process.env.MIRRORSCOPE_DIST ?? path.join(here, '../../dist')));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
};
const cache = new Map();
// One server; the first part of the path picks the dist/ (`/0/`, `/1/`, …).
const server = createServer(async (req, res) => {
  const [, which, ...rest] = decodeURIComponent(new URL(req.url, 'http://x').pathname).split('/');
  const dist = dists[Number(which)];
  if (!dist) return res.writeHead(404).end();
  const urlPath = `/${rest.join('/')}`;
  const file = path.join(dist, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
  if (!file.startsWith(dist + path.sep)) return res.writeHead(403).end();
  try {
    if (!cache.has(file)) cache.set(file, gzipSync(await readFile(file), { level: 9 }));
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-encoding': 'gzip',
      'cache-control': 'no-store',
    });
    res.end(cache.get(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// 8 Mbit/s down, 40 ms round trip: a middling mobile or home link.
const THROTTLED = { offline: false, latency: 40, downloadThroughput: 1_000_000, uploadThroughput: 500_000 };

/** One fresh load; the page-relative milliseconds of each mark. */
async function load(url, throttle) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle) await cdp.send('Network.emulateNetworkConditions', THROTTLED);
  // Marks taken inside the page, on navigation's clock, the moment the DOM shows each thing.
  await page.addInitScript(() => {
    window.__marks = {};
    const want = { stage: 'svg g.node', scripts: 'svg g.client', lessons: '.lessons select:not([disabled])' };
    new MutationObserver(() => {
      for (const [k, sel] of Object.entries(want)) {
        if (!(k in window.__marks) && document.querySelector(sel)) window.__marks[k] = performance.now();
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await page.goto(url);
  await page.waitForFunction(
    () => 'stage' in window.__marks && 'lessons' in window.__marks && 'scripts' in window.__marks &&
      performance.getEntriesByName('first-contentful-paint').length > 0,
    null,
    { timeout: 120_000 },
  );
  const marks = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { fcp: fcp.startTime, ...window.__marks };
  });
  await context.close();
  return marks;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const throttle of [false, true]) {
  const all = dists.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (let d = 0; d < dists.length; d++) all[d].push(await load(`${base}${d}/${process.env.SUFFIX ?? ''}`, throttle));
  }
  const label = throttle ? 'throttled 8 Mbit/s, 40 ms' : 'full speed';
  for (let d = 0; d < dists.length; d++) {
    const m = (k) => Math.round(median(all[d].map((x) => x[k])));
    const name = dists.length > 1 ? ` ${dists[d]}` : '';
    console.log(`paint:${name} ${label}: first contentful paint ${m('fcp')} ms, stage drawn ${m('stage')} ms, scripts running ${m('scripts')} ms, lessons ready ${m('lessons')} ms (median of ${runs})`);
    if (dists.length === 1 && !process.env.SUFFIX) {
      const key = throttle ? 'throttled' : 'local';
      console.log(`figure first_paint_${key} ${m('fcp')} ms lower`);
      console.log(`figure stage_drawn_${key} ${m('stage')} ms lower`);
      console.log(`figure welcome_scripts_${key} ${m('scripts')} ms lower`);
    }
  }
}
await browser.close();
server.close();
