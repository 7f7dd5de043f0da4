// End-to-end: the first minute. A page opened with no session in its URL plays the welcome
// scenario slowly, skipping quiet time, and says what to try first, in both languages and on a
// phone; the learner can turn skipping off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pagePerTest, shot, eventually } from './harness.mjs';

const desktop = pagePerTest({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });

async function clock(page) {
  return Number(await page.getByRole('slider', { name: 'Timeline' }).inputValue());
}

test('opens on a mirrored queue at work, playing slowly, with what to try first', async () => {
  const page = desktop.page;
  await page.goto(desktop.baseUrl);
  const hint = page.locator('.welcome-hint');
  await hint.waitFor({ timeout: 60_000 });
  assert.match(await hint.textContent(), /Try first: click node1/);
  // Playing (the button offers Pause) at 1 s of page = 10 ms of cluster, skipping quiet time.
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor({ timeout: 30_000 });
  const speed = page.getByRole('slider', { name: 'Speed' });
  assert.equal(await speed.getAttribute('aria-valuetext'), '1 s of page = 10 ms of cluster');
  assert.equal(await page.locator('.speed-value').textContent(), '1 s = 10 ms');
  const skip = page.getByRole('checkbox', { name: 'Skip quiet time' });
  assert.equal(await skip.isChecked(), true);
  // The clock moves on by itself, and the quiet between two orders is skipped at some frame.
  const start = await clock(page);
  await eventually('the clock past 100 ms of cluster time', async () => (await clock(page)) > start + 100_000, 60_000);
  await eventually('a frame that skipped quiet time', async () => (await page.locator('.skipped').textContent()).includes('skipped'), 60_000);
  // Messages are drawn on the wire at some frame.
  await eventually('a message drawn in flight', async () => Number((await page.locator('g.motion').getAttribute('data-in-flight')) ?? 0) > 0, 60_000);
  await page.screenshot({ path: shot('welcome-desktop.png') });
  // Skipping can be turned off; the hint goes once the learner acts.
  await skip.click();
  await eventually('skip off', async () => !(await skip.isChecked()), 10_000);
  await page.getByRole('button', { name: 'Got it' }).click();
  await eventually('hint dismissed', async () => (await hint.count()) === 0, 10_000);
});

const phone = pagePerTest({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', isMobile: true, hasTouch: true });

test('在手机上也以中文打开欢迎场景', async () => {
  const page = phone.page;
  await page.goto(phone.baseUrl);
  const hint = page.locator('.welcome-hint');
  await hint.waitFor({ timeout: 60_000 });
  assert.match(await hint.textContent(), /先试试：点击 node1/);
  await eventually('the speed in Chinese', async () => (await page.locator('.speed-value').textContent()) === '1 秒 = 10 ms', 30_000);
  await page.screenshot({ path: shot('welcome-phone-zh.png') });
});
