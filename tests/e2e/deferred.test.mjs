// End-to-end: the wasm's second part (tools/wasm-defer: the Python interpreter, pika, the lab and
// the course, and the simulator's code the first screens do not run). The welcome and a shared
// link draw their first screen without it and fetch it only after the first contentful paint:
// the welcome's scripts and the link's session run once it is in. Deferred code that runs
// before then gets it at once, synchronously.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePerTest, eventually } from './harness.mjs';

const s = pagePerTest();

/** The second part's URL, from the page's <meta>: the release build is split. */
async function deferredUrl(page) {
  const url = await page.evaluate(() => {
    const d = document.querySelector('meta[name="mirrorscope-app"]')?.dataset.deferred;
    return d && new URL(d, document.baseURI).href;
  });
  assert.ok(url, 'the page names the second part of the wasm (data-deferred)');
  return url;
}

/**
 * Holds back the page's own request for the second part (not a stub's synchronous one, which
 * comes after it) until the returned function is called.
 */
async function holdSecondPart(page) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  let first = true;
  await page.route(/_deferred\.wasm$/, async (route) => {
    if (first) {
      first = false;
      await held;
    }
    await route.continue();
  });
  return release;
}

test('the welcome paints before the second part is fetched, then its scripts run', async () => {
  const { page } = s;
  await page.goto(s.baseUrl);
  const url = await deferredUrl(page);
  await eventually('the second part in', () => page.evaluate(() => !window.mirrorscopeDeferred.pending()), 60_000);
  const t = await page.evaluate((u) => {
    const fetched = performance.getEntriesByType('resource').find((e) => e.name === u);
    return {
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      fetched: fetched?.startTime,
      sync: window.mirrorscopeDeferred.syncLoadMs,
    };
  }, url);
  assert.ok(t.fcp > 0, 'a first contentful paint');
  assert.ok(t.fetched > t.fcp, `second part requested at ${t.fetched} ms, after the first paint at ${t.fcp} ms`);
  assert.equal(t.sync, undefined, 'nothing needed the second part before it came');
  // The scripts: the two clients on the stage, orders on the wire, the hint still up.
  await eventually('the shop and the packer connected', async () => (await page.locator('svg g.client').count()) === 2, 30_000);
  await eventually('a message drawn in flight', async () => Number((await page.locator('canvas.motion').getAttribute('data-in-flight')) ?? 0) > 0, 60_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('.welcome-hint').count(), 1, 'the hint stays until the learner acts');
});

test('a shared link paints first, then loads its session once the second part is in', async () => {
  const { page } = s;
  const scenario = [
    'cluster nodes=3',
    "python app on node=node1 <<EOF",
    'import pika',
    "conn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))",
    'ch = conn.channel()',
    "ch.queue_declare(queue='from-a-link')",
    'EOF',
    '',
  ].join('\n');
  await page.goto(`${s.baseUrl}#s=${Buffer.from(scenario).toString('base64url')}`);
  const url = await deferredUrl(page);
  // The script runs: its client on the stage, then, playing, the queue it declares.
  await page.locator('svg g.client').first().waitFor({ timeout: 30_000 });
  const t = await page.evaluate((u) => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    fetched: performance.getEntriesByType('resource').find((e) => e.name === u)?.startTime,
    sync: window.mirrorscopeDeferred.syncLoadMs,
  }), url);
  assert.ok(t.fetched > t.fcp, `second part requested at ${t.fetched} ms, after the first paint at ${t.fcp} ms`);
  assert.equal(t.sync, undefined, 'the session waited for the second part instead of loading it at once');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await eventually('the queue the script declared', async () => (await page.locator('svg.cluster-view').textContent()).includes('from-a-link'), 30_000);
});

test('deferred code needed before the second part is in loads it at once', async (t) => {
  const { page } = s;
  // The second part held back; the welcome paints, then the Python tab shows the editor panel,
  // whose code is in that part.
  const release = await holdSecondPart(page);
  await page.goto(s.baseUrl);
  await deferredUrl(page);
  const tab = page.getByRole('tab', { name: 'Python', exact: true });
  await tab.waitFor({ timeout: 30_000 });
  assert.ok(await page.evaluate(() => window.mirrorscopeDeferred.pending()), 'the second part is held back');
  await tab.click();
  await page.getByRole('region', { name: 'Python clients' }).waitFor({ timeout: 60_000 });
  const sync = await page.evaluate(() => window.mirrorscopeDeferred.syncLoadMs);
  release();
  assert.equal(typeof sync, 'number', 'loaded synchronously, when the panel was drawn');
  t.diagnostic(`synchronous load of the second part: ${sync.toFixed(1)} ms`);
});

test('while a link\'s session waits for the second part, the page says so and takes no input', async () => {
  const { page } = s;
  const release = await holdSecondPart(page);
  const scenario = ['cluster nodes=3', 'client app node=node1', 'app declare waited durable', ''].join('\n');
  await page.goto(`${s.baseUrl}#s=${Buffer.from(scenario).toString('base64url')}`);
  await page.locator('.work-indicator.awaiting').waitFor({ timeout: 30_000 });
  assert.equal(await page.locator('main.layout[inert]').count(), 1, 'the placeholder stage takes no input');
  assert.equal(await page.locator('.contents[inert] .transport').count(), 1, 'nor does the transport');
  // Nor the clock's keyboard shortcuts: Space would play the placeholder. "?" still opens the
  // help, and the page drawn with it shows whether the Space before it played.
  await page.keyboard.press(' ');
  await page.keyboard.press('?');
  await page.getByRole('dialog').waitFor({ timeout: 30_000 });
  assert.equal(await page.getByRole('button', { name: 'Pause', exact: true }).count(), 0, 'not playing');
  await page.keyboard.press('Escape');
  release();
  await eventually('the session loaded', async () => (await page.locator('svg.cluster-view').textContent()).includes('waited'), 60_000);
  assert.equal(await page.locator('[inert]').count(), 0);
  assert.equal(await page.locator('.work-indicator.awaiting').count(), 0);
});
