// The A/B fork on the release dist/ in headless Chromium: a scenario (ten confirmed messages on
// node1, a late unsynchronised mirror on node2, the master's node stopped at 400 ms) is opened
// at 150 ms; the reader forks it there with the promote-on-shutdown preset, plays both sides
// under one clock and reads the outcome: with "always" side B lost the 10 older confirmed
// messages, with "when-synced" side A's queue went down and lost nothing. The fork's link
// reopens it; Keep B makes side B the page's run. Screenshots: desktop in English, phone in
// Chinese (tests/e2e/out/fork-*.png).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { suite, journey, open, shot, eventually } from './harness.mjs';

const s = suite();

const SCENARIO = [
  'cluster nodes=3',
  'seed 5',
  'client app node=node1',
  'app declare s durable',
  'app confirm',
  'app publish s "old" count=10 persistent',
  'wait 100ms',
  `rabbitmqctl set_policy ha-nodes "^s$" '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'`,
  'wait 100ms',
  'client pub node=node3',
  'pub confirm',
  'pub publish s "new" count=5 persistent',
  'wait 100ms',
  'on node1: rabbitmqctl stop_app',
  'wait 2s',
  '',
].join('\n');

const link = (text, t) => `#v=1&z=${zlib.deflateRawSync(Buffer.from(text)).toString('base64url')}&t=${t}`;

const WORDS = {
  en: { locale: 'en-US', fork: 'Fork', play: 'Play both', sideA: 'A · when-synced', sideB: 'B · always',
    lost: 'Side B: 10 more confirmed messages lost than side A.', keepB: 'Keep B', clock: 'Timeline of both runs',
    same: 'Cannot fork: the two sides apply the same lines: nothing would differ' },
  zh: { locale: 'zh-CN', fork: '分叉', play: '两边播放', sideA: 'A · when-synced', sideB: 'B · always',
    lost: 'B 边比 A 边多 10（已确认消息丢失）。', keepB: '保留 B', clock: '两边运行的时间轴',
    same: '无法分叉：两边执行的行完全相同：不会有任何差别' },
};

const cell = (page, metric, side) => page.locator(`.fork-table tr[data-metric="${metric}"] td[data-side="${side}"]`);

/** Opens the scenario at 150 ms, forks it with the first preset and plays until B's loss shows. */
async function forkAndPlay(page, words) {
  await open(page, `${s.baseUrl}${link(SCENARIO, 150000)}`);
  await page.locator('.fork-btn').click();
  const dialog = page.locator('.fork-dialog');
  await dialog.waitFor();
  assert.equal(await page.locator('#fork-preset').inputValue(), '0');
  assert.match(await page.locator('#fork-b-lines').inputValue(), /"ha-promote-on-shutdown":"always"/);
  // The same lines on both sides are refused where they were typed, in the page's language.
  await page.locator('#fork-b-lines').fill(await page.locator('#fork-a-lines').inputValue());
  assert.equal(await page.locator('#fork-preset').inputValue(), 'custom');
  await dialog.getByRole('button', { name: words.fork, exact: true }).click();
  await dialog.getByRole('alert').getByText(words.same).waitFor();
  await page.locator('#fork-preset').selectOption('0');
  await dialog.getByRole('button', { name: words.fork, exact: true }).click();
  const view = page.locator('.fork-view');
  await view.waitFor();
  await view.locator('.fork-side-a .fork-side-caption').getByText(words.sideA).waitFor();
  await view.locator('.fork-side-b .fork-side-caption').getByText(words.sideB).waitFor();
  // Both stages are drawn, each with its three nodes.
  await eventually('two stages', async () =>
    (await view.locator('.fork-side svg.cluster-view g.node').count()) === 6);
  await eventually('both sides loaded at the fork instant', async () =>
    (await page.locator('#fork-clock').textContent()) === '150.000 ms' && (await page.locator('.fork-loading').count()) === 0);
  await page.locator('#fork-play').click();
  await view.locator('.fork-sentence').getByText(words.lost).waitFor({ timeout: 30_000 });
  assert.equal(await cell(page, 'Lost', 'a').textContent(), '0');
  assert.equal(await cell(page, 'Lost', 'b').textContent(), '10');
  assert.equal(await cell(page, 'promoted-to', 'b').textContent(), 's → rabbit@node2');
  // Side A's queue is down (when-synced refused the unsynchronised mirror): its downtime grows.
  assert.notEqual(await cell(page, 'Downtime', 'a').textContent(), '0');
  return view;
}

test('fork a running scenario with a preset, play both, read the outcome (desktop, English)', async () => {
  const words = WORDS.en;
  await journey(s, { viewport: { width: 1280, height: 900 }, locale: words.locale }, async (page) => {
    const view = await forkAndPlay(page, words);
    // One clock: pausing and seeking move both sides to the same instant.
    await page.locator('#fork-play').click();
    const slider = page.getByRole('slider', { name: words.clock });
    await slider.fill('1000000');
    await eventually('both sides at 1 s', async () => (await page.locator('#fork-clock').textContent()) === '1.000000 s');
    await eventually('the loss still shown at 1 s', async () => (await cell(page, 'Lost', 'b').textContent()) === '10');
    // Side A's queue has been down since the stop at 300 ms; side B's never was.
    await eventually('the downtime at 1 s', async () => (await cell(page, 'Downtime', 'a').textContent()) === '700 ms');
    assert.equal(await cell(page, 'Downtime', 'b').textContent(), '0 µs');
    await page.screenshot({ path: shot('fork-desktop-en.png') });
    await view.locator('.fork-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('fork-desktop-en-summary.png') });

    // The fork's link reopens the fork.
    await page.getByRole('button', { name: 'Link to this fork' }).click();
    const url = page.url();
    assert.match(url, /#v=1&z=[A-Za-z0-9_-]+&t=1000000$/);
    await page.goto('about:blank');
    await page.goto(url);
    await view.waitFor({ timeout: 30_000 });
    await eventually('the reopened fork at 1 s', async () => (await page.locator('#fork-clock').textContent()) === '1.000000 s');
    await eventually('the reopened outcome', async () => (await cell(page, 'Lost', 'b').textContent()) === '10');

    // Keep B: side B becomes the page's run, at the same instant.
    await page.getByRole('button', { name: words.keepB }).click();
    await view.waitFor({ state: 'detached' });
    await page.locator('.anomalies .count-badge').getByText('10').waitFor({ timeout: 30_000 });
  });
});

test('the fork on a phone, in Chinese: the two stages stacked', async () => {
  const words = WORDS.zh;
  const phone = { viewport: { width: 390, height: 844 }, locale: words.locale, isMobile: true, hasTouch: true };
  await journey(s, phone, async (page) => {
    const view = await forkAndPlay(page, words);
    await page.locator('#fork-play').click();
    // Stacked: side B starts below side A.
    const a = await view.locator('.fork-side-a').boundingBox();
    const b = await view.locator('.fork-side-b').boundingBox();
    assert.ok(b.y >= a.y + a.height - 1, `B at ${b.y}, A ends at ${a.y + a.height}`);
    assert.ok(b.width > 300, `B is ${b.width} px wide`);
    await page.screenshot({ path: shot('fork-phone-zh.png') });
    await view.locator('.fork-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('fork-phone-zh-summary.png') });
    await page.getByRole('button', { name: '关闭分叉' }).click();
    await view.waitFor({ state: 'detached' });
  });
});
