// The page's last line of defence (trap.js): when the WebAssembly instance traps, an error
// panel says so and offers to reload the session from its share link. A real trap is caused
// through the module's own exports: `__wbindgen_malloc` with a size no layout can have ends in
// Rust's allocation-failure abort, an `unreachable` trap, the way an out-of-memory ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, newPage, shot } from './harness.mjs';

const s = suite();

const SCENARIO = [
  'cluster nodes=3',
  'seed 5',
  'rabbitmqctl set_policy ha "^q" \'{"ha-mode":"all"}\'',
  'client app node=node1',
  'app declare q1 durable',
  'app publish q1 "m" count=3',
  'wait 200ms',
].join('\n');

/** Opens the session's link, traps the instance, and returns the panel's reload link. */
async function trapWithSession(page, baseUrl) {
  // Keep the instance's exports where the test can reach them.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => {
      window.__mirrorscopeWasm = e.detail.wasm;
    });
  });
  const link = `${baseUrl}#s=${Buffer.from(SCENARIO).toString('base64url')}&t=200000`;
  await page.goto(link);
  await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
  // The app keeps the session's link on <html data-share> for trap.js.
  await page.waitForFunction(() => (document.documentElement.dataset.share ?? '').startsWith('#v=1&z='));
  await page.waitForFunction(() => window.__mirrorscopeWasm !== undefined);
  await page.evaluate(() => {
    // Uncaught, as a trap in an event handler or an animation frame is.
    setTimeout(() => window.__mirrorscopeWasm.__wbindgen_malloc(0xfffffff0, 8), 0);
  });
  const panel = page.getByRole('alertdialog');
  await panel.waitFor({ timeout: 15_000 });
  return panel;
}

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`a trap shows the error panel, which reloads the session from its link (${name})`, async () => {
    const { page, problems, context } = await newPage(s.browser, { viewport });
    try {
      const panel = await trapWithSession(page, s.baseUrl);
      await assert.doesNotReject(panel.getByRole('heading', { name: 'The simulator stopped' }).waitFor());
      assert.match(await panel.locator('.panic-message').innerText(), /unreachable/i);
      const button = panel.getByRole('button', { name: 'Reload the session from its link' });
      const share = await page.evaluate(() => document.documentElement.dataset.share);
      assert.equal(await button.getAttribute('data-trap-link'), `${s.baseUrl}${share}`);
      await page.screenshot({ path: shot(`trap-panel-${name}.png`) });
      // The trap is the one error the page reported.
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0], /unreachable/i);
      problems.length = 0;
      // The link brings the session back in a fresh instance: the same scenario is loaded.
      const scenario = share.split('&').slice(0, 2).join('&'); // v=1&z=…
      await button.click();
      await page.locator('svg.cluster-view g.node').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(
        (sc) => (document.documentElement.dataset.share ?? '').split('&').slice(0, 2).join('&') === sc,
        scenario,
        { timeout: 15_000 },
      );
      assert.equal(await page.locator('#panic-panel').count(), 0);
      assert.ok(page.url().includes('#v=1&z='), page.url());
    } finally {
      await context.close();
    }
    assert.deepEqual(problems, [], 'the reloaded page reported errors');
  });
}
