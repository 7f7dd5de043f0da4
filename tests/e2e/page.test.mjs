// End-to-end: the release dist/ served by a static server on 127.0.0.1 and driven in headless
// Debian Chromium. Any page error, console error or failed request fails the test; screenshots go
// to tests/e2e/out/.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.MIRRORSCOPE_DIST ?? path.join(here, '../../dist'));
const out = path.join(here, 'out');

// The default cluster as the core declares it (Cluster::with_nodes(3)).
const NODES = ['rabbit@node1', 'rabbit@node2', 'rabbit@node3'];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

let server;
let baseUrl;
let browser;
let page;
let problems;

function serveDist() {
  return createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dist, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
    if (!file.startsWith(dist + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
}

before(async () => {
  await mkdir(out, { recursive: true });
  server = serveDist();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    // Playwright adds --headless, --no-sandbox and a fresh --user-data-dir itself.
    args: [
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

beforeEach(async () => {
  problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
});

afterEach(async () => {
  await page.context().close();
  assert.deepEqual(problems, [], 'the page reported errors');
});

async function open() {
  await page.goto(baseUrl);
  await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
}

test('draws the cluster from the core, in English, without errors', async () => {
  await open();
  assert.match(await page.title(), /RabbitMQ 3\.10/);
  assert.equal(await page.locator('h1').textContent(), 'mirrorscope');
  assert.equal(await page.locator('.badge').textContent(), 'models RabbitMQ 3.10');
  const drawn = await page.locator('svg.cluster-view g.node').evaluateAll((gs) =>
    gs.map((g) => g.getAttribute('data-node')),
  );
  assert.deepEqual(drawn, NODES);
  assert.equal(await page.locator('svg.cluster-view line.link-up').count(), 3);
  for (const name of NODES) {
    await page.locator('svg.cluster-view text.node-name', { hasText: name }).waitFor();
  }
  // 4 node states, 3 replica roles, 11 message kinds, a lost message, and 4 kinds of line.
  assert.equal(await page.locator('.legend .legend-item').count(), 23);
  // The diagram must be laid out at a readable size, not collapsed.
  const box = await page.locator('svg.cluster-view').boundingBox();
  assert.ok(box.width > 400 && box.height > 250, `diagram box ${JSON.stringify(box)}`);
  await page.screenshot({ path: path.join(out, 'page-en.png'), fullPage: true });
});

test('switches the chrome to Chinese and keeps the choice on reload', async () => {
  await open();
  await page.locator('button.lang-btn[lang="zh-CN"]').click();
  await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('.cluster-card h2').textContent(), '集群');
  assert.equal(await page.locator('.legend h2').textContent(), '图例');
  assert.match(await page.title(), /经典镜像队列/);
  assert.equal(await page.locator('button.lang-btn[lang="zh-CN"]').getAttribute('aria-pressed'), 'true');
  await page.screenshot({ path: path.join(out, 'page-zh.png'), fullPage: true });

  await page.reload();
  await page.locator('svg.cluster-view g.node').first().waitFor();
  assert.equal(await page.locator('.cluster-card h2').textContent(), '集群');

  await page.locator('button.lang-btn[lang="en"]').click();
  await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('.cluster-card h2').textContent(), 'Cluster');
});

test('loads only from its own relative URLs', async () => {
  const requests = [];
  page.on('request', (req) => requests.push(req.url()));
  await open();
  assert.ok(requests.some((u) => u.endsWith('.wasm')), 'no wasm was fetched');
  const foreign = requests.filter((u) => !u.startsWith(baseUrl) && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  assert.doesNotMatch(html, /(src|href)="\/(?!\/)/, 'dist/index.html has an absolute path');
});
