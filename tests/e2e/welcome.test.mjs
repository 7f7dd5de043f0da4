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
  await eventually('a message drawn in flight', async () => Number((await page.locator('canvas.motion').getAttribute('data-in-flight')) ?? 0) > 0, 60_000);
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

test('a message in flight is chosen by clicking it on the stage', async () => {
  const page = desktop.page;
  await page.goto(desktop.baseUrl);
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor({ timeout: 60_000 });
  const canvas = page.locator('canvas.motion');
  const drawn = async () => Number((await canvas.getAttribute('data-drawn')) ?? 0);
  // Paused with a message on the wire (a flight lasts a few frames, so pause until one is).
  await eventually('paused with a message drawn', async () => {
    if ((await page.getByRole('button', { name: 'Play', exact: true }).count()) === 1) {
      if ((await drawn()) > 0) return true;
      await page.getByRole('button', { name: 'Play', exact: true }).click();
    }
    if ((await drawn()) > 0) await page.getByRole('button', { name: 'Pause', exact: true }).click();
    return false;
  }, 60_000);
  // The messages are painted, not elements: find one painted pixel and click there.
  const at = await canvas.evaluate((c) => {
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const r = c.getBoundingClientRect();
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] > 200) {
        const px = ((i - 3) / 4) % c.width;
        const py = Math.floor((i - 3) / 4 / c.width);
        return { x: r.left + (px * r.width) / c.width, y: r.top + (py * r.height) / c.height };
      }
    }
    return null;
  });
  assert.ok(at, 'a message is painted on the canvas');
  await page.mouse.click(at.x, at.y);
  // The inspector opens on it: a message's facts begin with its kind.
  await page.locator('.inspector dt', { hasText: 'Kind' }).waitFor({ timeout: 10_000 });
});

test('an arrow of the space-time diagram is chosen by clicking it', async () => {
  const page = desktop.page;
  await page.goto(desktop.baseUrl);
  await page.getByRole('button', { name: 'Pause', exact: true }).waitFor({ timeout: 60_000 });
  const canvas = page.locator('canvas.st-canvas');
  // The arrows are painted over the future's shade: a painted pixel unlike the shade (read in
  // the plot's top-right corner, always in the future) is an arrow.
  const arrowPixel = () =>
    canvas.evaluate((c) => {
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const at = (x, y) => (y * c.width + x) * 4;
      const shade = at(c.width - 2, 1);
      const r = c.getBoundingClientRect();
      for (let i = 0; i < data.length; i += 4) {
        const same = [0, 1, 2].every((k) => Math.abs(data[i + k] - data[shade + k]) < 8);
        if (data[i + 3] > 200 && !same) {
          const px = (i / 4) % c.width;
          const py = Math.floor(i / 4 / c.width);
          return { x: r.left + (px * r.width) / c.width, y: r.top + (py * r.height) / c.height };
        }
      }
      return null;
    });
  await eventually('an arrow painted', async () => (await arrowPixel()) !== null, 60_000);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
  await canvas.scrollIntoViewIfNeeded();
  let at = null;
  await eventually('an arrow painted while paused', async () => (at = await arrowPixel()) !== null, 30_000);
  await page.mouse.click(at.x, at.y);
  // The inspector opens on the message that arrow carries.
  await page.locator('.inspector dt', { hasText: 'Kind' }).waitFor({ timeout: 10_000 });
});
