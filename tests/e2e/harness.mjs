// Shared by every e2e test file and the benchmark: serves the release dist/ on 127.0.0.1, starts
// Debian's Chromium through playwright-core, and opens pages that record every page error,
// console error, failed request and Content-Security-Policy violation (a test fails on any). `suite()` and `pagePerTest()`
// register the node:test hooks a test file needs; no test waits a fixed time, each waits for
// the condition it needs (`clockMoved`, `eventually`, `doStep`, a locator's `waitFor`): a value
// read right after an action is read through `eventually`, as the page answers when it gets to it.
import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const dist = path.resolve(process.env.MIRRORSCOPE_DIST ?? path.join(here, '../../dist'));
export const out = path.join(here, 'out');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** Serves dist/ and starts the browser; returns { baseUrl, browser, close }. */
export async function start() {
  await mkdir(out, { recursive: true });
  const server = createServer(async (req, res) => {
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
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
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
  return {
    baseUrl,
    browser,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A new page in a fresh context; `problems` collects what went wrong on it. */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    ...options,
  });
  // Every violation of the page's Content-Security-Policy (index.html) is a problem, whether or
  // not the browser also logs it.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
    );
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, problems, context };
}

/**
 * The URL of an idle three-node cluster: a page opened without a session in its hash shows the
 * welcome scenario playing (see src/ui/welcome.rs), which the journeys that start from nothing
 * do not want.
 */
export function idle(url) {
  return url.includes('#') ? url : `${url}#s=${Buffer.from('cluster nodes=3\n').toString('base64url')}`;
}

/**
 * Opens a URL (an idle cluster when it names no session: `idle`) and waits for the app to draw
 * its first node and to load the link's session, which waits for the wasm's second part
 * (src/ui/share.rs; the page says it is loading meanwhile).
 */
export async function open(page, url) {
  await page.goto(idle(url));
  await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => !window.mirrorscopeDeferred?.pending() && !document.querySelector('.work-indicator'),
    null,
    { timeout: 60_000 },
  );
}

export function shot(name) {
  return path.join(out, name);
}

/**
 * Serves dist/ and starts the browser before the file's tests, and stops both after them.
 * Returns the suite's state: `baseUrl` and `browser` once started.
 */
export function suite() {
  const s = { baseUrl: undefined, browser: undefined };
  let h;
  before(async () => {
    h = await start();
    s.baseUrl = h.baseUrl;
    s.browser = h.browser;
  });
  after(async () => {
    await h?.close();
  });
  return s;
}

/**
 * A suite whose every test gets a fresh page (`page`, with `options` for its context); after
 * each test the page is closed and the test fails if the page reported any problem.
 */
export function pagePerTest(options = {}) {
  const s = suite();
  s.page = undefined;
  s.problems = undefined;
  beforeEach(async () => {
    ({ page: s.page, problems: s.problems } = await newPage(s.browser, options));
  });
  afterEach(async () => {
    await s.page.context().close();
    assert.deepEqual(s.problems, [], 'the page reported errors');
  });
  return s;
}

/** Runs `body` on a fresh page of the suite `s`, then fails if the page reported problems. */
export async function journey(s, options, body) {
  const { page, problems, context } = await newPage(s.browser, options);
  try {
    await body(page);
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, [], 'the page reported errors');
}

/**
 * Waits until the clock has moved past where it is now: the Timeline slider (by its accessible
 * name, `timeline`, in the page's language) shows a later time than when this was called.
 */
export async function clockMoved(page, timeline = 'Timeline', timeout = 15_000) {
  const slider = page.getByRole('slider', { name: timeline });
  const from = Number(await slider.inputValue());
  const el = await slider.elementHandle();
  await page.waitForFunction(([e, t0]) => Number(e.value) > t0, [el, from], { timeout });
  return from;
}

/**
 * Polls `probe` (sync or async) until it returns a truthy value, and returns that value; fails
 * after `timeout` ms naming `what` and the last value seen. For values a locator cannot wait for
 * (an attribute's number, an input's value after a key).
 */
export async function eventually(what, probe, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`waited ${timeout / 1000} s for ${what} (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Clicks the lesson card's "Do it for me", waits until the card took the step's lines (the
 * button is then disabled), then clicks Next and waits until the card has moved on (its "Step i
 * of n" changed, or every step is done), so the next action sees the step's effect. A journey
 * that needs the step done waits for `.lesson-check.done` itself (a step the journey meddled
 * with may never be).
 */
export async function doStep(page, button = 'Do it for me', next = 'Next') {
  const label = page.locator('.lessons .lesson-step .tool-label');
  const before = await label.textContent();
  const doIt = page.locator('.lessons').getByRole('button', { name: button });
  await doIt.click();
  await doIt.and(page.locator('[disabled]')).waitFor();
  await page.locator('.lessons').getByRole('button', { name: next, exact: true }).click();
  await page.waitForFunction(
    (was) => document.querySelector('.lessons .lesson-step .tool-label')?.textContent !== was,
    before,
  );
}
