// Long work in slices (issue 15): loading a heavy shared session runs in stretches of about a
// frame, so the page keeps answering (a click is handled, typing shows) while a working
// indicator shows progress; Stop abandons the load and the session before it stays. Every
// check waits for a condition, never a fixed time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite, journey, open, shot, eventually } from './harness.mjs';

const s = suite();

// Heavy on purpose (tens of seconds of work in the page, which the test stops long before):
// 100,000 confirmed publishes, the most a run may make, to a queue mirrored on nine nodes, and
// a script polling every 100 µs (stopped at the run's 250,000 wakeups) over 1000 hours.
const HEAVY = [
  'cluster nodes=9',
  'seed 2',
  'rabbitmqctl set_policy ha "^q" \'{"ha-mode":"all"}\'',
  'client app node=node2',
  'app declare q1 durable',
  'app confirm',
  'python poll on node=node3 <<EOF',
  'import time',
  'while True:',
  '    time.sleep(0.0001)',
  'EOF',
  ...Array.from({ length: 10 }, () => ['app publish q1 "m" count=10000', 'wait 5s']).flat(),
  'wait 1000h',
].join('\n');

const link = () => `#s=${Buffer.from(HEAVY).toString('base64url')}`;

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
]) {
  test(`loading a heavy link keeps the page answering, and Stop keeps the session before it (${name})`, async () => {
    await journey(s, { viewport }, async (page) => {
      await open(page, s.baseUrl);
      const before = await page.evaluate(() => document.documentElement.dataset.share);
      assert.ok(before?.startsWith('#v=1&z='), before);
      // Typing the link into the address bar: a hashchange loads it.
      await page.evaluate((h) => {
        location.hash = h;
      }, link());
      const working = page.locator('.work-indicator');
      await working.waitFor({ timeout: 30_000 });
      await page.screenshot({ path: shot(`work-indicator-${name}.png`) });
      // Progress is shown and moves.
      const first = Number(await working.locator('progress').getAttribute('value'));
      await eventually('the progress to move', async () =>
        Number(await working.locator('progress').getAttribute('value')) > first,
      60_000);
      // The page answers while the work goes on: the theme switch is handled, and typing shows.
      const theme = page.locator('html');
      const was = await theme.getAttribute('data-theme');
      await page.getByRole('button', { name: 'Colour theme' }).click();
      await page.waitForFunction((w) => document.documentElement.dataset.theme !== w, was);
      const tab = page.getByRole('tab', { name: 'Console', exact: true });
      if (await tab.count()) await tab.first().click();
      const input = page.getByRole('textbox', { name: 'rabbitmqctl console' });
      await input.fill('rabbitmqctl list_queues');
      await eventually('the typed text to show', async () =>
        (await input.inputValue()) === 'rabbitmqctl list_queues');
      assert.equal(await working.count(), 1, 'still working after the click and the typing');
      // Stop: the load is abandoned and the page says so; the session is the one before.
      await working.getByRole('button', { name: 'Stop' }).click();
      const stopped = page.locator('.work-stopped');
      await stopped.waitFor();
      assert.match(await stopped.innerText(), /Stopped: the session was not loaded/);
      assert.equal(await working.count(), 0);
      await page.waitForFunction(
        (b) => document.documentElement.dataset.share === b,
        before,
      );
    });
  });
}
