// End-to-end: the wasm's second part (tools/wasm-defer: the Python interpreter, pika, the lab and
// the course). The welcome draws its first screen without it, fetches it only after the first
// contentful paint, and its scripts run once it is in; a link whose session has a script at load
// needs it at once and gets it synchronously.
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

test('a link whose session runs a script at load gets the second part at once', async (t) => {
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
  await deferredUrl(page);
  // The script runs: its client on the stage, then, playing, the queue it declares.
  await page.locator('svg g.client').first().waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  await eventually('the queue the script declared', async () => (await page.locator('svg.cluster-view').textContent()).includes('from-a-link'), 30_000);
  const sync = await page.evaluate(() => window.mirrorscopeDeferred.syncLoadMs);
  assert.equal(typeof sync, 'number', 'loaded synchronously, when the script was read');
  t.diagnostic(`synchronous load of the second part: ${sync.toFixed(1)} ms`);
});
